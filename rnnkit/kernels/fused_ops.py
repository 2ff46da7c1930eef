"""Autograd formulas and shape-only fake kernels for the C++ ops declared in csrc/ops.cpp.

Each ``rnnkit::<cell>_forward`` op takes the input projection ``xw`` (B, T, G*H) and returns the
outputs plus what backward needs (empty tensors when ``save`` is false, the inference variant).
Backward is a second op, ``rnnkit::<cell>_backward``, that returns the gradient at ``xw``;
the gradients of ``kernel``, ``bias`` and ``x`` then come from the autograd formula of
``rnnkit::projection``, the input projection x @ kernel + bias.
"""

from __future__ import annotations

import torch

OPS = (
    "rnnkit::simple_rnn_forward",
    "rnnkit::simple_rnn_backward",
    "rnnkit::lstm_forward",
    "rnnkit::lstm_backward",
    "rnnkit::gru_forward",
    "rnnkit::gru_backward",
    "rnnkit::projection",
)


def _saved(xw: torch.Tensor, save: bool, *shape: int) -> torch.Tensor:
    return xw.new_empty(shape if save else (0,))


# ------------------------------------------------------------------ fake (shape-only) kernels


def _simple_rnn_forward_fake(xw, h0, recurrent_kernel, mask, recurrent_mask, activation,
                             zero_output, save):
    B, T, _ = xw.shape
    H = recurrent_kernel.shape[0]
    return (
        xw.new_empty((B, T, H)),
        xw.new_empty((B, H)),
        _saved(xw, save, B, T, H),
        _saved(xw, save, B, T, H),
    )


def _simple_rnn_backward_fake(dy, dh, recurrent_kernel, mask, recurrent_mask, hs, acts, activation,
                              zero_output):
    return torch.empty_like(dy), torch.empty_like(dh), torch.empty_like(recurrent_kernel)


def _lstm_forward_fake(xw, h0, c0, recurrent_kernel, mask, recurrent_mask, activation,
                       recurrent_activation, zero_output, save):
    B, T, _ = xw.shape
    H = recurrent_kernel.shape[0]
    return (
        xw.new_empty((B, T, H)),
        xw.new_empty((B, H)),
        xw.new_empty((B, H)),
        _saved(xw, save, B, T, H),
        _saved(xw, save, B, T, H),
        _saved(xw, save, B, T, 5 * H),
    )


def _lstm_backward_fake(dy, dh, dc, recurrent_kernel, mask, recurrent_mask, hs, cs, gates,
                        activation, recurrent_activation, zero_output):
    B, T, H = dy.shape
    return (
        dy.new_empty((B, T, 4 * H)),
        torch.empty_like(dh),
        torch.empty_like(dc),
        torch.empty_like(recurrent_kernel),
    )


def _gru_forward_fake(xw, h0, recurrent_kernel, recurrent_bias, mask, recurrent_mask, activation,
                      recurrent_activation, reset_after, zero_output, save):
    B, T, _ = xw.shape
    H = recurrent_kernel.shape[0]
    return (
        xw.new_empty((B, T, H)),
        xw.new_empty((B, H)),
        _saved(xw, save, B, T, H),
        _saved(xw, save, B, T, (4 if reset_after else 3) * H),
    )


def _gru_backward_fake(dy, dh, recurrent_kernel, mask, recurrent_mask, hs, gates, activation,
                       recurrent_activation, reset_after, zero_output):
    B, T, H = dy.shape
    return (
        dy.new_empty((B, T, 3 * H)),
        torch.empty_like(dh),
        torch.empty_like(recurrent_kernel),
        dy.new_empty((3 * H,)),
    )


def _projection_fake(x, kernel, bias):
    return x.new_empty((x.shape[0], kernel.shape[1]))


# ------------------------------------------------------------------ autograd


# The saved outputs (states, gates) never receive gradients: without set_materialize_grads(False)
# autograd would fill (B, T, K*H) zeros for them at every backward, to be ignored. Outputs that
# were not used (y or a final state) arrive as None and become zeros here.
def _or_zeros(grad: torch.Tensor | None, like: torch.Tensor) -> torch.Tensor:
    return torch.zeros_like(like) if grad is None else grad


def _simple_rnn_setup(ctx, inputs, output):
    _, _, recurrent_kernel, mask, recurrent_mask, activation, zero_output, _ = inputs
    _, _, hs, acts = output
    ctx.save_for_backward(recurrent_kernel, hs, acts)
    ctx.set_materialize_grads(False)
    ctx.masks = (mask, recurrent_mask)
    ctx.activation, ctx.zero_output = activation, zero_output


def _simple_rnn_backward(ctx, dy, dh, _dhs, _dacts):
    recurrent_kernel, hs, acts = ctx.saved_tensors
    dy, dh = _or_zeros(dy, hs), _or_zeros(dh, hs[:, 0])
    dxw, dh0, du = torch.ops.rnnkit.simple_rnn_backward(
        dy, dh, recurrent_kernel, *ctx.masks, hs, acts, ctx.activation, ctx.zero_output
    )
    return dxw, dh0, du, None, None, None, None, None


def _lstm_setup(ctx, inputs, output):
    (_, _, _, recurrent_kernel, mask, recurrent_mask, activation, recurrent_activation,
     zero_output, _) = inputs
    _, _, _, hs, cs, gates = output
    ctx.save_for_backward(recurrent_kernel, hs, cs, gates)
    ctx.set_materialize_grads(False)
    ctx.masks, ctx.zero_output = (mask, recurrent_mask), zero_output
    ctx.activations = (activation, recurrent_activation)


def _lstm_backward(ctx, dy, dh, dc, _dhs, _dcs, _dgates):
    recurrent_kernel, hs, cs, gates = ctx.saved_tensors
    dy, dh, dc = _or_zeros(dy, hs), _or_zeros(dh, hs[:, 0]), _or_zeros(dc, hs[:, 0])
    dxw, dh0, dc0, du = torch.ops.rnnkit.lstm_backward(
        dy, dh, dc, recurrent_kernel, *ctx.masks, hs, cs, gates, *ctx.activations,
        ctx.zero_output,
    )
    return dxw, dh0, dc0, du, None, None, None, None, None, None


def _gru_setup(ctx, inputs, output):
    (_, _, recurrent_kernel, _, mask, recurrent_mask, activation, recurrent_activation,
     reset_after, zero_output, _) = inputs
    _, _, hs, gates = output
    ctx.save_for_backward(recurrent_kernel, hs, gates)
    ctx.set_materialize_grads(False)
    ctx.masks = (mask, recurrent_mask)
    ctx.zero_output, ctx.reset_after = zero_output, reset_after
    ctx.activations = (activation, recurrent_activation)


def _gru_backward(ctx, dy, dh, _dhs, _dgates):
    recurrent_kernel, hs, gates = ctx.saved_tensors
    dy, dh = _or_zeros(dy, hs), _or_zeros(dh, hs[:, 0])
    dxw, dh0, du, db = torch.ops.rnnkit.gru_backward(
        dy, dh, recurrent_kernel, *ctx.masks, hs, gates, *ctx.activations, ctx.reset_after,
        ctx.zero_output,
    )
    return dxw, dh0, du, db, None, None, None, None, None, None, None


def _projection_setup(ctx, inputs, output):
    x, kernel, bias = inputs
    ctx.save_for_backward(x, kernel)
    ctx.has_bias = bias is not None


def _projection_backward(ctx, dy):
    x, kernel = ctx.saved_tensors
    dx = dkernel = dbias = None
    if ctx.needs_input_grad[0]:
        dx = torch.ops.rnnkit.projection(dy, kernel.t().contiguous(), None)
    if ctx.needs_input_grad[1]:
        dkernel = x.t() @ dy
    if ctx.has_bias and ctx.needs_input_grad[2]:
        dbias = dy.sum(0)
    return dx, dkernel, dbias


def register() -> None:
    """Attach fake kernels and autograd formulas; called once, right after the library loads."""
    fakes = {
        "rnnkit::simple_rnn_forward": _simple_rnn_forward_fake,
        "rnnkit::simple_rnn_backward": _simple_rnn_backward_fake,
        "rnnkit::lstm_forward": _lstm_forward_fake,
        "rnnkit::lstm_backward": _lstm_backward_fake,
        "rnnkit::gru_forward": _gru_forward_fake,
        "rnnkit::gru_backward": _gru_backward_fake,
        "rnnkit::projection": _projection_fake,
    }
    for name, fake in fakes.items():
        torch.library.register_fake(name)(fake)
    torch.library.register_autograd(
        "rnnkit::simple_rnn_forward", _simple_rnn_backward, setup_context=_simple_rnn_setup
    )
    torch.library.register_autograd(
        "rnnkit::lstm_forward", _lstm_backward, setup_context=_lstm_setup
    )
    torch.library.register_autograd("rnnkit::gru_forward", _gru_backward, setup_context=_gru_setup)
    torch.library.register_autograd(
        "rnnkit::projection", _projection_backward, setup_context=_projection_setup
    )
