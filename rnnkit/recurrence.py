"""Whole-sequence recurrences: the time loop around the steps in :mod:`rnnkit.cells`.

:func:`cell_sequence` runs any cell kind from its :class:`~rnnkit.cells.CellSpec` (input
projection of all steps, then its step over time); it is the plain-torch reference path, and
:func:`reference` gives it the calling convention of every path in :mod:`rnnkit.kernels`
(``x, *states, *weights, **options``). ``simple_rnn_sequence``, ``lstm_sequence`` and
``gru_sequence`` are the same with each kind's arguments spelled out; the fused and native paths
take those arguments and must agree with them.

Shared semantics (Keras 3)::

    x     (B, T, I)  batch-first input
    mask  (B, T)     bool, True = real step. A masked step keeps every state unchanged; its output
                     is the previous step's output (zeros before the first real step), or zeros
                     when ``zero_output_for_mask``.
    go_backwards     steps run from T-1 down to 0 and ``y`` stays in that processing order:
                     ``y[:, k]`` follows ``x[:, T-1-k]``.
    returns          ``y`` (B, T, H) and the tuple of final states (``(h,)``, or ``(h, c)`` for LSTMs).
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable, Sequence

import torch

from . import activations, cells
from .cells import CellSpec

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


def cell_sequence(
    spec: CellSpec,
    x: torch.Tensor,
    *tensors: torch.Tensor | None,
    mask: torch.Tensor | None = None,
    go_backwards: bool = False,
    zero_output_for_mask: bool = False,
    recurrent_mask: torch.Tensor | None = None,
    **options: Any,
) -> tuple[torch.Tensor, States]:
    """Run cell ``spec`` over ``x``: ``tensors`` are its states then its weights (``spec.weights``)."""
    expected = len(spec.state_names) + len(spec.weights)
    if len(tensors) != expected:
        raise TypeError(
            f"{spec.kind} sequence takes x, then states {list(spec.state_names)} and weights "
            f"{list(spec.weights)} ({expected} tensors); got {len(tensors)}"
        )
    options = spec.with_defaults(options)
    states, weights = tuple(tensors[: len(spec.state_names)]), tuple(tensors[len(spec.state_names) :])
    xw = spec.project(x, weights, options)  # (B, T, G*H)
    step = spec.make_step(weights, options, recurrent_mask)

    def output_step(xw_t: torch.Tensor, states: States) -> tuple[torch.Tensor, States]:
        new, _ = step(xw_t, states)
        return new[0], new

    return _scan(output_step, xw, states, mask, go_backwards, zero_output_for_mask)


def reference(kind: str) -> Callable[..., tuple[torch.Tensor, States]]:
    """The reference path of cell ``kind``: ``f(x, *states, *weights, **options) -> (y, states)``."""
    return partial(cell_sequence, cells.spec(kind))


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
    return cell_sequence(
        cells.SIMPLE_RNN, x, h0, kernel, recurrent_kernel, bias, activation=activation, mask=mask,
        go_backwards=go_backwards, zero_output_for_mask=zero_output_for_mask,
        recurrent_mask=recurrent_mask,
    )


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
    return cell_sequence(
        cells.LSTM, x, h0, c0, kernel, recurrent_kernel, bias, activation=activation,
        recurrent_activation=recurrent_activation, mask=mask, go_backwards=go_backwards,
        zero_output_for_mask=zero_output_for_mask, recurrent_mask=recurrent_mask,
    )


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
    return cell_sequence(
        cells.GRU, x, h0, kernel, recurrent_kernel, bias, activation=activation,
        recurrent_activation=recurrent_activation, reset_after=reset_after, mask=mask,
        go_backwards=go_backwards, zero_output_for_mask=zero_output_for_mask,
        recurrent_mask=recurrent_mask,
    )


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
