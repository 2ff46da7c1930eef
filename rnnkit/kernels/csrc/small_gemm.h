// Row-major product for the small per-step matrices of a recurrence (a few to a few dozen rows),
// where a BLAS call costs more in set-up than in arithmetic. A register tile of MR rows by four
// 64-byte vectors accumulates over the whole k loop: an outer product per k of MR broadcasts by
// four loads of B. MR = 6 (24 accumulators of 32 AVX-512 registers) loads each row of B once per
// six rows of A; it ran 1.15-1.6x faster than MR = 4 on the per-step shapes (16-64 rows).
// GCC vector extensions keep it portable; with -march=native they become AVX-512, AVX2 or NEON
// registers.
#pragma once

#include <cstdint>
#include <cstring>

namespace rnnkit {

template <typename T>
struct Vec64 {
  typedef T type __attribute__((vector_size(64), aligned(sizeof(T))));
  static constexpr int64_t lanes = 64 / sizeof(T);
};

// C[0:MR, 0:NV*lanes] = A[0:MR, :] @ B[:, 0:NV*lanes] + beta * C
template <typename T, int MR, int NV>
inline void tile(int64_t k, const T* a, int64_t lda, const T* b, int64_t ldb, T beta, T* c,
                 int64_t ldc) {
  using V = typename Vec64<T>::type;
  constexpr int64_t L = Vec64<T>::lanes;
  V acc[MR][NV];
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v) {
      if (beta == T(0)) {
        acc[r][v] = V{};
      } else {
        V cv;
        std::memcpy(&cv, c + r * ldc + v * L, sizeof(V));
        acc[r][v] = cv * beta;
      }
    }
  for (int64_t p = 0; p < k; ++p) {
    V bv[NV];
    for (int v = 0; v < NV; ++v) std::memcpy(&bv[v], b + p * ldb + v * L, sizeof(V));
    for (int r = 0; r < MR; ++r) {
      const T s = a[r * lda + p];
      for (int v = 0; v < NV; ++v) acc[r][v] += s * bv[v];
    }
  }
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v) std::memcpy(c + r * ldc + v * L, &acc[r][v], sizeof(V));
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

// Columns go in blocks of four vectors, then one block of the whole vectors left (a team's
// slice is often 16 or 48 columns past a multiple of 64), then a scalar-width remainder.
template <typename T>
void small_gemm(int64_t m, int64_t n, int64_t k, const T* a, int64_t lda, const T* b,
                int64_t ldb, T beta, T* c, int64_t ldc) {
  constexpr int64_t L = Vec64<T>::lanes;
  int64_t j = 0;
  for (; j + 4 * L <= n; j += 4 * L) column_block<T, 4>(m, k, a, lda, b + j, ldb, beta, c + j, ldc);
  switch ((n - j) / L) {
    case 3: column_block<T, 3>(m, k, a, lda, b + j, ldb, beta, c + j, ldc); j += 3 * L; break;
    case 2: column_block<T, 2>(m, k, a, lda, b + j, ldb, beta, c + j, ldc); j += 2 * L; break;
    case 1: column_block<T, 1>(m, k, a, lda, b + j, ldb, beta, c + j, ldc); j += L; break;
  }
  if (j < n) column_rest(m, j, n, k, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace rnnkit
