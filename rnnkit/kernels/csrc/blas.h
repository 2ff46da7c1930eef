// The two primitives the sequence kernels need from outside: a row-major matrix product on
// strided rows, and a parallel loop over batch rows. Both go to what torch itself uses: the BLAS
// linked into libtorch_cpu (MKL's Fortran sgemm_/dgemm_, when the loader found them exported)
// and at::parallel_for with torch's configured thread count.
#pragma once

#include <ATen/Parallel.h>
#include <ATen/ATen.h>

#include <algorithm>
#include <cstdint>

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

// Run fn(begin, end) over batch rows [0, rows), split across torch's threads only when each
// thread gets at least `min_elements` elements of work (rows * row_elements in all).
template <typename F>
void for_rows(int64_t rows, int64_t row_elements, F&& fn) {
  constexpr int64_t min_elements = 16384;
  const int64_t grain = std::max<int64_t>(1, min_elements / std::max<int64_t>(1, row_elements));
  if (rows <= grain || at::get_num_threads() == 1) {
    fn(int64_t(0), rows);
    return;
  }
  at::parallel_for(0, rows, grain, fn);
}

}  // namespace rnnkit
