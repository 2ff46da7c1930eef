"""Replay one recurrent layer call step by step, keeping every gate and state.

The input projection and step are the ones the cell's :class:`~rnnkit.cells.CellSpec` gives the
reference path, and the time loop is :func:`rnnkit.recurrence.custom_cell_sequence`, so masks,
``go_backwards`` and ``zero_output_for_mask`` behave exactly as in the layer; only the bookkeeping
is added here. A cell whose kind has no record is refused.
Dropout is not applied: a replay shows the layer in inference mode.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from .. import cells
from ..recurrence import custom_cell_sequence
from .calls import RecurrentCall

States = tuple[torch.Tensor, ...]


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


def replay(call: RecurrentCall) -> Replay:
    """Run ``call`` again with the reference step math, recording what each step did."""
    layer = call.layer
    try:
        spec = cells.spec(layer.cell.kind)
    except ValueError as error:
        raise ValueError(f"Layer '{layer.name}': cannot replay its cell: {error}") from None
    weights = tuple(layer.cell.sequence_weights())
    options = spec.with_defaults(layer.cell.sequence_options())
    xw = spec.project(call.x, weights, options)  # (B, T, G*H)
    step = spec.make_step(weights, options, None)
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
