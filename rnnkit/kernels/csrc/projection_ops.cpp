// Thin binding for the input projection: check, allocate, run.
#include <ATen/ATen.h>
#include <ATen/Dispatch.h>
#include <torch/library.h>

#include "pool.h"
#include "projection.h"

namespace rnnkit {
namespace {

using at::Tensor;

Tensor projection(const Tensor& x_in, const Tensor& w_in, const c10::optional<Tensor>& bias_in) {
  TORCH_CHECK(x_in.device().is_cpu(), "projection: fused kernels run on CPU tensors only");
  TORCH_CHECK(x_in.scalar_type() == at::kFloat || x_in.scalar_type() == at::kDouble,
              "projection: float32 and float64 only, got ", x_in.scalar_type());
  TORCH_CHECK(x_in.dim() == 2 && w_in.dim() == 2 && x_in.size(1) == w_in.size(0),
              "projection: x (m, k) and kernel (k, n) do not match: ", x_in.sizes(), " and ",
              w_in.sizes());
  TORCH_CHECK(w_in.scalar_type() == x_in.scalar_type(), "projection: dtypes differ");
  const Tensor x = x_in.contiguous(), w = w_in.contiguous();
  const int64_t m = x.size(0), k = x.size(1), n = w.size(1);
  Tensor bias;
  if (bias_in.has_value() && bias_in->defined()) {
    TORCH_CHECK(bias_in->dim() == 1 && bias_in->size(0) == n &&
                    bias_in->scalar_type() == x.scalar_type(),
                "projection: bias must be (", n, ",) of the input dtype, got ", bias_in->sizes());
    bias = bias_in->contiguous();
  }
  Tensor y = pooled_empty({m, n}, x.options());
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "projection", [&] {
    project<scalar_t>(m, k, n, x.data_ptr<scalar_t>(), w.data_ptr<scalar_t>(),
                      bias.defined() ? bias.data_ptr<scalar_t>() : nullptr,
                      y.data_ptr<scalar_t>());
  });
  return y;
}

}  // namespace

TORCH_LIBRARY_IMPL(rnnkit, CPU, m) { m.impl("projection", &projection); }

}  // namespace rnnkit
