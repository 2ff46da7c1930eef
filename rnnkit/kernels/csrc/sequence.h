// Bookkeeping shared by the three sequence kernels: where each step reads and writes its state.
//
// All tensors are batch-first and contiguous; a per-step slice is a (B, width) matrix whose rows
// lie T * width apart, which BLAS takes as a leading dimension. Shapes:
//   h0, hT   (B, H)      initial and final state
//   hs       (B, T, H)   state entering each step, kept for backward (null in inference)
//   ping     (2, B, H)   two scratch states used instead of hs in inference
#pragma once

#include <cstdint>

#include "blas.h"
#include "team.h"

namespace rnnkit {

template <typename T>
struct Rows {
  T* data;
  int64_t ld;
  T* row(int64_t b) const { return data + b * ld; }
};

template <typename T>
struct StateSlots {
  const T* h0;
  T* hs;
  T* ping;
  T* hT;
  int64_t batch, steps, width;

  Rows<T> entering(int64_t t) const {
    if (hs != nullptr) return {hs + t * width, steps * width};
    if (t == 0) return {const_cast<T*>(h0), width};
    return {ping + (t % 2) * batch * width, width};
  }
  Rows<T> leaving(int64_t t) const {
    if (t == steps - 1) return {hT, width};
    if (hs != nullptr) return {hs + (t + 1) * width, steps * width};
    return {ping + ((t + 1) % 2) * batch * width, width};
  }
  // Training keeps h0 as the first entry of hs.
  void start() const {
    if (hs == nullptr) return;
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t j = 0; j < width; ++j) hs[b * steps * width + j] = h0[b * width + j];
  }
};

// Recurrent dropout: the product sees the state times the mask rmask (B, H). Each team member
// writes its own columns [c0, c1) of dst (B, H) = h * rmask.
template <typename T>
void drop_columns(const Rows<T>& h, const T* rmask, T* dst, int64_t batch, int64_t width,
                  int64_t c0, int64_t c1) {
  for (int64_t b = 0; b < batch; ++b) {
    const T* hb = h.row(b);
    const T* mb = rmask + b * width;
    T* db = dst + b * width;
#pragma omp simd
    for (int64_t j = c0; j < c1; ++j) db[j] = hb[j] * mb[j];
  }
}

// dst += src * rmask on the columns [c0, c1) of (B, H) matrices: the gradient through a dropped
// state.
template <typename T>
void add_dropped_columns(T* dst, const T* src, const T* rmask, int64_t batch, int64_t width,
                         int64_t c0, int64_t c1) {
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t o = b * width;
#pragma omp simd
    for (int64_t j = c0; j < c1; ++j) dst[o + j] += src[o + j] * rmask[o + j];
  }
}

// The state this step's product reads, complete in every column once the barrier opens: h_{t-1},
// or with recurrent dropout h_{t-1} * rmask, each member writing its own columns into one of two
// (B, H) buffers (`dropped`, 2 * B * H) that alternate by step.
template <typename T>
Rows<T> step_input(const Rows<T>& h_in, const T* rmask, T* dropped, int64_t t, int64_t batch,
                   int64_t width, const Columns& cols, StepBarrier& barrier) {
  Rows<T> h_mul = h_in;
  if (rmask != nullptr) {
    h_mul = {dropped + (t % 2) * batch * width, width};
    drop_columns(h_in, rmask, h_mul.data, batch, width, cols.begin, cols.end);
  }
  barrier.wait(cols.weight);
  return h_mul;
}

// Backward: this member's columns of the gradient at h_{t-1} gain d_pre_t (B rows, ld apart) @ its
// columns of U^T, through the dropout mask when there is one (d_dropped: (B, H) scratch).
template <typename T>
void add_state_gradient(const StepWeights<T>& ut, const T* d_pre, int64_t ld, const T* rmask,
                        T* d_dropped, T* dh_prev, int64_t batch, int64_t width,
                        const Columns& cols) {
  if (rmask == nullptr) {
    ut.multiply(d_pre, ld, T(1), dh_prev + cols.begin, width);
  } else {
    ut.multiply(d_pre, ld, T(0), d_dropped + cols.begin, width);
    add_dropped_columns(dh_prev, d_dropped, rmask, batch, width, cols.begin, cols.end);
  }
}

// Keras masking of one output row at a masked step: zeros, or the previous step's output
// (zeros before the first step).
template <typename T>
inline void masked_output(T* y_row, const T* previous_row, bool zero_output, int64_t width) {
  if (zero_output || previous_row == nullptr) {
    for (int64_t j = 0; j < width; ++j) y_row[j] = T(0);
  } else {
    for (int64_t j = 0; j < width; ++j) y_row[j] = previous_row[j];
  }
}

// Backward of the same rule at a masked step. `carry` (B, H) holds the gradient that reaches an
// output through later masked steps that copied it; a real step adds carry to its dy and clears
// it, a masked step passes its dy on (or drops it when its output was zeros).
template <typename T>
inline void carry_masked_gradient(const T* dy_row, T* carry_row, bool zero_output, int64_t width) {
  if (zero_output) {
    for (int64_t j = 0; j < width; ++j) carry_row[j] = T(0);
  } else {
    for (int64_t j = 0; j < width; ++j) carry_row[j] += dy_row[j];
  }
}

}  // namespace rnnkit
