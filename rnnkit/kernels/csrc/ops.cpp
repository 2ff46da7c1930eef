// The op schemas, declared once under the `rnnkit` namespace. CPU implementations live in
// simple_rnn_ops.cpp, lstm_ops.cpp, gru_ops.cpp and projection_ops.cpp (compiled in parallel);
// autograd formulas and shape-only fake kernels are registered from Python
// (rnnkit/kernels/fused_ops.py). The ops without tensors (the peak-rate probe, the output pool's
// counters) are declared with their implementations, in peak_ops.cpp and pool_ops.cpp.
// `mask` is Keras's (B, T) step mask; `recurrent_mask` the (B, H) recurrent-dropout mask.
#include <torch/library.h>

TORCH_LIBRARY(rnnkit, m) {
  m.def("simple_rnn_forward(Tensor xw, Tensor h0, Tensor recurrent_kernel, Tensor? mask, "
        "Tensor? recurrent_mask, int activation, bool zero_output, bool save) "
        "-> (Tensor, Tensor, Tensor, Tensor)");
  m.def("simple_rnn_backward(Tensor dy, Tensor dh, Tensor recurrent_kernel, Tensor? mask, "
        "Tensor? recurrent_mask, Tensor hs, Tensor acts, int activation, bool zero_output) "
        "-> (Tensor, Tensor, Tensor)");
  m.def("lstm_forward(Tensor xw, Tensor h0, Tensor c0, Tensor recurrent_kernel, Tensor? mask, "
        "Tensor? recurrent_mask, int activation, int recurrent_activation, bool zero_output, "
        "bool save) -> (Tensor, Tensor, Tensor, Tensor, Tensor, Tensor)");
  m.def("lstm_backward(Tensor dy, Tensor dh, Tensor dc, Tensor recurrent_kernel, Tensor? mask, "
        "Tensor? recurrent_mask, Tensor hs, Tensor cs, Tensor gates, int activation, "
        "int recurrent_activation, bool zero_output) -> (Tensor, Tensor, Tensor, Tensor)");
  m.def("gru_forward(Tensor xw, Tensor h0, Tensor recurrent_kernel, Tensor recurrent_bias, "
        "Tensor? mask, Tensor? recurrent_mask, int activation, int recurrent_activation, "
        "bool reset_after, bool zero_output, bool save) -> (Tensor, Tensor, Tensor, Tensor)");
  m.def("gru_backward(Tensor dy, Tensor dh, Tensor recurrent_kernel, Tensor? mask, "
        "Tensor? recurrent_mask, Tensor hs, Tensor gates, int activation, "
        "int recurrent_activation, bool reset_after, bool zero_output) "
        "-> (Tensor, Tensor, Tensor, Tensor)");
  m.def("projection(Tensor x, Tensor kernel, Tensor? bias) -> Tensor");
}
