// Thin binding for the GRU kernels: check and allocate tensors, pick the templates, run.
#include <torch/library.h>

#include "binding.h"
#include "gru.h"

namespace rnnkit {
namespace {

using at::Tensor;

std::tuple<Tensor, Tensor, Tensor, Tensor> gru_forward(
    const Tensor& xw_in, const Tensor& h0_in, const Tensor& u_in, const Tensor& b_rec_in,
    const c10::optional<Tensor>& mask_in, const c10::optional<Tensor>& rmask_in,
    int64_t activation, int64_t recurrent_activation,
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
  Tensor y = pooled_empty({B, T, H}, xw.options()), hT = pooled_empty({B, H}, xw.options());
  Tensor hs = empty_unless(save, {B, T, H}, xw), gates = empty_unless(save, {B, T, K}, xw);
  const Tensor rmask = recurrent_mask_of(rmask_in, xw, B, H);
  Tensor work = pooled_empty({8 * B * H}, xw.options());
  AT_DISPATCH_FLOATING_TYPES(xw.scalar_type(), "gru_forward", [&] {
    using T_ = scalar_t;
    T_* w = work.data_ptr<T_>();
    GruForward<T_> k{B, T, H, xw.data_ptr<T_>(), u.data_ptr<T_>(), b_rec.data_ptr<T_>(),
                     mask_ptr(mask), zero_output, reset_after,
                     StateSlots<T_>{h0.data_ptr<T_>(), ptr_or_null<T_>(hs), w + 4 * B * H,
                                    hT.data_ptr<T_>(), B, T, H},
                     y.data_ptr<T_>(), ptr_or_null<T_>(gates), w, w + 3 * B * H};
    if (rmask.defined()) k.rmask = rmask.data_ptr<T_>(), k.dropped_h = w + 6 * B * H;
    with_activations(activation, recurrent_activation, [&](auto a, auto r) {
      k.template run<decltype(a), decltype(r)>();
    });
  });
  return {y, hT, hs, gates};
}

std::tuple<Tensor, Tensor, Tensor, Tensor> gru_backward(
    const Tensor& dy_in, const Tensor& dh_in, const Tensor& u_in,
    const c10::optional<Tensor>& mask_in, const c10::optional<Tensor>& rmask_in,
    const Tensor& hs_in, const Tensor& gates_in,
    int64_t activation, int64_t recurrent_activation, bool reset_after, bool zero_output) {
  const Tensor dy = dy_in.contiguous(), dh = dh_in.contiguous(), u = u_in.contiguous();
  const Tensor hs = hs_in.contiguous(), gates = gates_in.contiguous();
  const int64_t B = dy.size(0), T = dy.size(1), H = u.size(0), G = 3 * H;
  const int64_t K = (reset_after ? 4 : 3) * H;
  TORCH_CHECK(u.dim() == 2 && u.size(1) == G && dy.dim() == 3 && dy.size(2) == H,
              "gru_backward: shapes do not match");
  TORCH_CHECK(gates.numel() == B * T * K, "gru_backward: forward was run with save=False");
  const Tensor mask = mask_of(mask_in, dy);
  Tensor dxw = pooled_empty({B, T, G}, dy.options()), dh0 = pooled_empty({B, H}, dy.options());
  Tensor drec = empty_unless(reset_after, {B, T, G}, dy);
  Tensor work = pooled_empty({5, B, H}, dy.options());
  const Tensor rmask = recurrent_mask_of(rmask_in, dy, B, H);
  const Tensor ut = u.t().contiguous();
  AT_DISPATCH_FLOATING_TYPES(dy.scalar_type(), "gru_backward", [&] {
    using T_ = scalar_t;
    GruBackward<T_> k{B, T, H, dy.data_ptr<T_>(), dh.data_ptr<T_>(), ut.data_ptr<T_>(),
                      mask_ptr(mask), zero_output, reset_after, hs.data_ptr<T_>(),
                      gates.data_ptr<T_>(), dxw.data_ptr<T_>(), ptr_or_null<T_>(drec),
                      dh0.data_ptr<T_>(), work.data_ptr<T_>()};
    if (rmask.defined()) {
      k.rmask = rmask.data_ptr<T_>();
      k.d_dropped = work.data_ptr<T_>() + 4 * B * H;
    }
    with_activations(activation, recurrent_activation, [&](auto a, auto r) {
      k.template run<decltype(a), decltype(r)>();
    });
  });
  // Weight gradients: one product over all B * T rows each.
  const Tensor hs_dropped = dropped_states(hs, rmask);  // what the products saw
  const Tensor hs2 = hs_dropped.view({B * T, H});
  Tensor du, db;
  if (reset_after) {
    const Tensor drec2 = drec.view({B * T, G});
    du = at::mm(hs2.t(), drec2);
    db = drec2.sum(0);
  } else {
    const Tensor dxw2 = dxw.view({B * T, G});
    const Tensor reset_h =
        (gates.view({B, T, K}).narrow(2, H, H) * hs_dropped).view({B * T, H});
    du = at::cat({at::mm(hs2.t(), dxw2.narrow(1, 0, 2 * H)),
                  at::mm(reset_h.t(), dxw2.narrow(1, 2 * H, H))}, 1);
    db = at::zeros({G}, dy.options());
  }
  return {dxw, dh0, du, db};
}

}  // namespace

TORCH_LIBRARY_IMPL(rnnkit, CPU, m) {
  m.impl("gru_forward", &gru_forward);
  m.impl("gru_backward", &gru_backward);
}

}  // namespace rnnkit
