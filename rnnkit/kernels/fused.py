"""The fused path: whole-sequence C++ kernels with the signatures of :mod:`rnnkit.recurrence`.

The input projection for all steps is one matrix product (``rnnkit::projection``, whose autograd
gives the gradients of ``x``, ``kernel`` and the input bias); the sequence op then runs the time
loop (one matrix product per step, all gate math in one pass over B*H) and its own backward
through time.
``go_backwards`` flips the input (and mask) in time, which keeps the outputs in processing order.
"""

from __future__ import annotations

from typing import Any

import torch

from .. import activations
from ..cells import split_gru_bias
from . import build
from .activation_codes import ACTIVATION_CODES
ACTIVATIONS = ("tanh", "relu")
RECURRENT_ACTIVATIONS = ("sigmoid", "hard_sigmoid")


def unsupported_reason(cell: str, x: torch.Tensor, options: dict[str, Any]) -> str | None:
    """Why the fused kernels cannot run this call exactly, or None when they can."""
    if cell not in SEQUENCES:
        return f"no fused kernel for {cell} cells (fused: {', '.join(SEQUENCES)})"
    if x.device.type != "cpu":
        return f"fused kernels run on CPU only (input is on {x.device})"
    if x.dtype not in (torch.float32, torch.float64):
        return f"fused kernels support float32 and float64, not {x.dtype}"
    if torch.is_autocast_enabled("cpu"):
        return "CPU autocast (mixed precision) is on, and the fused kernels compute in float32 and float64 only"
    if x.dim() != 3 or x.shape[1] == 0:
        return f"fused kernels need a (B, T>0, I) input, got shape {tuple(x.shape)}"
    act = activations.name_of(options.get("activation", "tanh"))
    if act not in ACTIVATIONS:
        return f"activation {act or 'custom callable'!r} is not fused (fused: {ACTIVATIONS})"
    if cell != "simple_rnn":
        ract = activations.name_of(options.get("recurrent_activation", "sigmoid"))
        if ract not in RECURRENT_ACTIVATIONS:
            return (
                f"recurrent_activation {ract or 'custom callable'!r} is not fused "
                f"(fused: {RECURRENT_ACTIVATIONS})"
            )
    return None


def _code(activation: Any) -> int:
    return ACTIVATION_CODES[activations.name_of(activation)]


def _prepare(cell: str, x: torch.Tensor, mask: torch.Tensor | None, go_backwards: bool,
             options: dict[str, Any]) -> tuple[torch.Tensor, torch.Tensor | None]:
    reason = unsupported_reason(cell, x, options)
    if reason is not None:
        raise ValueError(f"fused {cell}: {reason}")
    build.require()
    if mask is not None:
        mask = mask.to(torch.bool)
    if go_backwards:
        x = x.flip(1)
        mask = None if mask is None else mask.flip(1)
    return x, mask


def _project(x: torch.Tensor, kernel: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
    """x @ kernel + bias for all steps as one product: (B, T, I) -> (B, T, G*H)."""
    B, T, I = x.shape
    xw = torch.ops.rnnkit.projection(x.reshape(B * T, I), kernel, bias)
    return xw.view(B, T, kernel.shape[1])


def _save(*tensors: torch.Tensor) -> bool:
    return torch.is_grad_enabled() and any(t.requires_grad for t in tensors)


def simple_rnn_sequence(x, h0, kernel, recurrent_kernel, bias, *, activation="tanh", mask=None,
                        go_backwards=False, zero_output_for_mask=False, recurrent_mask=None):
    options = {"activation": activation, "recurrent_mask": recurrent_mask}
    x, mask = _prepare("simple_rnn", x, mask, go_backwards, options)
    xw = _project(x, kernel, bias)  # (B, T, H)
    y, h, _, _ = torch.ops.rnnkit.simple_rnn_forward(
        xw, h0, recurrent_kernel, mask, recurrent_mask, _code(activation), zero_output_for_mask,
        _save(xw, h0, recurrent_kernel),
    )
    return y, (h,)


def lstm_sequence(x, h0, c0, kernel, recurrent_kernel, bias, *, activation="tanh",
                  recurrent_activation="sigmoid", mask=None, go_backwards=False,
                  zero_output_for_mask=False, recurrent_mask=None):
    options = {"activation": activation, "recurrent_activation": recurrent_activation,
               "recurrent_mask": recurrent_mask}
    x, mask = _prepare("lstm", x, mask, go_backwards, options)
    xw = _project(x, kernel, bias)  # (B, T, 4H)
    y, h, c, _, _, _ = torch.ops.rnnkit.lstm_forward(
        xw, h0, c0, recurrent_kernel, mask, recurrent_mask, _code(activation),
        _code(recurrent_activation), zero_output_for_mask, _save(xw, h0, c0, recurrent_kernel),
    )
    return y, (h, c)


def gru_sequence(x, h0, kernel, recurrent_kernel, bias, *, activation="tanh",
                 recurrent_activation="sigmoid", reset_after=True, mask=None, go_backwards=False,
                 zero_output_for_mask=False, recurrent_mask=None):
    options = {"activation": activation, "recurrent_activation": recurrent_activation,
               "recurrent_mask": recurrent_mask}
    x, mask = _prepare("gru", x, mask, go_backwards, options)
    input_bias, recurrent_bias = split_gru_bias(bias, reset_after)
    if recurrent_bias is None:
        recurrent_bias = x.new_zeros(recurrent_kernel.shape[1])
    xw = _project(x, kernel, input_bias)  # (B, T, 3H)
    y, h, _, _ = torch.ops.rnnkit.gru_forward(
        xw, h0, recurrent_kernel, recurrent_bias, mask, recurrent_mask, _code(activation),
        _code(recurrent_activation), reset_after, zero_output_for_mask,
        _save(xw, h0, recurrent_kernel, recurrent_bias),
    )
    return y, (h,)


SEQUENCES = {"simple_rnn": simple_rnn_sequence, "lstm": lstm_sequence, "gru": gru_sequence}
