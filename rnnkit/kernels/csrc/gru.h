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

#include "blas.h"
#include "sequence.h"

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
  T* dropped_h = nullptr;    // (B, H) scratch when rmask is set

  int64_t saved_width() const { return (reset_after ? 4 : 3) * H; }

  template <class Act, class RAct>
  void run() const {
    h.start();
    const int64_t G = 3 * H, K = saved_width();
    // reset_after multiplies by all of U; reset_before by U_zr, then by U_h.
    const StepWeights<T> u(U, H, reset_after ? G : 2 * H, G, B);
    const StepWeights<T> u_h(U + 2 * H, H, H, G, reset_after ? 0 : B);
    for (int64_t t = 0; t < steps; ++t) {
      const Rows<T> h_in = h.entering(t), h_out = h.leaving(t);
      const Rows<T> h_mul = dropped(h_in, rmask, dropped_h, B, H);
      if (reset_after) {
        u.multiply(h_mul.data, h_mul.ld, T(0), product, G);
      } else {
        u.multiply(h_mul.data, h_mul.ld, T(0), product, G);
        for_rows(B, G, [&](int64_t b0, int64_t b1) {
          for (int64_t b = b0; b < b1; ++b) {
            const T* x = xw + (b * steps + t) * G;
            const T* hp = h_mul.row(b);
            T* p = product + b * G;  // z, r stored back activated
            T* rh = reset_h + b * H;
#pragma omp simd
            for (int64_t j = 0; j < H; ++j) {
              p[j] = RAct::value(x[j] + p[j]);
              const T r = RAct::value(x[H + j] + p[H + j]);
              p[H + j] = r;
              rh[j] = r * hp[j];
            }
          }
        });
        u_h.multiply(reset_h, H, T(0), product + 2 * H, G);
      }
      for_rows(B, G, [&](int64_t b0, int64_t b1) {
        for (int64_t b = b0; b < b1; ++b) {
          T* y_row = y + (b * steps + t) * H;
          const T* hp = h_in.row(b);
          T* hn = h_out.row(b);
          T* s = gates ? gates + (b * steps + t) * K : nullptr;
          if (mask != nullptr && !mask[b * steps + t]) {
            for (int64_t j = 0; j < H; ++j) hn[j] = hp[j];
            masked_output(y_row, t > 0 ? y_row - H : nullptr, zero_output, H);
            if (s) for (int64_t j = 0; j < K; ++j) s[j] = T(0);
            continue;
          }
          const T* x = xw + (b * steps + t) * G;
          const T* p = product + b * G;
          if (reset_after) {
            const T* bz = b_rec;
#pragma omp simd
            for (int64_t j = 0; j < H; ++j) {
              const T z = RAct::value(x[j] + p[j] + bz[j]);
              const T r = RAct::value(x[H + j] + p[H + j] + bz[H + j]);
              const T rec = p[2 * H + j] + bz[2 * H + j];
              const T hh = Act::value(x[2 * H + j] + r * rec);
              const T hv = z * hp[j] + (T(1) - z) * hh;
              hn[j] = hv;
              y_row[j] = hv;
              if (s) s[j] = z, s[H + j] = r, s[2 * H + j] = hh, s[3 * H + j] = rec;
            }
          } else {
#pragma omp simd
            for (int64_t j = 0; j < H; ++j) {
              const T z = p[j];
              const T hh = Act::value(x[2 * H + j] + p[2 * H + j]);
              const T hv = z * hp[j] + (T(1) - z) * hh;
              hn[j] = hv;
              y_row[j] = hv;
              if (s) s[j] = z, s[H + j] = p[H + j], s[2 * H + j] = hh;
            }
          }
        }
      });
    }
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
    T* dh = work;
    T* dh_prev = work + B * H;
    T* carry = work + 2 * B * H;
    T* d_reset_h = work + 3 * B * H;
    for (int64_t i = 0; i < B * H; ++i) dh[i] = dhT[i], carry[i] = T(0);
    // Transposed: reset_after multiplies by all of U^T; reset_before by U_h^T, then U_zr^T.
    const StepWeights<T> ut(Ut, reset_after ? G : 2 * H, H, H, B);
    const StepWeights<T> ut_h(Ut + 2 * H * H, H, H, H, reset_after ? 0 : B);
    for (int64_t t = steps - 1; t >= 0; --t) {
      for_rows(B, G, [&](int64_t b0, int64_t b1) {
        for (int64_t b = b0; b < b1; ++b) {
          const int64_t bt = b * steps + t;
          T* d = dh + b * H;
          T* dp = dh_prev + b * H;
          T* cr = carry + b * H;
          T* gx = dxw + bt * G;
          T* gr = reset_after ? drec + bt * G : nullptr;
          if (mask != nullptr && !mask[bt]) {
            carry_masked_gradient(dy + bt * H, cr, zero_output, H);
            for (int64_t j = 0; j < G; ++j) gx[j] = T(0);
            if (gr) for (int64_t j = 0; j < G; ++j) gr[j] = T(0);
            for (int64_t j = 0; j < H; ++j) dp[j] = d[j];
            continue;
          }
          const T* s = gates + bt * K;
          const T* hp = hs + bt * H;
          const T* dyr = dy + bt * H;
          if (reset_after) {
#pragma omp simd
            for (int64_t j = 0; j < H; ++j) {
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
            for (int64_t j = 0; j < H; ++j) {
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
      });
      if (reset_after) {
        if (rmask == nullptr) {
          ut.multiply(drec + t * G, steps * G, T(1), dh_prev, H);
        } else {
          ut.multiply(drec + t * G, steps * G, T(0), d_dropped, H);
          add_dropped(dh_prev, d_dropped, rmask, B * H);
        }
      } else {
        // d(r * h_{t-1}) = dhh_pre @ U_h^T, then split between r and h_{t-1}.
        ut_h.multiply(dxw + t * G + 2 * H, steps * G, T(0), d_reset_h, H);
        for_rows(B, G, [&](int64_t b0, int64_t b1) {
          for (int64_t b = b0; b < b1; ++b) {
            const int64_t bt = b * steps + t;
            const T* s = gates + bt * K;
            const T* hp = hs + bt * H;
            const T* drh = d_reset_h + b * H;
            const T* rm = rmask ? rmask + b * H : nullptr;
            T* gx = dxw + bt * G;
            T* dp = dh_prev + b * H;
            if (rm == nullptr) {
#pragma omp simd
              for (int64_t j = 0; j < H; ++j) {
                const T r = s[H + j];
                gx[H + j] = drh[j] * hp[j] * RAct::slope(r);
                dp[j] += drh[j] * r;
              }
            } else {
#pragma omp simd
              for (int64_t j = 0; j < H; ++j) {
                const T r = s[H + j];
                gx[H + j] = drh[j] * hp[j] * rm[j] * RAct::slope(r);
                dp[j] += drh[j] * r * rm[j];
              }
            }
          }
        });
        if (rmask == nullptr) {
          ut.multiply(dxw + t * G, steps * G, T(1), dh_prev, H);
        } else {
          ut.multiply(dxw + t * G, steps * G, T(0), d_dropped, H);
          add_dropped(dh_prev, d_dropped, rmask, B * H);
        }
      }
      std::swap(dh, dh_prev);
    }
    for (int64_t i = 0; i < B * H; ++i) dh0[i] = dh[i];
  }
};

}  // namespace rnnkit
