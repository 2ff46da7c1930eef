"""``trace(model_or_layer, x)``: every gate and state of every recurrent layer at every step.

Gates (after their activations, Keras's order)::

    SimpleRNN  pre            x_t W + h_{t-1} U + b, before the activation
    LSTM       i, f, c~, o    input, forget, candidate cell, output
    GRU        z, r, h~       update, reset, candidate state
    LayerNormLSTM  i, f, c~, o  as LSTM (each cell kind's ``CellSpec.gate_names``)

States: ``h`` (and ``c`` for the LSTMs) after each step. Every array is (batch, time, units) with the
time axis in input order for both directions, so ``[:, t]`` of a backward layer belongs to input
position t too. At a masked step the states carry over unchanged (as in Keras) and the gates are
NaN: that step computed nothing that was kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from .. import cells
from ..layers.base import to_tensor
from .calls import RecurrentCall, recurrent_calls
from .replay import Replay, replay


@dataclass(frozen=True)
class LayerTrace:
    """The gates and states of one recurrent layer call; ``trace[name]`` gives any of them."""

    layer: str  # the layer's name (``forward_lstm``/``backward_lstm`` inside a Bidirectional)
    direction: str  # "forward" or "backward" (go_backwards)
    cell: str  # the cell kind: "simple_rnn", "lstm", "gru", "layer_norm_lstm"
    gates: dict[str, np.ndarray]  # name -> (batch, time, units)
    states: dict[str, np.ndarray]  # "h" (and "c") -> (batch, time, units)
    mask: np.ndarray | None  # (batch, time), True = a real step
    axes: tuple[str, str, str] = ("batch", "time", "units")

    def __getitem__(self, name: str) -> np.ndarray:
        if name in self.gates:
            return self.gates[name]
        if name in self.states:
            return self.states[name]
        raise KeyError(f"{self.layer} ({self.cell}) has gates {list(self.gates)} and states {list(self.states)}; not {name!r}")

    def names(self) -> list[str]:
        return [*self.gates, *self.states]


def direction_of(call: RecurrentCall) -> str:
    return "backward" if call.layer.go_backwards else "forward"


def in_input_order(steps: list[torch.Tensor], backwards: bool) -> np.ndarray:
    """Per-step (B, H) tensors in processing order -> one (B, T, H) array in input order."""
    stacked = torch.stack(steps, dim=1)
    return (stacked.flip(1) if backwards else stacked).detach().cpu().numpy()


def _layer_trace(call: RecurrentCall, run: Replay) -> LayerTrace:
    kind, backwards = call.layer.cell.kind, call.layer.go_backwards
    spec = cells.spec(kind)
    gates = {
        name: in_input_order([step[k] for step in run.gates], backwards)
        for k, name in enumerate(spec.gate_names)
    }
    states = {
        name: in_input_order([step[k] for step in run.states], backwards)
        for k, name in enumerate(spec.state_names)
    }
    mask = None if call.mask is None else call.mask.cpu().numpy()
    if mask is not None:
        for values in gates.values():
            values[~mask] = np.nan
    return LayerTrace(call.layer.name, direction_of(call), kind, gates, states, mask)


def run_model(model: torch.nn.Module, x: Any) -> Any:
    """Call a model or layer on numpy or torch input (a list for several inputs)."""
    inputs = [to_tensor(v) for v in x] if isinstance(x, (list, tuple)) else to_tensor(x)
    return model(inputs)


def trace(model_or_layer: torch.nn.Module, x: Any) -> list[LayerTrace]:
    """Trace every recurrent layer call made while ``model_or_layer`` runs on ``x``, in call order.

    The model runs in inference mode (no dropout) on its real path, fused kernels included; each
    recurrent layer's call is then replayed from the inputs it really got, so the traced ``h``
    equals the layer's output to float precision.
    """
    was_training = model_or_layer.training
    model_or_layer.eval()
    try:
        with torch.no_grad():
            with recurrent_calls(model_or_layer) as calls:
                run_model(model_or_layer, x)
            return [_layer_trace(call, replay(call)) for call in calls]
    finally:
        model_or_layer.train(was_training)
