// The matrix products the sequence kernels need: a row-major product on strided rows, and a
// weight matrix reused at every step. Both go to what torch itself uses: the BLAS linked into
// libtorch_cpu (MKL's Fortran sgemm_/dgemm_, when the loader found them exported). Called inside
// a team (team.h), MKL sees the enclosing parallel region and runs on the calling thread.
#pragma once

#include <ATen/ATen.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <type_traits>

#include "small_gemm.h"

#ifdef RNNKIT_FORTRAN_BLAS
extern "C" {
void sgemm_(const char* ta, const char* tb, const int* m, const int* n, const int* k,
            const float* alpha, const float* a, const int* lda, const float* b, const int* ldb,
            const float* beta, float* c, const int* ldc);
void dgemm_(const char* ta, const char* tb, const int* m, const int* n, const int* k,
            const double* alpha, const double* a, const int* lda, const double* b, const int* ldb,
            const double* beta, double* c, const int* ldc);
// MKL's packed products: a matrix reused by many products is reordered once.
size_t cblas_sgemm_pack_get_size(int identifier, int m, int n, int k);
void cblas_sgemm_pack(int layout, int identifier, int trans, int m, int n, int k, float alpha,
                      const float* src, int ld, float* dest);
void cblas_sgemm_compute(int layout, int transa, int transb, int m, int n, int k, const float* a,
                         int lda, const float* b, int ldb, float beta, float* c, int ldc);
}
#endif

namespace rnnkit {

// Up to this many rows the per-step product uses small_gemm (register tiles, no BLAS call).
// Measured on the 2-core Zen 4 machine inside column teams: 100-108 GFLOP/s per core from 16 to
// 64 rows, against 70-95 for MKL's packed product on the same slices (20-30% faster steps at
// batch 32-64, equal at 16).
constexpr int64_t kFewRows = 64;

// C (m, n) = op(A) (m, k) @ op(B) (k, n) + beta * C, all row-major with leading dimensions
// (distance between rows) lda, ldb, ldc. trans_a means A is stored (k, m) and read transposed.
template <typename T>
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const T* a, int64_t lda,
          const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
  if (m <= kFewRows && !trans_a && !trans_b) {
    small_gemm(m, n, k, a, lda, b, ldb, beta, c, ldc);
    return;
  }
#ifdef RNNKIT_FORTRAN_BLAS
  // Row-major C = A B is column-major C^T = B^T A^T: swap the operands, keep the flags.
  const char ta = trans_b ? 'T' : 'N', tb = trans_a ? 'T' : 'N';
  const int M = static_cast<int>(n), N = static_cast<int>(m), K = static_cast<int>(k);
  const int LDA = static_cast<int>(ldb), LDB = static_cast<int>(lda), LDC = static_cast<int>(ldc);
  const T alpha = T(1);
  if (K == 0) {
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) c[i * ldc + j] = beta == T(0) ? T(0) : beta * c[i * ldc + j];
    return;
  }
  if constexpr (std::is_same_v<T, float>) {
    sgemm_(&ta, &tb, &M, &N, &K, &alpha, b, &LDA, a, &LDB, &beta, c, &LDC);
  } else {
    dgemm_(&ta, &tb, &M, &N, &K, &alpha, b, &LDA, a, &LDB, &beta, c, &LDC);
  }
#else
  auto opts = at::TensorOptions().dtype(c10::CppTypeToScalarType<T>::value);
  auto A = trans_a ? at::from_blob(const_cast<T*>(a), {k, m}, {lda, 1}, opts).t()
                   : at::from_blob(const_cast<T*>(a), {m, k}, {lda, 1}, opts);
  auto B = trans_b ? at::from_blob(const_cast<T*>(b), {n, k}, {ldb, 1}, opts).t()
                   : at::from_blob(const_cast<T*>(b), {k, n}, {ldb, 1}, opts);
  auto C = at::from_blob(c, {m, n}, {ldc, 1}, opts);
  at::addmm_out(C, C, A, B, beta, 1);
#endif
}

// A (k, n) weight matrix (row stride ldb) that every time step multiplies by a (rows, k) state:
// c = a @ W + beta * c. It is reordered once per sequence for the product that runs it: for
// small_gemm (up to kFewRows rows) into panels of one register tile's width, each k rows of
// contiguous columns (rows of W sit 4 KB apart at 1024 columns, which cost small_gemm 5-25%:
// 76-101 against 82-109 GFLOP/s); with MKL and float32 beyond that, MKL's own packed format.
// Inside a team nothing may throw (the others would wait at the barrier forever): if memory for
// the reordered copy is not there, multiply() reads W as it is.
template <typename T>
class StepWeights {
 public:
  StepWeights(const T* w, int64_t k, int64_t n, int64_t ldb, int64_t rows)
      : w_(w), k_(k), n_(n), ldb_(ldb), rows_(rows) {
    if (k == 0 || n == 0 || rows == 0) return;
    if (rows <= kFewRows) {
      panels_ = static_cast<T*>(std::aligned_alloc(64, (k * n * sizeof(T) + 63) / 64 * 64));
      if (panels_ == nullptr) return;
      for (int64_t j0 = 0; j0 < n; j0 += kPanel) {
        const int64_t width = std::min(kPanel, n - j0);
        for (int64_t p = 0; p < k; ++p)
          std::copy(w + p * ldb + j0, w + p * ldb + j0 + width, panels_ + k * j0 + p * width);
      }
      return;
    }
#ifdef RNNKIT_FORTRAN_BLAS
    if constexpr (std::is_same_v<T, float>) {
      constexpr int kRowMajor = 101, kBMatrix = 162, kNoTrans = 111;
      const size_t bytes = cblas_sgemm_pack_get_size(kBMatrix, int(rows), int(n), int(k));
      packed_ = static_cast<float*>(std::aligned_alloc(64, (bytes + 63) / 64 * 64));
      if (packed_ != nullptr)
        cblas_sgemm_pack(kRowMajor, kBMatrix, kNoTrans, int(rows), int(n), int(k), 1.0f, w,
                         int(ldb), packed_);
    }
#endif
  }
  ~StepWeights() {
    std::free(panels_);
    std::free(packed_);
  }
  StepWeights(const StepWeights&) = delete;
  StepWeights& operator=(const StepWeights&) = delete;

  void multiply(const T* a, int64_t lda, T beta, T* c, int64_t ldc) const {
    if (panels_ != nullptr) {
      for (int64_t j0 = 0; j0 < n_; j0 += kPanel) {
        const int64_t width = std::min(kPanel, n_ - j0);
        small_gemm(rows_, width, k_, a, lda, panels_ + k_ * j0, width, beta, c + j0, ldc);
      }
      return;
    }
#ifdef RNNKIT_FORTRAN_BLAS
    if constexpr (std::is_same_v<T, float>) {
      if (packed_ != nullptr) {
        constexpr int kRowMajor = 101, kNoTrans = 111, kPacked = 151;
        cblas_sgemm_compute(kRowMajor, kNoTrans, kPacked, int(rows_), int(n_), int(k_), a,
                            int(lda), packed_, int(n_), beta, c, int(ldc));
        return;
      }
    }
#endif
    gemm<T>(false, false, rows_, n_, k_, a, lda, w_, ldb_, beta, c, ldc);
  }

 private:
  static constexpr int64_t kPanel = 4 * Vec64<T>::lanes;  // small_gemm's full tile width
  const T* w_;
  int64_t k_, n_, ldb_, rows_;
  T* panels_ = nullptr;
  float* packed_ = nullptr;
};

}  // namespace rnnkit
