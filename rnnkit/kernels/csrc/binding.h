// Helpers shared by the thin bindings (*_ops.cpp): tensor checks, allocation, and the choice of
// activation templates from the integer codes the Python side passes.
#pragma once

#include <ATen/ATen.h>
#include <c10/util/Optional.h>

#include "pool.h"
#include "vector_math.h"

namespace rnnkit {

using at::Tensor;

inline void check_sequence(const Tensor& xw, int64_t gates, const Tensor& u, const char* what) {
  TORCH_CHECK(xw.device().is_cpu(), what, ": fused kernels run on CPU tensors only");
  TORCH_CHECK(xw.scalar_type() == at::kFloat || xw.scalar_type() == at::kDouble, what,
              ": fused kernels support float32 and float64, got ", xw.scalar_type());
  TORCH_CHECK(xw.dim() == 3 && xw.size(1) > 0, what, ": xw must be (B, T>0, G*H), got ",
              xw.sizes());
  TORCH_CHECK(u.dim() == 2 && u.size(1) == gates * u.size(0) && xw.size(2) == u.size(1), what,
              ": recurrent kernel ", u.sizes(), " does not match xw ", xw.sizes());
  TORCH_CHECK(u.scalar_type() == xw.scalar_type(), what, ": dtypes differ");
}

inline void check_state(const Tensor& s, const Tensor& xw, int64_t units, const char* name) {
  TORCH_CHECK(s.dim() == 2 && s.size(0) == xw.size(0) && s.size(1) == units, name,
              " must be (B, H) = (", xw.size(0), ", ", units, "), got ", s.sizes());
  TORCH_CHECK(s.scalar_type() == xw.scalar_type(), name, ": dtype differs from the input");
}

// Mask as a contiguous (B, T) bool tensor, or an undefined tensor when absent.
inline Tensor mask_of(const c10::optional<Tensor>& mask, const Tensor& xw) {
  if (!mask.has_value() || !mask->defined()) return Tensor();
  TORCH_CHECK(mask->dim() == 2 && mask->size(0) == xw.size(0) && mask->size(1) == xw.size(1),
              "mask must be (B, T) = (", xw.size(0), ", ", xw.size(1), "), got ", mask->sizes());
  return mask->to(at::kBool).contiguous();
}

// Recurrent-dropout mask as a contiguous (B, H) tensor of the input dtype, or undefined.
inline Tensor recurrent_mask_of(const c10::optional<Tensor>& rm, const Tensor& like, int64_t batch,
                                int64_t units) {
  if (!rm.has_value() || !rm->defined()) return Tensor();
  TORCH_CHECK(rm->dim() == 2 && rm->size(0) == batch && rm->size(1) == units,
              "recurrent_mask must be (B, H) = (", batch, ", ", units, "), got ", rm->sizes());
  return rm->to(like.scalar_type()).contiguous();
}

// hs (B, T, H) times the recurrent-dropout mask: the states as the recurrent products saw them.
inline Tensor dropped_states(const Tensor& hs, const Tensor& rm) {
  return rm.defined() ? (hs * rm.unsqueeze(1)).contiguous() : hs;
}

inline const bool* mask_ptr(const Tensor& m) { return m.defined() ? m.data_ptr<bool>() : nullptr; }

template <typename T>
T* ptr_or_null(const Tensor& t) {
  return t.numel() > 0 ? t.data_ptr<T>() : nullptr;
}

// Call f(Act{}) for an activation code. Only the activations the Python side may send are
// instantiated (tanh, relu for outputs; sigmoid, hard_sigmoid for gates): each combination is a
// full copy of a kernel, and compile time grows with their number.
template <typename F>
void with_activation(int64_t code, F&& f) {
  switch (code) {
    case kTanh: return f(Tanh{});
    case kRelu: return f(Relu{});
  }
  TORCH_CHECK(false, "rnnkit fused kernels: unsupported activation code ", code);
}

template <typename F>
void with_gate_activation(int64_t code, F&& f) {
  switch (code) {
    case kSigmoid: return f(Sigmoid{});
    case kHardSigmoid: return f(HardSigmoid{});
  }
  TORCH_CHECK(false, "rnnkit fused kernels: unsupported recurrent activation code ", code);
}

template <typename F>
void with_activations(int64_t act, int64_t ract, F&& f) {
  with_activation(act, [&](auto a) {
    with_gate_activation(ract, [&](auto r) { f(a, r); });
  });
}

inline Tensor empty_unless(bool keep, at::IntArrayRef shape, const Tensor& like) {
  return keep ? pooled_empty(shape, like.options()) : at::empty({0}, like.options());
}

}  // namespace rnnkit
