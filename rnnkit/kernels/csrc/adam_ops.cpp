// Binding of the one-pass Adam update (adam.h): checks the tensors, then updates them in place.
#include <ATen/ATen.h>
#include <torch/library.h>

#include "adam.h"

namespace rnnkit {
namespace {

void check_like(const at::Tensor& t, const at::Tensor& weight, const char* name) {
  TORCH_CHECK(t.device().is_cpu() && t.is_contiguous(), "adam_update: ", name,
              " must be a contiguous CPU tensor");
  TORCH_CHECK(t.scalar_type() == weight.scalar_type() && t.sizes() == weight.sizes(),
              "adam_update: ", name, " must match the weight's dtype and shape ", weight.sizes(),
              ", got ", t.scalar_type(), " ", t.sizes());
}

void adam_update_op(at::Tensor weight, at::Tensor m, at::Tensor v, const at::Tensor& grad,
                    const c10::optional<at::Tensor>& squares, double alpha, double beta_1,
                    double beta_2, double epsilon) {
  TORCH_CHECK(weight.scalar_type() == at::kFloat || weight.scalar_type() == at::kDouble,
              "adam_update: float32 or float64 weights only, got ", weight.scalar_type());
  check_like(weight, weight, "weight");
  check_like(m, weight, "momentum");
  check_like(v, weight, "velocity");
  check_like(grad, weight, "gradient");
  const bool has_squares = squares.has_value() && squares->defined();
  if (has_squares) check_like(*squares, weight, "squares");
  AT_DISPATCH_FLOATING_TYPES(weight.scalar_type(), "adam_update", [&] {
    // The scalars rounded to the tensor's dtype, as torch rounds a Python number it multiplies by.
    adam_update<scalar_t>(weight.data_ptr<scalar_t>(), m.data_ptr<scalar_t>(),
                          v.data_ptr<scalar_t>(), grad.data_ptr<scalar_t>(),
                          has_squares ? squares->data_ptr<scalar_t>() : nullptr, weight.numel(),
                          static_cast<scalar_t>(alpha), static_cast<scalar_t>(1.0 - beta_1),
                          static_cast<scalar_t>(1.0 - beta_2), static_cast<scalar_t>(epsilon));
  });
}

}  // namespace

TORCH_LIBRARY_FRAGMENT(rnnkit, m) {
  m.def("adam_update(Tensor(a!) weight, Tensor(b!) momentum, Tensor(c!) velocity, Tensor gradient, "
        "Tensor? squares, float alpha, float beta_1, float beta_2, float epsilon) -> ()",
        &adam_update_op);
}

}  // namespace rnnkit
