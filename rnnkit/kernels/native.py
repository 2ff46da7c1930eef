"""The native path: torch's own fused recurrent functions (torch.lstm / torch.gru / torch.rnn_*).

On CPU, ``torch.lstm`` runs oneDNN's LSTM; ``torch.gru`` and ``torch.rnn_tanh/relu`` run ATen's
per-step loop. They compute exactly the Keras equations only in a narrow configuration: default
activations (SimpleRNN tanh or relu; LSTM/GRU tanh with sigmoid gates), GRU with reset_after=True,
no mask, no recurrent dropout. Anything else is refused with the reason.

Weights are converted from Keras layout (I, G*H) to torch's (G*H, I), GRU gate blocks reordered from
Keras z, r, h to torch r, z, n, once per change of the weights (:mod:`.torch_layout`).
"""

from __future__ import annotations

from typing import Any

import torch

from .. import activations
from .torch_layout import torch_params


def unsupported_reason(cell: str, x: torch.Tensor, options: dict[str, Any]) -> str | None:
    """Why torch's native function cannot compute this call exactly, or None when it can."""
    if cell not in SEQUENCES:
        return f"torch has no native function for {cell} cells (native: {', '.join(SEQUENCES)})"
    if x.dtype not in (torch.float32, torch.float64):
        return f"native path supports float32 and float64, not {x.dtype}"
    if x.dim() != 3:
        return f"native path needs a (B, T, I) input, got shape {tuple(x.shape)}"
    if cell == "lstm" and torch.is_autocast_enabled("cpu") and not torch.ops.mkldnn._is_mkldnn_bf16_supported():
        return ("under CPU autocast torch.lstm runs oneDNN's bfloat16 kernel, which this CPU lacks "
                "(it needs AVX512-BF16 or AMX)")
    if options.get("mask") is not None:
        return "torch's native RNN functions have no Keras-style mask"
    if options.get("recurrent_mask") is not None:
        return "torch's native RNN functions have no recurrent dropout mask"
    act = activations.name_of(options.get("activation", "tanh"))
    if cell == "simple_rnn":
        if act not in ("tanh", "relu"):
            return f"torch.rnn supports tanh or relu, not {act or 'a custom callable'!r}"
        return None
    ract = activations.name_of(options.get("recurrent_activation", "sigmoid"))
    if act != "tanh" or ract != "sigmoid":
        return (
            f"torch.{cell} is fixed to tanh/sigmoid, not activation={act!r}, "
            f"recurrent_activation={ract!r}"
        )
    if cell == "gru" and not options.get("reset_after", True):
        return "torch.gru computes reset_after=True only"
    return None


def _check(cell: str, x: torch.Tensor, options: dict[str, Any]) -> None:
    reason = unsupported_reason(cell, x, options)
    if reason is not None:
        raise ValueError(f"native {cell}: {reason}")


def _simple_rnn_function(activation: Any):
    return torch.rnn_relu if activations.name_of(activation) == "relu" else torch.rnn_tanh


def _time_order(x: torch.Tensor, go_backwards: bool) -> torch.Tensor:
    return x.flip(1) if go_backwards else x


def simple_rnn_sequence(x, h0, kernel, recurrent_kernel, bias, *, activation="tanh", mask=None,
                        go_backwards=False, zero_output_for_mask=False, recurrent_mask=None):
    _check("simple_rnn", x, {"activation": activation, "mask": mask,
                             "recurrent_mask": recurrent_mask})
    fn = _simple_rnn_function(activation)
    params = torch_params("simple_rnn", kernel, recurrent_kernel, bias)
    y, h = fn(_time_order(x, go_backwards), h0.unsqueeze(0), params, bias is not None, 1, 0.0,
              torch.is_grad_enabled(), False, True)
    return y, (h[0],)


def lstm_sequence(x, h0, c0, kernel, recurrent_kernel, bias, *, activation="tanh",
                  recurrent_activation="sigmoid", mask=None, go_backwards=False,
                  zero_output_for_mask=False, recurrent_mask=None):
    _check("lstm", x, {"activation": activation, "recurrent_activation": recurrent_activation,
                       "mask": mask, "recurrent_mask": recurrent_mask})
    params = torch_params("lstm", kernel, recurrent_kernel, bias)
    y, h, c = torch.lstm(_time_order(x, go_backwards), (h0.unsqueeze(0), c0.unsqueeze(0)), params,
                         bias is not None, 1, 0.0, torch.is_grad_enabled(), False, True)
    return y, (h[0], c[0])


def gru_sequence(x, h0, kernel, recurrent_kernel, bias, *, activation="tanh",
                 recurrent_activation="sigmoid", reset_after=True, mask=None, go_backwards=False,
                 zero_output_for_mask=False, recurrent_mask=None):
    _check("gru", x, {"activation": activation, "recurrent_activation": recurrent_activation,
                      "reset_after": reset_after, "mask": mask, "recurrent_mask": recurrent_mask})
    params = torch_params("gru", kernel, recurrent_kernel, bias)
    y, h = torch.gru(_time_order(x, go_backwards), h0.unsqueeze(0), params, bias is not None, 1,
                     0.0, torch.is_grad_enabled(), False, True)
    return y, (h[0],)


SEQUENCES = {"simple_rnn": simple_rnn_sequence, "lstm": lstm_sequence, "gru": gru_sequence}


def bidirectional_sequence(cell: str, x: torch.Tensor, forward_states: tuple[torch.Tensor, ...],
                           backward_states: tuple[torch.Tensor, ...], forward_weights: tuple,
                           backward_weights: tuple, options: dict[str, Any]):
    """Both directions of a ``Bidirectional`` layer in one torch call (``bidirectional=True``).

    torch runs the backward direction over the reversed time axis itself and hands its outputs
    back in input order, so no reversed copies of the input or the output are made, and one call
    replaces two. ``x`` (B, T, I); the states and ``(kernel, recurrent_kernel, bias)`` of each
    direction as :data:`SEQUENCES` take them; ``options`` as the cell's sequence options.
    Returns ``y`` (B, T, 2H), the forward then the backward units at each input step (Keras's
    ``concat``), and the final states of the forward and of the backward direction.
    """
    _check(cell, x, options)
    params = [*torch_params(cell, *forward_weights), *torch_params(cell, *backward_weights)]
    has_bias, train = forward_weights[2] is not None, torch.is_grad_enabled()
    stacked = [torch.stack([f, b]) for f, b in zip(forward_states, backward_states)]  # (2, B, H)
    if cell == "lstm":
        y, h, c = torch.lstm(x, tuple(stacked), params, has_bias, 1, 0.0, train, True, True)
        return y, (h[0], c[0]), (h[1], c[1])
    function = torch.gru if cell == "gru" else _simple_rnn_function(options.get("activation"))
    y, h = function(x, stacked[0], params, has_bias, 1, 0.0, train, True, True)
    return y, (h[0],), (h[1],)
