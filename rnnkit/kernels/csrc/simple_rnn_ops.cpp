// Thin binding for the SimpleRNN kernels: check and allocate tensors, pick the templates, run.
#include <torch/library.h>

#include "binding.h"
#include "simple_rnn.h"

namespace rnnkit {
namespace {

using at::Tensor;

std::tuple<Tensor, Tensor, Tensor, Tensor> simple_rnn_forward(
    const Tensor& xw_in, const Tensor& h0_in, const Tensor& u_in,
    const c10::optional<Tensor>& mask_in, const c10::optional<Tensor>& rmask_in,
    int64_t activation, bool zero_output, bool save) {
  check_sequence(xw_in, 1, u_in, "simple_rnn_forward");
  const Tensor xw = xw_in.contiguous(), u = u_in.contiguous(), h0 = h0_in.contiguous();
  const int64_t B = xw.size(0), T = xw.size(1), H = u.size(0);
  check_state(h0, xw, H, "h0");
  const Tensor mask = mask_of(mask_in, xw);
  Tensor y = pooled_empty({B, T, H}, xw.options()), hT = pooled_empty({B, H}, xw.options());
  Tensor hs = empty_unless(save, {B, T, H}, xw), acts = empty_unless(save, {B, T, H}, xw);
  const Tensor rmask = recurrent_mask_of(rmask_in, xw, B, H);
  Tensor work = pooled_empty({5, B, H}, xw.options());
  AT_DISPATCH_FLOATING_TYPES(xw.scalar_type(), "simple_rnn_forward", [&] {
    using T_ = scalar_t;
    T_* w = work.data_ptr<T_>();
    SimpleRnnForward<T_> k{B, T, H, xw.data_ptr<T_>(), u.data_ptr<T_>(), mask_ptr(mask),
                           zero_output,
                           StateSlots<T_>{h0.data_ptr<T_>(), ptr_or_null<T_>(hs), w + B * H,
                                          hT.data_ptr<T_>(), B, T, H},
                           y.data_ptr<T_>(), ptr_or_null<T_>(acts), w};
    if (rmask.defined()) k.rmask = rmask.data_ptr<T_>(), k.dropped_h = w + 3 * B * H;
    with_activation(activation, [&](auto a) { k.template run<decltype(a)>(); });
  });
  return {y, hT, hs, acts};
}

std::tuple<Tensor, Tensor, Tensor> simple_rnn_backward(
    const Tensor& dy_in, const Tensor& dh_in, const Tensor& u_in,
    const c10::optional<Tensor>& mask_in, const c10::optional<Tensor>& rmask_in,
    const Tensor& hs_in, const Tensor& acts_in, int64_t activation, bool zero_output) {
  const Tensor dy = dy_in.contiguous(), dh = dh_in.contiguous(), u = u_in.contiguous();
  const Tensor hs = hs_in.contiguous(), acts = acts_in.contiguous();
  check_sequence(dy, 1, u, "simple_rnn_backward");
  const int64_t B = dy.size(0), T = dy.size(1), H = u.size(0);
  TORCH_CHECK(hs.numel() == B * T * H && acts.numel() == B * T * H,
              "simple_rnn_backward: forward was run with save=False");
  const Tensor mask = mask_of(mask_in, dy);
  Tensor dxw = pooled_empty({B, T, H}, dy.options()), dh0 = pooled_empty({B, H}, dy.options());
  Tensor du = pooled_empty({H, H}, dy.options()), work = pooled_empty({4, B, H}, dy.options());
  const Tensor rmask = recurrent_mask_of(rmask_in, dy, B, H);
  const Tensor hs_dropped = dropped_states(hs, rmask);
  const Tensor ut = u.t().contiguous();
  AT_DISPATCH_FLOATING_TYPES(dy.scalar_type(), "simple_rnn_backward", [&] {
    using T_ = scalar_t;
    SimpleRnnBackward<T_> k{B, T, H, dy.data_ptr<T_>(), dh.data_ptr<T_>(), ut.data_ptr<T_>(),
                            mask_ptr(mask), zero_output, hs.data_ptr<T_>(), acts.data_ptr<T_>(),
                            dxw.data_ptr<T_>(), dh0.data_ptr<T_>(), du.data_ptr<T_>(),
                            work.data_ptr<T_>()};
    if (rmask.defined()) {
      k.rmask = rmask.data_ptr<T_>();
      k.hs_dropped = hs_dropped.data_ptr<T_>();
      k.d_dropped = work.data_ptr<T_>() + 3 * B * H;
    }
    with_activation(activation, [&](auto a) { k.template run<decltype(a)>(); });
  });
  return {dxw, dh0, du};
}

}  // namespace

TORCH_LIBRARY_IMPL(rnnkit, CPU, m) {
  m.impl("simple_rnn_forward", &simple_rnn_forward);
  m.impl("simple_rnn_backward", &simple_rnn_backward);
}

}  // namespace rnnkit
