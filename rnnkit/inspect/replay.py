"""Replay one recurrent layer call step by step, keeping every gate and state.

The steps are :mod:`rnnkit.cells`' ``*_step_with_gates`` functions and the time loop is
:func:`rnnkit.recurrence.custom_cell_sequence`, so masks, ``go_backwards`` and
``zero_output_for_mask`` behave exactly as in the layer; only the bookkeeping is added here.
Dropout is not applied: a replay shows the layer in inference mode.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import torch

from .. import activations, cells
from ..layers.recurrent_cells import RecurrentCell
from ..recurrence import custom_cell_sequence
from .calls import RecurrentCall

States = tuple[torch.Tensor, ...]
Step = Callable[[torch.Tensor, States], tuple[States, tuple[torch.Tensor, ...]]]

STATE_NAMES = {"simple_rnn": ("h",), "lstm": ("h", "c"), "gru": ("h",)}


@dataclass(frozen=True)
class Replay:
    """A replayed call, every per-step list in processing order (reversed input order if go_backwards).

    ``y`` (B, T, H) and ``final`` are what the layer itself returns; ``gates[k]`` and
    ``states[k]`` hold step k's gate values and its states after Keras masking; ``computed_h[k]``
    is the hidden state step k computed before masking, the tensor every later use of that
    step's hidden state flows from (so dLoss/dh_t is the gradient with respect to it).
    """

    y: torch.Tensor
    final: States
    gates: list[tuple[torch.Tensor, ...]]
    states: list[States]
    computed_h: list[torch.Tensor]


def _step_function(cell: RecurrentCell) -> tuple[torch.Tensor | None, Step]:
    """The input bias to project with, and ``step(xw_t, states) -> (new_states, gates)``."""
    _, recurrent_kernel, bias = cell.sequence_weights()
    act = activations.get(cell.activation)
    if cell.kind == "simple_rnn":

        def step(xw_t: torch.Tensor, states: States) -> tuple[States, tuple[torch.Tensor, ...]]:
            h, gates = cells.simple_rnn_step_with_gates(xw_t, states[0], recurrent_kernel, act)
            return (h,), gates

        return bias, step
    ract = activations.get(cell.recurrent_activation)
    if cell.kind == "lstm":

        def step(xw_t: torch.Tensor, states: States) -> tuple[States, tuple[torch.Tensor, ...]]:
            h, c, gates = cells.lstm_step_with_gates(xw_t, states[0], states[1], recurrent_kernel, act, ract)
            return (h, c), gates

        return bias, step
    input_bias, recurrent_bias = cells.split_gru_bias(bias, cell.reset_after)

    def step(xw_t: torch.Tensor, states: States) -> tuple[States, tuple[torch.Tensor, ...]]:
        h, gates = cells.gru_step_with_gates(
            xw_t, states[0], recurrent_kernel, recurrent_bias, act, ract, cell.reset_after
        )
        return (h,), gates

    return input_bias, step


def replay(call: RecurrentCall) -> Replay:
    """Run ``call`` again with the reference step math, recording what each step did."""
    layer = call.layer
    input_bias, step = _step_function(layer.cell)
    xw = cells.input_projection(call.x, layer.cell.kernel, input_bias)  # (B, T, G*H)
    gates: list[tuple[torch.Tensor, ...]] = []
    entering: list[States] = []
    computed_h: list[torch.Tensor] = []

    def recorded_step(xw_t: torch.Tensor, states: States) -> tuple[torch.Tensor, States]:
        entering.append(states)  # the previous step's states, after masking
        new, step_gates = step(xw_t, states)
        gates.append(step_gates)
        computed_h.append(new[0])
        return new[0], new

    y, final = custom_cell_sequence(
        recorded_step,
        xw,
        call.states,
        mask=call.mask,
        go_backwards=layer.go_backwards,
        zero_output_for_mask=layer.zero_output_for_mask,
    )
    return Replay(y, final, gates, entering[1:] + [final], computed_h)


def layer_output(call: RecurrentCall, run: Replay) -> Any:
    """What ``call.layer`` returns, built from a replay (``return_sequences``, ``return_state``)."""
    layer = call.layer
    output = run.y if layer.return_sequences else run.y[:, -1]
    return [output, *run.final] if layer.return_state else output
