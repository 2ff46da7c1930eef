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
// c = a @ W + beta * c. With MKL and float32 it is packed once per sequence, as oneDNN does for
// its LSTM; few rows use small_gemm; otherwise plain gemm.
template <typename T>
class StepWeights {
 public:
  StepWeights(const T* w, int64_t k, int64_t n, int64_t ldb, int64_t rows)
      : w_(w), k_(k), n_(n), ldb_(ldb), rows_(rows) {
#ifdef RNNKIT_FORTRAN_BLAS
    if constexpr (std::is_same_v<T, float>) {
      if (rows > kFewRows && k > 0 && n > 0) {
        constexpr int kRowMajor = 101, kBMatrix = 162, kNoTrans = 111;
        const size_t bytes = cblas_sgemm_pack_get_size(kBMatrix, int(rows), int(n), int(k));
        // Inside a team nothing may throw (the others would wait at the barrier forever): if
        // the memory is not there, multiply() uses the plain product instead.
        packed_ = static_cast<float*>(std::aligned_alloc(64, (bytes + 63) / 64 * 64));
        if (packed_ != nullptr)
          cblas_sgemm_pack(kRowMajor, kBMatrix, kNoTrans, int(rows), int(n), int(k), 1.0f, w,
                         int(ldb), packed_);
      }
    }
#endif
  }
  ~StepWeights() { std::free(packed_); }
  StepWeights(const StepWeights&) = delete;
  StepWeights& operator=(const StepWeights&) = delete;

  void multiply(const T* a, int64_t lda, T beta, T* c, int64_t ldc) const {
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
  const T* w_;
  int64_t k_, n_, ldb_, rows_;
  float* packed_ = nullptr;
};

}  // namespace rnnkit
