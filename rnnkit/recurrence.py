"""Whole-sequence recurrences: the time loop around the steps in :mod:`rnnkit.cells`.

One function per cell runs a whole sequence. These are the plain-torch reference paths; the
fused and native paths in :mod:`rnnkit.kernels` take the same arguments and must agree with them.

Shared semantics (Keras 3)::

    x     (B, T, I)  batch-first input
    mask  (B, T)     bool, True = real step. A masked step keeps every state unchanged; its output
                     is the previous step's output (zeros before the first real step), or zeros
                     when ``zero_output_for_mask``.
    go_backwards     steps run from T-1 down to 0 and ``y`` stays in that processing order:
                     ``y[:, k]`` follows ``x[:, T-1-k]``.
    returns          ``y`` (B, T, H) and the tuple of final states (``(h,)``, or ``(h, c)`` for LSTM).
"""

from __future__ import annotations

from typing import Callable, Sequence

import torch

from . import activations
from .cells import gru_step, input_projection, lstm_step, simple_rnn_step, split_gru_bias

States = tuple[torch.Tensor, ...]


def _scan(
    step: Callable[[torch.Tensor, States], tuple[torch.Tensor, States]],
    inputs: torch.Tensor,
    states: States,
    mask: torch.Tensor | None,
    go_backwards: bool,
    zero_output_for_mask: bool,
) -> tuple[torch.Tensor, States]:
    """Run ``step(inputs[:, t], states) -> (output, new_states)`` over time with Keras masking."""
    steps = inputs.shape[1]
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    outputs: list[torch.Tensor] = []
    previous: torch.Tensor | None = None
    for t in order:
        out, new = step(inputs[:, t], states)
        if mask is not None:
            keep = mask[:, t, None]  # (B, 1)
            if previous is None:
                previous = torch.zeros_like(out)
            new = tuple(torch.where(keep, n, s) for n, s in zip(new, states))
            out = torch.where(keep, out, torch.zeros_like(out) if zero_output_for_mask else previous)
        states, previous = new, out
        outputs.append(out)
    return torch.stack(outputs, dim=1), states


def simple_rnn_sequence(
    x: torch.Tensor,
    h0: torch.Tensor,
    kernel: torch.Tensor,
    recurrent_kernel: torch.Tensor,
    bias: torch.Tensor | None,
    *,
    activation: str | activations.Activation = "tanh",
    mask: torch.Tensor | None = None,
    go_backwards: bool = False,
    zero_output_for_mask: bool = False,
    recurrent_mask: torch.Tensor | None = None,
) -> tuple[torch.Tensor, States]:
    act = activations.get(activation)
    xw = input_projection(x, kernel, bias)  # (B, T, H)

    def step(xw_t: torch.Tensor, states: States) -> tuple[torch.Tensor, States]:
        h = simple_rnn_step(xw_t, states[0], recurrent_kernel, act, recurrent_mask)
        return h, (h,)

    return _scan(step, xw, (h0,), mask, go_backwards, zero_output_for_mask)


def lstm_sequence(
    x: torch.Tensor,
    h0: torch.Tensor,
    c0: torch.Tensor,
    kernel: torch.Tensor,
    recurrent_kernel: torch.Tensor,
    bias: torch.Tensor | None,
    *,
    activation: str | activations.Activation = "tanh",
    recurrent_activation: str | activations.Activation = "sigmoid",
    mask: torch.Tensor | None = None,
    go_backwards: bool = False,
    zero_output_for_mask: bool = False,
    recurrent_mask: torch.Tensor | None = None,
) -> tuple[torch.Tensor, States]:
    act, ract = activations.get(activation), activations.get(recurrent_activation)
    xw = input_projection(x, kernel, bias)  # (B, T, 4H)

    def step(xw_t: torch.Tensor, states: States) -> tuple[torch.Tensor, States]:
        h, c = lstm_step(xw_t, states[0], states[1], recurrent_kernel, act, ract, recurrent_mask)
        return h, (h, c)

    return _scan(step, xw, (h0, c0), mask, go_backwards, zero_output_for_mask)


def gru_sequence(
    x: torch.Tensor,
    h0: torch.Tensor,
    kernel: torch.Tensor,
    recurrent_kernel: torch.Tensor,
    bias: torch.Tensor | None,
    *,
    activation: str | activations.Activation = "tanh",
    recurrent_activation: str | activations.Activation = "sigmoid",
    reset_after: bool = True,
    mask: torch.Tensor | None = None,
    go_backwards: bool = False,
    zero_output_for_mask: bool = False,
    recurrent_mask: torch.Tensor | None = None,
) -> tuple[torch.Tensor, States]:
    act, ract = activations.get(activation), activations.get(recurrent_activation)
    input_bias, recurrent_bias = split_gru_bias(bias, reset_after)
    xw = input_projection(x, kernel, input_bias)  # (B, T, 3H)

    def step(xw_t: torch.Tensor, states: States) -> tuple[torch.Tensor, States]:
        h = gru_step(
            xw_t, states[0], recurrent_kernel, recurrent_bias, act, ract, reset_after, recurrent_mask
        )
        return h, (h,)

    return _scan(step, xw, (h0,), mask, go_backwards, zero_output_for_mask)


def custom_cell_sequence(
    cell: Callable[[torch.Tensor, Sequence[torch.Tensor]], tuple[torch.Tensor, Sequence[torch.Tensor]]],
    x: torch.Tensor,
    states: Sequence[torch.Tensor],
    *,
    mask: torch.Tensor | None = None,
    go_backwards: bool = False,
    zero_output_for_mask: bool = False,
) -> tuple[torch.Tensor, States]:
    """The same loop for any Keras-style cell: ``cell(x_t, states) -> (output, new_states)``.

    The output may differ from the first state (as in Keras), so it is tracked separately.
    """

    def step(x_t: torch.Tensor, states: States) -> tuple[torch.Tensor, States]:
        out, new = cell(x_t, states)
        return out, tuple(new)

    return _scan(step, x, tuple(states), mask, go_backwards, zero_output_for_mask)
