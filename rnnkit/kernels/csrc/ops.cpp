// Thin binding: check and allocate tensors, pick the activation templates, run the kernels.
// Ops are declared once here, under the `rnnkit` namespace; autograd formulas and shape-only
// fake kernels are registered from Python (rnnkit/kernels/fused_ops.py).
#include <torch/library.h>
#include <ATen/ATen.h>

#include "gru.h"
#include "lstm.h"
#include "simple_rnn.h"
#include "vector_math.h"

namespace rnnkit {
namespace {

using at::Tensor;

void check_sequence(const Tensor& xw, int64_t gates, const Tensor& u, const char* what) {
  TORCH_CHECK(xw.device().is_cpu(), what, ": fused kernels run on CPU tensors only");
  TORCH_CHECK(xw.scalar_type() == at::kFloat || xw.scalar_type() == at::kDouble, what,
              ": fused kernels support float32 and float64, got ", xw.scalar_type());
  TORCH_CHECK(xw.dim() == 3 && xw.size(1) > 0, what, ": xw must be (B, T>0, G*H), got ",
              xw.sizes());
  TORCH_CHECK(u.dim() == 2 && u.size(1) == gates * u.size(0) && xw.size(2) == u.size(1), what,
              ": recurrent kernel ", u.sizes(), " does not match xw ", xw.sizes());
  TORCH_CHECK(u.scalar_type() == xw.scalar_type(), what, ": dtypes differ");
}

void check_state(const Tensor& s, const Tensor& xw, int64_t units, const char* name) {
  TORCH_CHECK(s.dim() == 2 && s.size(0) == xw.size(0) && s.size(1) == units, name,
              " must be (B, H) = (", xw.size(0), ", ", units, "), got ", s.sizes());
  TORCH_CHECK(s.scalar_type() == xw.scalar_type(), name, ": dtype differs from the input");
}

// Mask as a contiguous (B, T) bool tensor, or an undefined tensor when absent.
Tensor mask_of(const c10::optional<Tensor>& mask, const Tensor& xw) {
  if (!mask.has_value() || !mask->defined()) return Tensor();
  TORCH_CHECK(mask->dim() == 2 && mask->size(0) == xw.size(0) && mask->size(1) == xw.size(1),
              "mask must be (B, T) = (", xw.size(0), ", ", xw.size(1), "), got ", mask->sizes());
  return mask->to(at::kBool).contiguous();
}

const bool* mask_ptr(const Tensor& m) { return m.defined() ? m.data_ptr<bool>() : nullptr; }

template <typename T>
T* ptr_or_null(const Tensor& t) {
  return t.numel() > 0 ? t.data_ptr<T>() : nullptr;
}

// Call f.template operator()<Act>() for an activation code.
template <typename F>
void with_activation(int64_t code, F&& f) {
  switch (code) {
    case kTanh: return f(Tanh{});
    case kRelu: return f(Relu{});
    case kSigmoid: return f(Sigmoid{});
    case kHardSigmoid: return f(HardSigmoid{});
  }
  TORCH_CHECK(false, "rnnkit fused kernels: unsupported activation code ", code);
}

template <typename F>
void with_activations(int64_t act, int64_t ract, F&& f) {
  with_activation(act, [&](auto a) {
    with_activation(ract, [&](auto r) { f(a, r); });
  });
}

Tensor empty_unless(bool keep, at::IntArrayRef shape, const Tensor& like) {
  return keep ? at::empty(shape, like.options()) : at::empty({0}, like.options());
}

// ---------------------------------------------------------------- SimpleRNN

std::tuple<Tensor, Tensor, Tensor, Tensor> simple_rnn_forward(
    const Tensor& xw_in, const Tensor& h0_in, const Tensor& u_in,
    const c10::optional<Tensor>& mask_in, int64_t activation, bool zero_output, bool save) {
  check_sequence(xw_in, 1, u_in, "simple_rnn_forward");
  TORCH_CHECK(activation == kTanh || activation == kRelu || activation == kSigmoid ||
                  activation == kHardSigmoid,
              "simple_rnn_forward: unsupported activation code ", activation);
  const Tensor xw = xw_in.contiguous(), u = u_in.contiguous(), h0 = h0_in.contiguous();
  const int64_t B = xw.size(0), T = xw.size(1), H = u.size(0);
  check_state(h0, xw, H, "h0");
  const Tensor mask = mask_of(mask_in, xw);
  Tensor y = at::empty({B, T, H}, xw.options()), hT = at::empty({B, H}, xw.options());
  Tensor hs = empty_unless(save, {B, T, H}, xw), acts = empty_unless(save, {B, T, H}, xw);
  Tensor work = at::empty({3, B, H}, xw.options());
  AT_DISPATCH_FLOATING_TYPES(xw.scalar_type(), "simple_rnn_forward", [&] {
    using T_ = scalar_t;
    T_* w = work.data_ptr<T_>();
    SimpleRnnForward<T_> k{B, T, H, xw.data_ptr<T_>(), u.data_ptr<T_>(), mask_ptr(mask),
                           zero_output,
                           StateSlots<T_>{h0.data_ptr<T_>(), ptr_or_null<T_>(hs), w + B * H,
                                          hT.data_ptr<T_>(), B, T, H},
                           y.data_ptr<T_>(), ptr_or_null<T_>(acts), w};
    with_activation(activation, [&](auto a) { k.template run<decltype(a)>(); });
  });
  return {y, hT, hs, acts};
}

std::tuple<Tensor, Tensor, Tensor> simple_rnn_backward(
    const Tensor& dy_in, const Tensor& dh_in, const Tensor& u_in,
    const c10::optional<Tensor>& mask_in, const Tensor& hs_in, const Tensor& acts_in,
    int64_t activation, bool zero_output) {
  const Tensor dy = dy_in.contiguous(), dh = dh_in.contiguous(), u = u_in.contiguous();
  const Tensor hs = hs_in.contiguous(), acts = acts_in.contiguous();
  check_sequence(dy, 1, u, "simple_rnn_backward");
  const int64_t B = dy.size(0), T = dy.size(1), H = u.size(0);
  TORCH_CHECK(hs.numel() == B * T * H && acts.numel() == B * T * H,
              "simple_rnn_backward: forward was run with save=False");
  const Tensor mask = mask_of(mask_in, dy);
  Tensor dxw = at::empty({B, T, H}, dy.options()), dh0 = at::empty({B, H}, dy.options());
  Tensor du = at::empty({H, H}, dy.options()), work = at::empty({3, B, H}, dy.options());
  const Tensor ut = u.t().contiguous();
  AT_DISPATCH_FLOATING_TYPES(dy.scalar_type(), "simple_rnn_backward", [&] {
    using T_ = scalar_t;
    SimpleRnnBackward<T_> k{B, T, H, dy.data_ptr<T_>(), dh.data_ptr<T_>(), ut.data_ptr<T_>(),
                            mask_ptr(mask), zero_output, hs.data_ptr<T_>(), acts.data_ptr<T_>(),
                            dxw.data_ptr<T_>(), dh0.data_ptr<T_>(), du.data_ptr<T_>(),
                            work.data_ptr<T_>()};
    with_activation(activation, [&](auto a) { k.template run<decltype(a)>(); });
  });
  return {dxw, dh0, du};
}

// ---------------------------------------------------------------- LSTM

std::tuple<Tensor, Tensor, Tensor, Tensor, Tensor, Tensor> lstm_forward(
    const Tensor& xw_in, const Tensor& h0_in, const Tensor& c0_in, const Tensor& u_in,
    const c10::optional<Tensor>& mask_in, int64_t activation, int64_t recurrent_activation,
    bool zero_output, bool save) {
  check_sequence(xw_in, 4, u_in, "lstm_forward");
  const Tensor xw = xw_in.contiguous(), u = u_in.contiguous();
  const Tensor h0 = h0_in.contiguous(), c0 = c0_in.contiguous();
  const int64_t B = xw.size(0), T = xw.size(1), H = u.size(0);
  check_state(h0, xw, H, "h0");
  check_state(c0, xw, H, "c0");
  const Tensor mask = mask_of(mask_in, xw);
  Tensor y = at::empty({B, T, H}, xw.options());
  Tensor hT = at::empty({B, H}, xw.options()), cT = at::empty({B, H}, xw.options());
  Tensor hs = empty_unless(save, {B, T, H}, xw), cs = empty_unless(save, {B, T, H}, xw);
  Tensor gates = empty_unless(save, {B, T, 5 * H}, xw);
  Tensor work = at::empty({8 * B * H}, xw.options());
  AT_DISPATCH_FLOATING_TYPES(xw.scalar_type(), "lstm_forward", [&] {
    using T_ = scalar_t;
    T_* w = work.data_ptr<T_>();
    LstmForward<T_> k{B, T, H, xw.data_ptr<T_>(), u.data_ptr<T_>(), mask_ptr(mask), zero_output,
                      StateSlots<T_>{h0.data_ptr<T_>(), ptr_or_null<T_>(hs), w + 4 * B * H,
                                     hT.data_ptr<T_>(), B, T, H},
                      StateSlots<T_>{c0.data_ptr<T_>(), ptr_or_null<T_>(cs), w + 6 * B * H,
                                     cT.data_ptr<T_>(), B, T, H},
                      y.data_ptr<T_>(), ptr_or_null<T_>(gates), w};
    with_activations(activation, recurrent_activation, [&](auto a, auto r) {
      k.template run<decltype(a), decltype(r)>();
    });
  });
  return {y, hT, cT, hs, cs, gates};
}

std::tuple<Tensor, Tensor, Tensor, Tensor> lstm_backward(
    const Tensor& dy_in, const Tensor& dh_in, const Tensor& dc_in, const Tensor& u_in,
    const c10::optional<Tensor>& mask_in, const Tensor& hs_in, const Tensor& cs_in,
    const Tensor& gates_in, int64_t activation, int64_t recurrent_activation, bool zero_output) {
  const Tensor dy = dy_in.contiguous(), dh = dh_in.contiguous(), dc = dc_in.contiguous();
  const Tensor u = u_in.contiguous(), hs = hs_in.contiguous(), cs = cs_in.contiguous();
  const Tensor gates = gates_in.contiguous();
  const int64_t B = dy.size(0), T = dy.size(1), H = u.size(0);
  TORCH_CHECK(u.dim() == 2 && u.size(1) == 4 * H && dy.dim() == 3 && dy.size(2) == H,
              "lstm_backward: shapes do not match");
  TORCH_CHECK(gates.numel() == B * T * 5 * H, "lstm_backward: forward was run with save=False");
  const Tensor mask = mask_of(mask_in, dy);
  Tensor dxw = at::empty({B, T, 4 * H}, dy.options());
  Tensor dh0 = at::empty({B, H}, dy.options()), dc0 = at::empty({B, H}, dy.options());
  Tensor du = at::empty({H, 4 * H}, dy.options()), work = at::empty({4, B, H}, dy.options());
  const Tensor ut = u.t().contiguous();
  AT_DISPATCH_FLOATING_TYPES(dy.scalar_type(), "lstm_backward", [&] {
    using T_ = scalar_t;
    LstmBackward<T_> k{B, T, H, dy.data_ptr<T_>(), dh.data_ptr<T_>(), dc.data_ptr<T_>(),
                       ut.data_ptr<T_>(), mask_ptr(mask), zero_output, hs.data_ptr<T_>(),
                       cs.data_ptr<T_>(), gates.data_ptr<T_>(), dxw.data_ptr<T_>(),
                       dh0.data_ptr<T_>(), dc0.data_ptr<T_>(), du.data_ptr<T_>(),
                       work.data_ptr<T_>()};
    with_activations(activation, recurrent_activation, [&](auto a, auto r) {
      k.template run<decltype(a), decltype(r)>();
    });
  });
  return {dxw, dh0, dc0, du};
}

// ---------------------------------------------------------------- GRU

std::tuple<Tensor, Tensor, Tensor, Tensor> gru_forward(
    const Tensor& xw_in, const Tensor& h0_in, const Tensor& u_in, const Tensor& b_rec_in,
    const c10::optional<Tensor>& mask_in, int64_t activation, int64_t recurrent_activation,
    bool reset_after, bool zero_output, bool save) {
  check_sequence(xw_in, 3, u_in, "gru_forward");
  const Tensor xw = xw_in.contiguous(), u = u_in.contiguous(), h0 = h0_in.contiguous();
  const Tensor b_rec = b_rec_in.contiguous();
  const int64_t B = xw.size(0), T = xw.size(1), H = u.size(0);
  check_state(h0, xw, H, "h0");
  TORCH_CHECK(b_rec.dim() == 1 && b_rec.size(0) == 3 * H && b_rec.scalar_type() == xw.scalar_type(),
              "gru_forward: recurrent_bias must be (3H,) of the input dtype, got ", b_rec.sizes());
  const Tensor mask = mask_of(mask_in, xw);
  const int64_t K = (reset_after ? 4 : 3) * H;
  Tensor y = at::empty({B, T, H}, xw.options()), hT = at::empty({B, H}, xw.options());
  Tensor hs = empty_unless(save, {B, T, H}, xw), gates = empty_unless(save, {B, T, K}, xw);
  Tensor work = at::empty({6 * B * H}, xw.options());
  AT_DISPATCH_FLOATING_TYPES(xw.scalar_type(), "gru_forward", [&] {
    using T_ = scalar_t;
    T_* w = work.data_ptr<T_>();
    GruForward<T_> k{B, T, H, xw.data_ptr<T_>(), u.data_ptr<T_>(), b_rec.data_ptr<T_>(),
                     mask_ptr(mask), zero_output, reset_after,
                     StateSlots<T_>{h0.data_ptr<T_>(), ptr_or_null<T_>(hs), w + 4 * B * H,
                                    hT.data_ptr<T_>(), B, T, H},
                     y.data_ptr<T_>(), ptr_or_null<T_>(gates), w, w + 3 * B * H};
    with_activations(activation, recurrent_activation, [&](auto a, auto r) {
      k.template run<decltype(a), decltype(r)>();
    });
  });
  return {y, hT, hs, gates};
}

std::tuple<Tensor, Tensor, Tensor, Tensor> gru_backward(
    const Tensor& dy_in, const Tensor& dh_in, const Tensor& u_in,
    const c10::optional<Tensor>& mask_in, const Tensor& hs_in, const Tensor& gates_in,
    int64_t activation, int64_t recurrent_activation, bool reset_after, bool zero_output) {
  const Tensor dy = dy_in.contiguous(), dh = dh_in.contiguous(), u = u_in.contiguous();
  const Tensor hs = hs_in.contiguous(), gates = gates_in.contiguous();
  const int64_t B = dy.size(0), T = dy.size(1), H = u.size(0), G = 3 * H;
  const int64_t K = (reset_after ? 4 : 3) * H;
  TORCH_CHECK(u.dim() == 2 && u.size(1) == G && dy.dim() == 3 && dy.size(2) == H,
              "gru_backward: shapes do not match");
  TORCH_CHECK(gates.numel() == B * T * K, "gru_backward: forward was run with save=False");
  const Tensor mask = mask_of(mask_in, dy);
  Tensor dxw = at::empty({B, T, G}, dy.options()), dh0 = at::empty({B, H}, dy.options());
  Tensor drec = empty_unless(reset_after, {B, T, G}, dy);
  Tensor work = at::empty({4, B, H}, dy.options());
  const Tensor ut = u.t().contiguous();
  AT_DISPATCH_FLOATING_TYPES(dy.scalar_type(), "gru_backward", [&] {
    using T_ = scalar_t;
    GruBackward<T_> k{B, T, H, dy.data_ptr<T_>(), dh.data_ptr<T_>(), ut.data_ptr<T_>(),
                      mask_ptr(mask), zero_output, reset_after, hs.data_ptr<T_>(),
                      gates.data_ptr<T_>(), dxw.data_ptr<T_>(), ptr_or_null<T_>(drec),
                      dh0.data_ptr<T_>(), work.data_ptr<T_>()};
    with_activations(activation, recurrent_activation, [&](auto a, auto r) {
      k.template run<decltype(a), decltype(r)>();
    });
  });
  // Weight gradients: one product over all B * T rows each.
  const Tensor hs2 = hs.view({B * T, H});
  Tensor du, db;
  if (reset_after) {
    const Tensor drec2 = drec.view({B * T, G});
    du = at::mm(hs2.t(), drec2);
    db = drec2.sum(0);
  } else {
    const Tensor dxw2 = dxw.view({B * T, G});
    const Tensor reset_h = (gates.view({B, T, K}).narrow(2, H, H) * hs).view({B * T, H});
    du = at::cat({at::mm(hs2.t(), dxw2.narrow(1, 0, 2 * H)),
                  at::mm(reset_h.t(), dxw2.narrow(1, 2 * H, H))}, 1);
    db = at::zeros({G}, dy.options());
  }
  return {dxw, dh0, du, db};
}

}  // namespace

TORCH_LIBRARY(rnnkit, m) {
  m.def("simple_rnn_forward(Tensor xw, Tensor h0, Tensor recurrent_kernel, Tensor? mask, "
        "int activation, bool zero_output, bool save) -> (Tensor, Tensor, Tensor, Tensor)");
  m.def("simple_rnn_backward(Tensor dy, Tensor dh, Tensor recurrent_kernel, Tensor? mask, "
        "Tensor hs, Tensor acts, int activation, bool zero_output) -> (Tensor, Tensor, Tensor)");
  m.def("lstm_forward(Tensor xw, Tensor h0, Tensor c0, Tensor recurrent_kernel, Tensor? mask, "
        "int activation, int recurrent_activation, bool zero_output, bool save) "
        "-> (Tensor, Tensor, Tensor, Tensor, Tensor, Tensor)");
  m.def("lstm_backward(Tensor dy, Tensor dh, Tensor dc, Tensor recurrent_kernel, Tensor? mask, "
        "Tensor hs, Tensor cs, Tensor gates, int activation, int recurrent_activation, "
        "bool zero_output) -> (Tensor, Tensor, Tensor, Tensor)");
  m.def("gru_forward(Tensor xw, Tensor h0, Tensor recurrent_kernel, Tensor recurrent_bias, "
        "Tensor? mask, int activation, int recurrent_activation, bool reset_after, "
        "bool zero_output, bool save) -> (Tensor, Tensor, Tensor, Tensor)");
  m.def("gru_backward(Tensor dy, Tensor dh, Tensor recurrent_kernel, Tensor? mask, Tensor hs, "
        "Tensor gates, int activation, int recurrent_activation, bool reset_after, "
        "bool zero_output) -> (Tensor, Tensor, Tensor, Tensor)");
}

TORCH_LIBRARY_IMPL(rnnkit, CPU, m) {
  m.impl("simple_rnn_forward", &simple_rnn_forward);
  m.impl("simple_rnn_backward", &simple_rnn_backward);
  m.impl("lstm_forward", &lstm_forward);
  m.impl("lstm_backward", &lstm_backward);
  m.impl("gru_forward", &gru_forward);
  m.impl("gru_backward", &gru_backward);
}

}  // namespace rnnkit
