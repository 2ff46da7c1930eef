// Thin binding for the LSTM kernels: check and allocate tensors, pick the templates, run.
#include <torch/library.h>

#include "binding.h"
#include "lstm.h"

namespace rnnkit {
namespace {

using at::Tensor;

std::tuple<Tensor, Tensor, Tensor, Tensor, Tensor, Tensor> lstm_forward(
    const Tensor& xw_in, const Tensor& h0_in, const Tensor& c0_in, const Tensor& u_in,
    const c10::optional<Tensor>& mask_in, const c10::optional<Tensor>& rmask_in,
    int64_t activation, int64_t recurrent_activation, bool zero_output, bool save) {
  check_sequence(xw_in, 4, u_in, "lstm_forward");
  const Tensor xw = xw_in.contiguous(), u = u_in.contiguous();
  const Tensor h0 = h0_in.contiguous(), c0 = c0_in.contiguous();
  const int64_t B = xw.size(0), T = xw.size(1), H = u.size(0);
  check_state(h0, xw, H, "h0");
  check_state(c0, xw, H, "c0");
  const Tensor mask = mask_of(mask_in, xw);
  Tensor y = pooled_empty({B, T, H}, xw.options());
  Tensor hT = pooled_empty({B, H}, xw.options()), cT = pooled_empty({B, H}, xw.options());
  Tensor hs = empty_unless(save, {B, T, H}, xw), cs = empty_unless(save, {B, T, H}, xw);
  Tensor gates = empty_unless(save, {B, T, 5 * H}, xw);
  const Tensor rmask = recurrent_mask_of(rmask_in, xw, B, H);
  AT_DISPATCH_FLOATING_TYPES(xw.scalar_type(), "lstm_forward", [&] {
    using T_ = scalar_t;
    using Work = LstmForwardWork<T_>;
    Tensor work = pooled_empty({Work::size(B, H)}, xw.options());
    const Work w = Work::split(work.data_ptr<T_>(), B, H);
    LstmForward<T_> k{B, T, H, xw.data_ptr<T_>(), u.data_ptr<T_>(), mask_ptr(mask), zero_output,
                      StateSlots<T_>{h0.data_ptr<T_>(), ptr_or_null<T_>(hs), w.h_ping,
                                     hT.data_ptr<T_>(), B, T, H},
                      StateSlots<T_>{c0.data_ptr<T_>(), ptr_or_null<T_>(cs), w.c_ping,
                                     cT.data_ptr<T_>(), B, T, H},
                      y.data_ptr<T_>(), ptr_or_null<T_>(gates), w};
    if (rmask.defined()) k.rmask = rmask.data_ptr<T_>();
    with_activations(activation, recurrent_activation, [&](auto a, auto r) {
      k.template run<decltype(a), decltype(r)>();
    });
  });
  return {y, hT, cT, hs, cs, gates};
}

std::tuple<Tensor, Tensor, Tensor, Tensor> lstm_backward(
    const Tensor& dy_in, const Tensor& dh_in, const Tensor& dc_in, const Tensor& u_in,
    const c10::optional<Tensor>& mask_in, const c10::optional<Tensor>& rmask_in,
    const Tensor& hs_in, const Tensor& cs_in, const Tensor& gates_in, int64_t activation,
    int64_t recurrent_activation, bool zero_output) {
  const Tensor dy = dy_in.contiguous(), dh = dh_in.contiguous(), dc = dc_in.contiguous();
  const Tensor u = u_in.contiguous(), hs = hs_in.contiguous(), cs = cs_in.contiguous();
  const Tensor gates = gates_in.contiguous();
  const int64_t B = dy.size(0), T = dy.size(1), H = u.size(0);
  TORCH_CHECK(u.dim() == 2 && u.size(1) == 4 * H && dy.dim() == 3 && dy.size(2) == H,
              "lstm_backward: shapes do not match");
  TORCH_CHECK(gates.numel() == B * T * 5 * H, "lstm_backward: forward was run with save=False");
  const Tensor mask = mask_of(mask_in, dy);
  Tensor dxw = pooled_empty({B, T, 4 * H}, dy.options());
  Tensor dh0 = pooled_empty({B, H}, dy.options()), dc0 = pooled_empty({B, H}, dy.options());
  Tensor du = pooled_empty({H, 4 * H}, dy.options());
  const Tensor rmask = recurrent_mask_of(rmask_in, dy, B, H);
  const Tensor hs_dropped = dropped_states(hs, rmask);
  const Tensor ut = u.t().contiguous();
  AT_DISPATCH_FLOATING_TYPES(dy.scalar_type(), "lstm_backward", [&] {
    using T_ = scalar_t;
    using Work = LstmBackwardWork<T_>;
    Tensor work = pooled_empty({Work::size(B, H)}, dy.options());
    LstmBackward<T_> k{B, T, H, dy.data_ptr<T_>(), dh.data_ptr<T_>(), dc.data_ptr<T_>(),
                       ut.data_ptr<T_>(), mask_ptr(mask), zero_output, hs.data_ptr<T_>(),
                       cs.data_ptr<T_>(), gates.data_ptr<T_>(), dxw.data_ptr<T_>(),
                       dh0.data_ptr<T_>(), dc0.data_ptr<T_>(), du.data_ptr<T_>(),
                       Work::split(work.data_ptr<T_>(), B, H)};
    if (rmask.defined()) {
      k.rmask = rmask.data_ptr<T_>();
      k.hs_dropped = hs_dropped.data_ptr<T_>();
    }
    with_activations(activation, recurrent_activation, [&](auto a, auto r) {
      k.template run<decltype(a), decltype(r)>();
    });
  });
  return {dxw, dh0, dc0, du};
}

}  // namespace

TORCH_LIBRARY_IMPL(rnnkit, CPU, m) {
  m.impl("lstm_forward", &lstm_forward);
  m.impl("lstm_backward", &lstm_backward);
}

}  // namespace rnnkit
