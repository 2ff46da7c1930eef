// The input projection of a whole sequence, y = x @ W + bias for all B * T rows at once: the
// largest single product of a recurrent layer (half its forward FLOPs at 256-512 units).
// Each thread takes a slice of W's columns (or of the rows, when W is narrow) and walks the rows
// in blocks with small_gemm's register tiles. Measured on the 2-core Zen 4 machine (two threads,
// the benchmark's projections and their input-gradient products): 180-200 GFLOP/s, against
// 110-165 for MKL's sgemm through torch.mm on the same products; 1.1-2x faster in all. On an
// AVX2-only Zen 3: 134 GFLOP/s at the large shape, level with MKL there (138).
#pragma once

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "small_gemm.h"

namespace rnnkit {

// Rows [r0, r1) and columns [c0, c1) of y = x @ w + bias, in row blocks that stay in L2, against
// this thread's columns of w in pack_panels' layout (a buffer kept per thread, reused by every
// call, so the packing costs no page faults).
template <typename T>
void project_block(int64_t r0, int64_t r1, int64_t c0, int64_t c1, int64_t k, int64_t n,
                   const T* x, const T* w, const T* bias, T* y) {
  constexpr int64_t kRowBlock = 96;
  thread_local std::vector<T> panels;
  panels.resize(k * (c1 - c0));
  pack_panels(w + c0, k, c1 - c0, n, panels.data());
  for (int64_t i0 = r0; i0 < r1; i0 += kRowBlock) {
    const int64_t rows = std::min(kRowBlock, r1 - i0);
    T* y_block = y + i0 * n;
    if (bias != nullptr) {
      for (int64_t i = 0; i < rows; ++i) std::copy(bias + c0, bias + c1, y_block + i * n + c0);
    }
    panel_gemm<T>(rows, c1 - c0, k, x + i0 * k, k, panels.data(), bias != nullptr ? T(1) : T(0),
                  y_block + c0, n);
  }
}

// y (m, n) = x (m, k) @ w (k, n) + bias (n, or null); all contiguous row-major. Threads split
// the columns when each gets a full register tile's width (its slice of w stays in its cache),
// otherwise the rows.
template <typename T>
void project(int64_t m, int64_t k, int64_t n, const T* x, const T* w, const T* bias, T* y) {
  constexpr int64_t kColumnAlign = Vec<T>::tile_width;  // one full register tile wide
  const int64_t threads = at::get_num_threads();
  if (n / kColumnAlign >= threads) {
    at::parallel_for(0, threads, 1, [&](int64_t s0, int64_t s1) {
      const int64_t c0 = n * s0 / threads / kColumnAlign * kColumnAlign;
      const int64_t c1 = s1 == threads ? n : n * s1 / threads / kColumnAlign * kColumnAlign;
      project_block(0, m, c0, c1, k, n, x, w, bias, y);
    });
  } else {
    at::parallel_for(0, m, 96, [&](int64_t r0, int64_t r1) {
      project_block(r0, r1, 0, n, k, n, x, w, bias, y);
    });
  }
}

}  // namespace rnnkit
