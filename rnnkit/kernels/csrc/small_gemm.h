// Row-major product for the small per-step matrices of a recurrence (a few to a few dozen rows),
// where a BLAS call costs more in set-up than in arithmetic. A register tile of MR rows by NV
// vectors accumulates over the whole k loop: an outer product per k of MR broadcasts by NV loads
// of B. The tile is sized to the register file of the target -march=native builds for, because a
// tile that does not fit spills every accumulator to the stack on every k:
// - AVX-512 (32 zmm): 6 x 4 vectors, 24 accumulators + 4 loads. MR = 6 loads each row of B once
//   per six rows of A; it ran 1.15-1.6x faster than MR = 4 on the per-step shapes (16-64 rows).
// - AVX2 (16 ymm): 6 x 2 vectors, 12 accumulators + 2 loads + 1 broadcast. The AVX-512 tile
//   built for AVX2 (64-byte vectors split in two) needed 48 registers and ran at 7-14 GFLOP/s of
//   a measured 95 per core on a Zen 3.
// - Otherwise (NEON's 32 q registers, SSE): 6 x 4 vectors of 16 bytes.
// GCC vector extensions keep it portable: each vector is one register of the target.
#pragma once

#include <algorithm>
#include <cstdint>

namespace rnnkit {

#if defined(__AVX512F__)
constexpr int kVectorBytes = 64, kTileVectors = 4;
#elif defined(__AVX__)
constexpr int kVectorBytes = 32, kTileVectors = 2;
#else
constexpr int kVectorBytes = 16, kTileVectors = 4;
#endif

// One register of the target, and a full register tile's width in elements of T.
template <typename T>
struct Vec {
  // Unaligned and allowed to alias T, so a plain dereference is one unaligned vector load; a
  // memcpy into a vector array compiled to two 16-byte stores and a 32-byte reload on AVX2, a
  // store-forwarding stall on every k that held the tile to 6-13 GFLOP/s on a Zen 3.
  typedef T type __attribute__((vector_size(kVectorBytes), aligned(sizeof(T)), may_alias));
  static constexpr int64_t lanes = kVectorBytes / sizeof(T);
  static constexpr int64_t tile_width = kTileVectors * lanes;
};

// C[0:MR, 0:NV*lanes] = A[0:MR, :] @ B[:, 0:NV*lanes] + beta * C
template <typename T, int MR, int NV>
inline void tile(int64_t k, const T* a, int64_t lda, const T* b, int64_t ldb, T beta, T* c,
                 int64_t ldc) {
  using V = typename Vec<T>::type;
  constexpr int64_t L = Vec<T>::lanes;
  V acc[MR][NV];
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v) {
      if (beta == T(0)) {
        acc[r][v] = V{};
      } else {
        acc[r][v] = *reinterpret_cast<const V*>(c + r * ldc + v * L) * beta;
      }
    }
  for (int64_t p = 0; p < k; ++p) {
    V bv[NV];
    for (int v = 0; v < NV; ++v) bv[v] = *reinterpret_cast<const V*>(b + p * ldb + v * L);
    for (int r = 0; r < MR; ++r) {
      const T s = a[r * lda + p];
      for (int v = 0; v < NV; ++v) acc[r][v] += s * bv[v];
    }
  }
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v) *reinterpret_cast<V*>(c + r * ldc + v * L) = acc[r][v];
}

template <typename T>
inline void column_rest(int64_t m, int64_t n0, int64_t n, int64_t k, const T* a, int64_t lda,
                        const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  for (int64_t i = 0; i < m; ++i) {
    T* ci = c + i * ldc;
    for (int64_t j = n0; j < n; ++j) ci[j] = beta == T(0) ? T(0) : beta * ci[j];
    for (int64_t p = 0; p < k; ++p) {
      const T s = a[i * lda + p];
      const T* bp = b + p * ldb;
#pragma omp simd
      for (int64_t j = n0; j < n; ++j) ci[j] += s * bp[j];
    }
  }
}

// All rows of one block of NV vectors' width: 6-row tiles, then 4, 2, 1 for the rest.
template <typename T, int NV>
inline void column_block(int64_t m, int64_t k, const T* a, int64_t lda, const T* b, int64_t ldb,
                         T beta, T* c, int64_t ldc) {
  int64_t i = 0;
  for (; i + 6 <= m; i += 6) tile<T, 6, NV>(k, a + i * lda, lda, b, ldb, beta, c + i * ldc, ldc);
  for (; i + 4 <= m; i += 4) tile<T, 4, NV>(k, a + i * lda, lda, b, ldb, beta, c + i * ldc, ldc);
  for (; i + 2 <= m; i += 2) tile<T, 2, NV>(k, a + i * lda, lda, b, ldb, beta, c + i * ldc, ldc);
  for (; i < m; ++i) tile<T, 1, NV>(k, a + i * lda, lda, b, ldb, beta, c + i * ldc, ldc);
}

// The whole vectors left after the full tiles, NV - 1 down to 1 of them at most.
template <typename T, int NV>
inline int64_t column_tail(int64_t m, int64_t n, int64_t k, const T* a, int64_t lda, const T* b,
                           int64_t ldb, T beta, T* c, int64_t ldc) {
  if constexpr (NV == 0) {
    return 0;
  } else {
    if (n >= NV * Vec<T>::lanes) {
      column_block<T, NV>(m, k, a, lda, b, ldb, beta, c, ldc);
      return NV * Vec<T>::lanes;
    }
    return column_tail<T, NV - 1>(m, n, k, a, lda, b, ldb, beta, c, ldc);
  }
}

// Columns go in blocks of a full tile's width, then one block of the whole vectors left (a team's
// slice is often 16 or 48 columns past a multiple of 64), then a scalar-width remainder.
template <typename T>
void small_gemm(int64_t m, int64_t n, int64_t k, const T* a, int64_t lda, const T* b,
                int64_t ldb, T beta, T* c, int64_t ldc) {
  constexpr int64_t W = Vec<T>::tile_width;
  int64_t j = 0;
  for (; j + W <= n; j += W)
    column_block<T, kTileVectors>(m, k, a, lda, b + j, ldb, beta, c + j, ldc);
  j += column_tail<T, kTileVectors - 1>(m, n - j, k, a, lda, b + j, ldb, beta, c + j, ldc);
  if (j < n) column_rest(m, j, n, k, a, lda, b, ldb, beta, c, ldc);
}

// Columns [0, n) of w (k rows, row stride ldw) copied into dst as panels of one register tile's
// width, each k rows of contiguous columns (the panel of column j0 starts at dst + k * j0), so
// the tiles read B sequentially. Read in place, rows of w 4-8 KB apart (1024-2048 columns) fall
// into one or two sets of a 64-set L1 and every k of a tile misses it: that cost the step
// products 5-25% on Zen 4, and packing took the input projection from 103 to 134 GFLOP/s on a
// Zen 3 (64 x 50 rows, 512 inputs, 2048 outputs, two threads).
template <typename T>
void pack_panels(const T* w, int64_t k, int64_t n, int64_t ldw, T* dst) {
  constexpr int64_t P = Vec<T>::tile_width;
  for (int64_t j0 = 0; j0 < n; j0 += P) {
    const int64_t width = std::min(P, n - j0);
    for (int64_t p = 0; p < k; ++p)
      std::copy(w + p * ldw + j0, w + p * ldw + j0 + width, dst + k * j0 + p * width);
  }
}

// c (m, n) = a (m, k) @ W + beta * c, W as pack_panels laid it out.
template <typename T>
void panel_gemm(int64_t m, int64_t n, int64_t k, const T* a, int64_t lda, const T* panels, T beta,
                T* c, int64_t ldc) {
  constexpr int64_t P = Vec<T>::tile_width;
  for (int64_t j0 = 0; j0 < n; j0 += P) {
    const int64_t width = std::min(P, n - j0);
    small_gemm(m, width, k, a, lda, panels + k * j0, width, beta, c + j0, ldc);
  }
}

}  // namespace rnnkit
