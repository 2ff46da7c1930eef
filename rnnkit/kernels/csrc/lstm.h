// LSTM over a whole sequence, Keras gate order i, f, c (candidate g), o:
//   z = xw_t + h_{t-1} @ U;  i, f, g, o = ract(z_i), ract(z_f), act(z_g), ract(z_o)
//   c_t = f * c_{t-1} + i * g;  h_t = o * act(c_t)
//
//   xw     (B, T, 4H)  input projection, processing order
//   U      (H, 4H)     recurrent kernel
//   mask   (B, T)      true = real step, or null
//   y      (B, T, H)
//   gates  (B, T, 5H)  i, f, g, o, act(c_t) per step, kept for backward (or null)
#pragma once

#include <utility>
#include <vector>

#include "blas.h"
#include "sequence.h"
#include "team.h"

namespace rnnkit {

// The one scratch buffer of an LSTM forward call, split into named slices. The binding allocates
// size(B, H) elements and the kernel reads the slices, so the layout is written only here.
template <typename T>
struct LstmForwardWork {
  T* product;    // (B, 4H) this step's recurrent products
  T* h_ping;     // (2, B, H) states in inference (training keeps them in hs)
  T* c_ping;     // (2, B, H)
  T* dropped_h;  // (2, B, H) h_{t-1} * recurrent mask, when there is one

  static LstmForwardWork split(T* base, int64_t B, int64_t H) {
    const int64_t n = B * H;
    return {base, base + 4 * n, base + 6 * n, base + 8 * n};
  }
  static int64_t size(int64_t B, int64_t H) { return 10 * B * H; }
};

// The same for backward: five (B, H) slices.
template <typename T>
struct LstmBackwardWork {
  T* dh_last;    // gradient at h, ping
  T* dh_first;   // and pong
  T* dc;         // gradient at c_t, then at c_{t-1}, updated in place
  T* carry;      // output gradient a masked step hands back to the previous real step
  T* d_dropped;  // gradient at h * recurrent mask, when there is one

  static LstmBackwardWork split(T* base, int64_t B, int64_t H) {
    const int64_t n = B * H;
    return {base, base + n, base + 2 * n, base + 3 * n, base + 4 * n};
  }
  static int64_t size(int64_t B, int64_t H) { return 5 * B * H; }
};

template <typename T>
struct LstmForward {
  int64_t B, steps, H;
  const T* xw;
  const T* U;
  const bool* mask;
  bool zero_output;
  StateSlots<T> h, c;
  T* y;
  T* gates;  // null in inference
  LstmForwardWork<T> work;
  const T* rmask = nullptr;  // (B, H) recurrent-dropout mask, or null

  template <class Act, class RAct>
  void run() const {
    h.start();
    c.start();
    const int64_t G = 4 * H;
    const Team team(H, B * H * G);
    std::vector<T> gathered(team.slices() > 1 ? H * G : 0);
    team.run([&](Columns cols, StepBarrier& barrier) {
      const int64_t c0 = cols.begin, c1 = cols.end, w = cols.width();
      // This member's columns of i, f, c, o side by side: (H, 4w).
      const StepWeights<T> u(gather_columns(U, H, G, 4, H, c0, w, gathered.data() + H * 4 * c0),
                             H, 4 * w, 4 * w, B);
      T* p_all = work.product + B * 4 * c0;  // (B, 4w)
      for (int64_t t = 0; t < steps; ++t) {
        const Rows<T> h_in = h.entering(t), h_out = h.leaving(t);
        const Rows<T> c_in = c.entering(t), c_out = c.leaving(t);
        const Rows<T> h_mul = step_input(h_in, rmask, work.dropped_h, t, B, H, cols, barrier);
        u.multiply(h_mul.data, h_mul.ld, T(0), p_all, 4 * w);
        for (int64_t b = 0; b < B; ++b) {
          T* y_row = y + (b * steps + t) * H;
          const T* hp = h_in.row(b);
          const T* cp = c_in.row(b);
          T* hn = h_out.row(b);
          T* cn = c_out.row(b);
          T* s = gates ? gates + (b * steps + t) * 5 * H : nullptr;
          if (mask == nullptr || mask[b * steps + t]) {
            const T* x = xw + (b * steps + t) * G;
            const T* p = p_all + b * 4 * w;
#pragma omp simd
            for (int64_t j = c0; j < c1; ++j) {
              const int64_t q = j - c0;
              const T i = RAct::value(x[j] + p[q]);
              const T f = RAct::value(x[H + j] + p[w + q]);
              const T g = Act::value(x[2 * H + j] + p[2 * w + q]);
              const T o = RAct::value(x[3 * H + j] + p[3 * w + q]);
              const T cv = f * cp[j] + i * g;
              const T ac = Act::value(cv);
              const T hv = o * ac;
              cn[j] = cv;
              hn[j] = hv;
              y_row[j] = hv;
              if (s) s[j] = i, s[H + j] = f, s[2 * H + j] = g, s[3 * H + j] = o, s[4 * H + j] = ac;
            }
          } else {
            for (int64_t j = c0; j < c1; ++j) hn[j] = hp[j], cn[j] = cp[j];
            masked_output(y_row + c0, t > 0 ? y_row - H + c0 : nullptr, zero_output, w);
            if (s)
              for (int64_t g = 0; g < 5; ++g)
                for (int64_t j = c0; j < c1; ++j) s[g * H + j] = T(0);
          }
        }
      }
    });
  }
};

// Backward through time. Inputs: dy (B, T, H), dhT, dcT (B, H), hs, cs (B, T, H) states entering
// each step, gates. Outputs: dxw (B, T, 4H) pre-activation gradients, dh0, dc0 (B, H),
// dU (H, 4H). Scratch: work.
template <typename T>
struct LstmBackward {
  int64_t B, steps, H;
  const T* dy;
  const T* dhT;
  const T* dcT;
  const T* Ut;  // (4H, H) recurrent kernel, transposed
  const bool* mask;
  bool zero_output;
  const T* hs;
  const T* cs;
  const T* gates;
  T* dxw;
  T* dh0;
  T* dc0;
  T* dU;
  LstmBackwardWork<T> work;
  const T* rmask = nullptr;       // (B, H) recurrent-dropout mask, or null
  const T* hs_dropped = nullptr;  // (B, T, H) hs * rmask, for dU, when rmask is set

  template <class Act, class RAct>
  void run() const {
    const int64_t G = 4 * H;
    T* const dh_last = work.dh_last;
    T* const dh_first = work.dh_first;
    T* const dc = work.dc;
    T* const carry = work.carry;
    for (int64_t i = 0; i < B * H; ++i) dh_last[i] = dhT[i], dc[i] = dcT[i], carry[i] = T(0);
    const Team team(H, B * H * G);
    std::vector<T> gathered(team.slices() > 1 ? G * H : 0);
    team.run([&](Columns cols, StepBarrier& barrier) {
      const int64_t c0 = cols.begin, c1 = cols.end, w = cols.width();
      const StepWeights<T> ut(gather_columns(Ut, G, H, 1, H, c0, w, gathered.data() + G * c0),
                              G, w, w, B);
      T* dh = dh_last;
      T* dh_prev = dh_first;
      for (int64_t t = steps - 1; t >= 0; --t) {
        for (int64_t b = 0; b < B; ++b) {
          const int64_t bt = b * steps + t;
          T* d = dh + b * H;
          T* dp = dh_prev + b * H;
          T* dcr = dc + b * H;
          T* cr = carry + b * H;
          T* gx = dxw + bt * G;
          if (mask == nullptr || mask[bt]) {
            const T* s = gates + bt * 5 * H;
            const T* cp = cs + bt * H;
            const T* dyr = dy + bt * H;
#pragma omp simd
            for (int64_t j = c0; j < c1; ++j) {
              const T i = s[j], f = s[H + j], g = s[2 * H + j], o = s[3 * H + j], ac = s[4 * H + j];
              const T dh_total = d[j] + dyr[j] + cr[j];
              cr[j] = T(0);
              const T dct = dcr[j] + dh_total * o * Act::slope(ac);
              gx[j] = dct * g * RAct::slope(i);
              gx[H + j] = dct * cp[j] * RAct::slope(f);
              gx[2 * H + j] = dct * i * Act::slope(g);
              gx[3 * H + j] = dh_total * ac * RAct::slope(o);
              dcr[j] = dct * f;
              dp[j] = T(0);
            }
          } else {
            carry_masked_gradient(dy + bt * H + c0, cr + c0, zero_output, w);
            for (int64_t g = 0; g < 4; ++g)
              for (int64_t j = c0; j < c1; ++j) gx[g * H + j] = T(0);
            for (int64_t j = c0; j < c1; ++j) dp[j] = d[j];
          }
        }
        barrier.wait(cols.weight);  // every column of this step's gate gradients
        add_state_gradient(ut, dxw + t * G, steps * G, rmask, work.d_dropped, dh_prev, B, H, cols);
        std::swap(dh, dh_prev);
      }
    });
    const T* dh = steps % 2 == 0 ? dh_last : dh_first;
    for (int64_t i = 0; i < B * H; ++i) dh0[i] = dh[i], dc0[i] = dc[i];
    gemm<T>(true, false, H, G, B * steps, rmask ? hs_dropped : hs, H, dxw, G, T(0), dU, G);
  }
};

}  // namespace rnnkit
