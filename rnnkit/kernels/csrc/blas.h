// The matrix products the sequence kernels need: a weight matrix reused at every step, run by
// small_gemm's register tiles, and the weight-gradient products over all B * T rows after the
// loop, which go to the BLAS linked into libtorch_cpu (MKL's Fortran sgemm_/dgemm_, when the
// loader found them exported; otherwise at::addmm).
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
}
#endif

namespace rnnkit {

// C (m, n) = op(A) (m, k) @ op(B) (k, n) + beta * C, all row-major with leading dimensions
// (distance between rows) lda, ldb, ldc. trans_a means A is stored (k, m) and read transposed.
template <typename T>
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const T* a, int64_t lda,
          const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
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
// c = a @ W + beta * c, in small_gemm's register tiles. W is copied once per sequence into
// pack_panels' layout. Measured inside column teams on the 2-core Zen 4 machine, these
// steps beat MKL's packed sgemm at every batch tried: 20-30% faster at batch 32-64, and LSTM
// layers 3-20% faster at batch 96-256, so MKL is not used for them. Inside a team nothing may throw (the others
// would wait at the barrier forever): without memory for the panels, multiply() reads W in place.
template <typename T>
class StepWeights {
 public:
  StepWeights(const T* w, int64_t k, int64_t n, int64_t ldb, int64_t rows)
      : w_(w), k_(k), n_(n), ldb_(ldb), rows_(rows) {
    if (k == 0 || n == 0 || rows == 0) return;
    panels_ = static_cast<T*>(std::aligned_alloc(64, (k * n * sizeof(T) + 63) / 64 * 64));
    if (panels_ != nullptr) pack_panels(w, k, n, ldb, panels_);
  }
  ~StepWeights() { std::free(panels_); }
  StepWeights(const StepWeights&) = delete;
  StepWeights& operator=(const StepWeights&) = delete;

  void multiply(const T* a, int64_t lda, T beta, T* c, int64_t ldc) const {
    if (panels_ == nullptr) {
      small_gemm(rows_, n_, k_, a, lda, w_, ldb_, beta, c, ldc);
      return;
    }
    panel_gemm(rows_, n_, k_, a, lda, panels_, beta, c, ldc);
  }

 private:
  const T* w_;
  int64_t k_, n_, ldb_, rows_;
  T* panels_ = nullptr;
};

}  // namespace rnnkit
