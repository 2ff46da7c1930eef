// SimpleRNN over a whole sequence: h_t = act(xw_t + h_{t-1} @ U), with Keras masking.
//
// Framework-free: raw pointers to contiguous batch-first arrays, plus rnnkit::gemm / for_rows.
//   xw    (B, T, H)  input projection x @ kernel + bias, already in processing order
//   U     (H, H)     recurrent kernel
//   mask  (B, T)     true = real step, or null
//   y     (B, T, H)  outputs;  acts (B, T, H) act(...) per step, kept for backward (or null)
#pragma once

#include "blas.h"
#include "sequence.h"

namespace rnnkit {

template <typename T>
struct SimpleRnnForward {
  int64_t B, steps, H;
  const T* xw;
  const T* U;
  const bool* mask;
  bool zero_output;
  StateSlots<T> h;
  T* y;
  T* acts;     // null in inference
  T* product;  // (B, H) scratch
  const T* rmask = nullptr;  // (B, H) recurrent-dropout mask, or null
  T* dropped_h = nullptr;    // (B, H) scratch when rmask is set

  template <class Act>
  void run() const {
    h.start();
    const StepWeights<T> u(U, H, H, H, B);
    for (int64_t t = 0; t < steps; ++t) {
      const Rows<T> h_in = h.entering(t), h_out = h.leaving(t);
      const Rows<T> h_mul = dropped(h_in, rmask, dropped_h, B, H);
      u.multiply(h_mul.data, h_mul.ld, T(0), product, H);
      for_rows(B, H, [&](int64_t b0, int64_t b1) {
        for (int64_t b = b0; b < b1; ++b) {
          T* y_row = y + (b * steps + t) * H;
          T* next = h_out.row(b);
          const T* prev = h_in.row(b);
          T* a_row = acts ? acts + (b * steps + t) * H : nullptr;
          if (mask == nullptr || mask[b * steps + t]) {
            const T* x = xw + (b * steps + t) * H;
            const T* p = product + b * H;
#pragma omp simd
            for (int64_t j = 0; j < H; ++j) {
              const T v = Act::value(x[j] + p[j]);
              next[j] = v;
              y_row[j] = v;
            }
            if (a_row) for (int64_t j = 0; j < H; ++j) a_row[j] = y_row[j];
          } else {
            for (int64_t j = 0; j < H; ++j) next[j] = prev[j];
            masked_output(y_row, t > 0 ? y_row - H : nullptr, zero_output, H);
            if (a_row) for (int64_t j = 0; j < H; ++j) a_row[j] = T(0);
          }
        }
      });
    }
  }
};

// Backward through time. Inputs: dy (B, T, H), dhT (B, H), hs (B, T, H) states entering each
// step, acts. Outputs: dxw (B, T, H), dh0 (B, H), dU (H, H). Scratch: work (3, B, H).
template <typename T>
struct SimpleRnnBackward {
  int64_t B, steps, H;
  const T* dy;
  const T* dhT;
  const T* Ut;  // (H, H) recurrent kernel, transposed
  const bool* mask;
  bool zero_output;
  const T* hs;
  const T* acts;
  T* dxw;
  T* dh0;
  T* dU;
  T* work;
  const T* rmask = nullptr;       // (B, H) recurrent-dropout mask, or null
  const T* hs_dropped = nullptr;  // (B, T, H) hs * rmask, for dU, when rmask is set
  T* d_dropped = nullptr;         // (B, H) scratch when rmask is set

  template <class Act>
  void run() const {
    T* dh = work;              // gradient at the state leaving step t
    T* dh_prev = work + B * H;  // gradient at the state entering step t
    T* carry = work + 2 * B * H;
    for (int64_t i = 0; i < B * H; ++i) dh[i] = dhT[i], carry[i] = T(0);
    const StepWeights<T> ut(Ut, H, H, H, B);
    for (int64_t t = steps - 1; t >= 0; --t) {
      for_rows(B, H, [&](int64_t b0, int64_t b1) {
        for (int64_t b = b0; b < b1; ++b) {
          const int64_t at = (b * steps + t) * H;
          T* d = dh + b * H;
          T* dp = dh_prev + b * H;
          T* c = carry + b * H;
          T* g = dxw + at;
          if (mask == nullptr || mask[b * steps + t]) {
            const T* a = acts + at;
            const T* dyr = dy + at;
#pragma omp simd
            for (int64_t j = 0; j < H; ++j) {
              const T total = d[j] + dyr[j] + c[j];
              c[j] = T(0);
              g[j] = total * Act::slope(a[j]);
              dp[j] = T(0);
            }
          } else {
            carry_masked_gradient(dy + at, c, zero_output, H);
            for (int64_t j = 0; j < H; ++j) g[j] = T(0), dp[j] = d[j];
          }
        }
      });
      if (rmask == nullptr) {
        ut.multiply(dxw + t * H, steps * H, T(1), dh_prev, H);
      } else {
        ut.multiply(dxw + t * H, steps * H, T(0), d_dropped, H);
        add_dropped(dh_prev, d_dropped, rmask, B * H);
      }
      std::swap(dh, dh_prev);
    }
    for (int64_t i = 0; i < B * H; ++i) dh0[i] = dh[i];
    // dU = sum over steps of h_{t-1}^T @ dpre_t: one product over all B * T rows.
    gemm<T>(true, false, H, H, B * steps, rmask ? hs_dropped : hs, H, dxw, H, T(0), dU, H);
  }
};

}  // namespace rnnkit
