// Keras's Adam update of one weight in a single pass over its elements.
//
// Written as rnnkit.training.optimizers.Adam writes it with tensor operations, one rounding per
// operation in the same order (floating-point contraction is off in this file, so no FMA fuses
// two of them): m and v come out bit-equal to that code. The weight can differ in its last bit,
// because the square root here is the correctly rounded one (as TensorFlow's) where torch's
// vectorised CPU sqrt is not always (measured on torch 2.13, AVX2).
//
//   m += (g - m) * (1 - beta_1)
//   v += (s - v) * (1 - beta_2)          s = g * g, or the given per-occurrence sum of squares
//   w -= (m * alpha) / (sqrt(v) + epsilon)
//
// The tensor version reads and writes the weight-sized tensors about eleven times per step; an
// Embedding table of 20000 x 64 floats made that the largest part of a BiLSTM classifier's update.
#pragma once

#include <ATen/Parallel.h>

#include <cmath>
#include <cstdint>

#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")

namespace rnnkit {

// Elements per parallel chunk: below this, one thread does the whole update.
constexpr int64_t kAdamGrain = 1 << 15;

template <typename T>
void adam_update(T* weight, T* m, T* v, const T* grad, const T* squares, int64_t n, T alpha,
                 T keep_1, T keep_2, T epsilon) {
  at::parallel_for(0, n, kAdamGrain, [&](int64_t begin, int64_t end) {
#pragma omp simd
    for (int64_t i = begin; i < end; ++i) {
      const T g = grad[i];
      const T s = squares != nullptr ? squares[i] : g * g;
      const T mi = m[i] + (g - m[i]) * keep_1;
      const T vi = v[i] + (s - v[i]) * keep_2;
      m[i] = mi;
      v[i] = vi;
      weight[i] = weight[i] - (mi * alpha) / (std::sqrt(vi) + epsilon);
    }
  });
}

}  // namespace rnnkit

#pragma GCC pop_options
