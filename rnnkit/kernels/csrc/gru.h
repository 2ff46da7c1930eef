// GRU over a whole sequence, Keras gate order z (update), r (reset), h (candidate).
//   reset_after:  hw = h_{t-1} @ U + b_rec;  z = ract(x_z + hw_z);  r = ract(x_r + hw_r)
//                 hh = act(x_h + r * hw_h)
//   reset_before: z, r as above without b_rec;  hh = act(x_h + (r * h_{t-1}) @ U_h)
//   h_t = z * h_{t-1} + (1 - z) * hh
//
//   xw     (B, T, 3H)  input projection (input bias included), processing order
//   U      (H, 3H);  b_rec (3H) recurrent bias, reset_after only
//   gates  (B, T, K*H) kept for backward: z, r, hh, and hw_h when reset_after (K = 4, else 3)
#pragma once

#include <utility>
#include <vector>

#include "blas.h"
#include "sequence.h"
#include "team.h"

namespace rnnkit {

template <typename T>
struct GruForward {
  int64_t B, steps, H;
  const T* xw;
  const T* U;
  const T* b_rec;
  const bool* mask;
  bool zero_output, reset_after;
  StateSlots<T> h;
  T* y;
  T* gates;     // null in inference
  T* product;   // (B, 3H) scratch
  T* reset_h;   // (B, H) scratch for r * h_{t-1} (reset_before only)
  const T* rmask = nullptr;  // (B, H) recurrent-dropout mask, or null: the product sees h * rmask
  T* dropped_h = nullptr;    // (2, B, H) scratch when rmask is set

  int64_t saved_width() const { return (reset_after ? 4 : 3) * H; }

  template <class Act, class RAct>
  void run() const {
    h.start();
    const int64_t G = 3 * H, K = saved_width();
    const Team team(H, B * H * G);
    std::vector<T> gathered(team.slices() > 1 ? H * G : 0);
    team.run([&](Columns cols, StepBarrier& barrier) {
      const int64_t c0 = cols.begin, c1 = cols.end, w = cols.width();
      // This member's columns of z, r and h side by side: U_s (H, 3w). reset_after multiplies
      // by all of them; reset_before by the z, r part, then (after r is known) by the h part.
      const T* U_s = gather_columns(U, H, G, 3, H, c0, w, gathered.data() + H * 3 * c0);
      const StepWeights<T> u(U_s, H, reset_after ? 3 * w : 2 * w, 3 * w, B);
      const StepWeights<T> u_h(U_s + 2 * w, H, w, 3 * w, reset_after ? 0 : B);
      T* p_all = product + B * 3 * c0;  // (B, 3w): this member's z, r, h columns
      for (int64_t t = 0; t < steps; ++t) {
        const Rows<T> h_in = h.entering(t), h_out = h.leaving(t);
        const Rows<T> h_mul = step_input(h_in, rmask, dropped_h, t, B, H, cols, barrier);
        u.multiply(h_mul.data, h_mul.ld, T(0), p_all, 3 * w);
        if (!reset_after) {
          for (int64_t b = 0; b < B; ++b) {
            const T* x = xw + (b * steps + t) * G;
            const T* hp = h_mul.row(b);
            T* p = p_all + b * 3 * w;  // z, r stored back activated
            T* rh = reset_h + b * H;
#pragma omp simd
            for (int64_t j = c0; j < c1; ++j) {
              const int64_t i = j - c0;
              p[i] = RAct::value(x[j] + p[i]);
              const T r = RAct::value(x[H + j] + p[w + i]);
              p[w + i] = r;
              rh[j] = r * hp[j];
            }
          }
          barrier.wait(cols.weight);  // every column of r * h_{t-1}
          u_h.multiply(reset_h, H, T(0), p_all + 2 * w, 3 * w);
        }
        for (int64_t b = 0; b < B; ++b) {
          T* y_row = y + (b * steps + t) * H;
          const T* hp = h_in.row(b);
          T* hn = h_out.row(b);
          T* s = gates ? gates + (b * steps + t) * K : nullptr;
          if (mask != nullptr && !mask[b * steps + t]) {
            for (int64_t j = c0; j < c1; ++j) hn[j] = hp[j];
            masked_output(y_row + c0, t > 0 ? y_row - H + c0 : nullptr, zero_output, w);
            if (s)
              for (int64_t g = 0; g < K / H; ++g)
                for (int64_t j = c0; j < c1; ++j) s[g * H + j] = T(0);
            continue;
          }
          const T* x = xw + (b * steps + t) * G;
          const T* p = p_all + b * 3 * w;
          if (reset_after) {
            const T* bz = b_rec;
#pragma omp simd
            for (int64_t j = c0; j < c1; ++j) {
              const int64_t i = j - c0;
              const T z = RAct::value(x[j] + p[i] + bz[j]);
              const T r = RAct::value(x[H + j] + p[w + i] + bz[H + j]);
              const T rec = p[2 * w + i] + bz[2 * H + j];
              const T hh = Act::value(x[2 * H + j] + r * rec);
              const T hv = z * hp[j] + (T(1) - z) * hh;
              hn[j] = hv;
              y_row[j] = hv;
              if (s) s[j] = z, s[H + j] = r, s[2 * H + j] = hh, s[3 * H + j] = rec;
            }
          } else {
#pragma omp simd
            for (int64_t j = c0; j < c1; ++j) {
              const int64_t i = j - c0;
              const T z = p[i];
              const T hh = Act::value(x[2 * H + j] + p[2 * w + i]);
              const T hv = z * hp[j] + (T(1) - z) * hh;
              hn[j] = hv;
              y_row[j] = hv;
              if (s) s[j] = z, s[H + j] = p[w + i], s[2 * H + j] = hh;
            }
          }
        }
      }
    });
  }
};

// Backward through time. Inputs: dy (B, T, H), dhT (B, H), hs (B, T, H) states entering each
// step, gates. Outputs: dxw (B, T, 3H), dh0 (B, H), and for reset_after drec (B, T, 3H), the
// gradient at hw. The weight gradients are one product each over all B * T rows, left to the
// caller: dU = hs^T @ drec (reset_after) or [hs^T @ dxw_zr, (r * hs)^T @ dxw_h], and
// d b_rec = sum of drec. Scratch: work (4, B, H).
template <typename T>
struct GruBackward {
  int64_t B, steps, H;
  const T* dy;
  const T* dhT;
  const T* Ut;  // (3H, H) recurrent kernel, transposed
  const bool* mask;
  bool zero_output, reset_after;
  const T* hs;
  const T* gates;
  T* dxw;
  T* drec;
  T* dh0;
  T* work;
  const T* rmask = nullptr;  // (B, H) recurrent-dropout mask, or null
  T* d_dropped = nullptr;    // (B, H) scratch when rmask is set

  template <class Act, class RAct>
  void run() const {
    const int64_t G = 3 * H, K = (reset_after ? 4 : 3) * H;
    T* const dh_last = work;
    T* const dh_first = work + B * H;
    T* carry = work + 2 * B * H;
    T* d_reset_h = work + 3 * B * H;
    for (int64_t i = 0; i < B * H; ++i) dh_last[i] = dhT[i], carry[i] = T(0);
    const Team team(H, B * H * G);
    std::vector<T> gathered(team.slices() > 1 ? G * H : 0);
    team.run([&](Columns cols, StepBarrier& barrier) {
      const int64_t c0 = cols.begin, c1 = cols.end, w = cols.width();
      // This member's columns of U^T (3H, w): reset_after multiplies by all of it;
      // reset_before by its h rows, then by its z, r rows.
      const T* Ut_s = gather_columns(Ut, G, H, 1, H, c0, w, gathered.data() + G * c0);
      const StepWeights<T> ut(Ut_s, reset_after ? G : 2 * H, w, w, B);
      const StepWeights<T> ut_h(Ut_s + 2 * H * w, H, w, w, reset_after ? 0 : B);
      T* dh = dh_last;
      T* dh_prev = dh_first;
      for (int64_t t = steps - 1; t >= 0; --t) {
        for (int64_t b = 0; b < B; ++b) {
          const int64_t bt = b * steps + t;
          T* d = dh + b * H;
          T* dp = dh_prev + b * H;
          T* cr = carry + b * H;
          T* gx = dxw + bt * G;
          T* gr = reset_after ? drec + bt * G : nullptr;
          if (mask != nullptr && !mask[bt]) {
            carry_masked_gradient(dy + bt * H + c0, cr + c0, zero_output, w);
            for (int64_t g = 0; g < 3; ++g)
              for (int64_t j = c0; j < c1; ++j) {
                gx[g * H + j] = T(0);
                if (gr) gr[g * H + j] = T(0);
              }
            for (int64_t j = c0; j < c1; ++j) dp[j] = d[j];
            continue;
          }
          const T* s = gates + bt * K;
          const T* hp = hs + bt * H;
          const T* dyr = dy + bt * H;
          if (reset_after) {
#pragma omp simd
            for (int64_t j = c0; j < c1; ++j) {
              const T z = s[j], r = s[H + j], hh = s[2 * H + j], rec = s[3 * H + j];
              const T total = d[j] + dyr[j] + cr[j];
              cr[j] = T(0);
              const T dz = total * (hp[j] - hh) * RAct::slope(z);
              const T dhh = total * (T(1) - z) * Act::slope(hh);
              const T dr = dhh * rec * RAct::slope(r);
              gx[j] = dz, gx[H + j] = dr, gx[2 * H + j] = dhh;
              gr[j] = dz, gr[H + j] = dr, gr[2 * H + j] = dhh * r;
              dp[j] = total * z;
            }
          } else {
#pragma omp simd
            for (int64_t j = c0; j < c1; ++j) {
              const T z = s[j], hh = s[2 * H + j];
              const T total = d[j] + dyr[j] + cr[j];
              cr[j] = T(0);
              gx[j] = total * (hp[j] - hh) * RAct::slope(z);
              gx[H + j] = T(0);  // filled once the gradient at r * h_{t-1} is known
              gx[2 * H + j] = total * (T(1) - z) * Act::slope(hh);
              dp[j] = total * z;
            }
          }
        }
        barrier.wait(cols.weight);  // every column of this step's gate gradients
        if (!reset_after) {
          // d(r * h_{t-1}) = dhh_pre @ U_h^T, then split between r and h_{t-1}.
          ut_h.multiply(dxw + t * G + 2 * H, steps * G, T(0), d_reset_h + c0, H);
          for (int64_t b = 0; b < B; ++b) {
            const int64_t bt = b * steps + t;
            const T* s = gates + bt * K;
            const T* hp = hs + bt * H;
            const T* drh = d_reset_h + b * H;
            const T* rm = rmask ? rmask + b * H : nullptr;
            T* gx = dxw + bt * G;
            T* dp = dh_prev + b * H;
            if (rm == nullptr) {
#pragma omp simd
              for (int64_t j = c0; j < c1; ++j) {
                const T r = s[H + j];
                gx[H + j] = drh[j] * hp[j] * RAct::slope(r);
                dp[j] += drh[j] * r;
              }
            } else {
#pragma omp simd
              for (int64_t j = c0; j < c1; ++j) {
                const T r = s[H + j];
                gx[H + j] = drh[j] * hp[j] * rm[j] * RAct::slope(r);
                dp[j] += drh[j] * r * rm[j];
              }
            }
          }
          barrier.wait(cols.weight);  // every column of the r gradient
        }
        const T* d_pre = reset_after ? drec : dxw;
        add_state_gradient(ut, d_pre + t * G, steps * G, rmask, d_dropped, dh_prev, B, H, cols);
        std::swap(dh, dh_prev);
      }
    });
    const T* dh = steps % 2 == 0 ? dh_last : dh_first;
    for (int64_t i = 0; i < B * H; ++i) dh0[i] = dh[i];
  }
};

}  // namespace rnnkit
