// SimpleRNN over a whole sequence: h_t = act(xw_t + h_{t-1} @ U), with Keras masking.
//
// Framework-free: raw pointers to contiguous batch-first arrays, plus rnnkit's products and teams.
//   xw    (B, T, H)  input projection x @ kernel + bias, already in processing order
//   U     (H, H)     recurrent kernel
//   mask  (B, T)     true = real step, or null
//   y     (B, T, H)  outputs;  acts (B, T, H) act(...) per step, kept for backward (or null)
#pragma once

#include <utility>
#include <vector>

#include "blas.h"
#include "sequence.h"
#include "team.h"

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
  T* dropped_h = nullptr;    // (2, B, H) scratch when rmask is set

  template <class Act>
  void run() const {
    h.start();
    const Team team(H, B * H * H);
    std::vector<T> gathered(team.slices() > 1 ? H * H : 0);
    team.run([&](Columns cols, StepBarrier& barrier) {
      const int64_t c0 = cols.begin, c1 = cols.end, w = cols.width();
      const StepWeights<T> u(gather_columns(U, H, H, 1, H, c0, w, gathered.data() + H * c0), H,
                             w, w, B);
      T* p_all = product + B * c0;  // (B, w): this member's columns of the product
      for (int64_t t = 0; t < steps; ++t) {
        const Rows<T> h_in = h.entering(t), h_out = h.leaving(t);
        const Rows<T> h_mul = step_input(h_in, rmask, dropped_h, t, B, H, cols, barrier);
        u.multiply(h_mul.data, h_mul.ld, T(0), p_all, w);
        for (int64_t b = 0; b < B; ++b) {
          T* y_row = y + (b * steps + t) * H;
          T* next = h_out.row(b);
          const T* prev = h_in.row(b);
          T* a_row = acts ? acts + (b * steps + t) * H : nullptr;
          if (mask == nullptr || mask[b * steps + t]) {
            const T* x = xw + (b * steps + t) * H;
            const T* p = p_all + b * w;
#pragma omp simd
            for (int64_t j = c0; j < c1; ++j) {
              const T v = Act::value(x[j] + p[j - c0]);
              next[j] = v;
              y_row[j] = v;
            }
            if (a_row) for (int64_t j = c0; j < c1; ++j) a_row[j] = y_row[j];
          } else {
            for (int64_t j = c0; j < c1; ++j) next[j] = prev[j];
            masked_output(y_row + c0, t > 0 ? y_row - H + c0 : nullptr, zero_output, w);
            if (a_row) for (int64_t j = c0; j < c1; ++j) a_row[j] = T(0);
          }
        }
      }
    });
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
    // Gradients at the states leaving and entering the current step: two buffers that swap roles
    // every step, starting with dhT in dh_last.
    T* const dh_last = work;
    T* const dh_first = work + B * H;
    T* carry = work + 2 * B * H;
    for (int64_t i = 0; i < B * H; ++i) dh_last[i] = dhT[i], carry[i] = T(0);
    const Team team(H, B * H * H);
    std::vector<T> gathered(team.slices() > 1 ? H * H : 0);
    team.run([&](Columns cols, StepBarrier& barrier) {
      const int64_t c0 = cols.begin, c1 = cols.end, w = cols.width();
      const StepWeights<T> ut(gather_columns(Ut, H, H, 1, H, c0, w, gathered.data() + H * c0),
                              H, w, w, B);
      T* dh = dh_last;
      T* dh_prev = dh_first;
      for (int64_t t = steps - 1; t >= 0; --t) {
        for (int64_t b = 0; b < B; ++b) {
          const int64_t at = (b * steps + t) * H;
          T* d = dh + b * H;
          T* dp = dh_prev + b * H;
          T* c = carry + b * H;
          T* g = dxw + at;
          if (mask == nullptr || mask[b * steps + t]) {
            const T* a = acts + at;
            const T* dyr = dy + at;
#pragma omp simd
            for (int64_t j = c0; j < c1; ++j) {
              const T total = d[j] + dyr[j] + c[j];
              c[j] = T(0);
              g[j] = total * Act::slope(a[j]);
              dp[j] = T(0);
            }
          } else {
            carry_masked_gradient(dy + at + c0, c + c0, zero_output, w);
            for (int64_t j = c0; j < c1; ++j) g[j] = T(0), dp[j] = d[j];
          }
        }
        barrier.wait(cols.weight);  // every column of this step's pre-activation gradient
        add_state_gradient(ut, dxw + t * H, steps * H, rmask, d_dropped, dh_prev, B, H, cols);
        std::swap(dh, dh_prev);
      }
    });
    const T* dh = steps % 2 == 0 ? dh_last : dh_first;
    for (int64_t i = 0; i < B * H; ++i) dh0[i] = dh[i];
    // dU = sum over steps of h_{t-1}^T @ dpre_t: one product over all B * T rows.
    gemm<T>(true, false, H, H, B * steps, rmask ? hs_dropped : hs, H, dxw, H, T(0), dU, H);
  }
};

}  // namespace rnnkit
