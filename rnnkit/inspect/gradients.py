"""``gradient_through_time``: how strongly the loss reaches back to each step's hidden state.

For every recurrent layer call and every step t it gives ``||dLoss/dh_t||``, the total
derivative through all later steps and layers. In a vanilla RNN this norm shrinks roughly
geometrically with the distance between t and the step where the loss is taken, which is why
such networks fail to learn long-range dependencies; gated cells keep it from vanishing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from .. import losses
from .calls import RecurrentCall, recurrent_calls
from .replay import Replay, layer_output, replay
from .trace import direction_of, run_model


@dataclass(frozen=True)
class GradientTrace:
    """``norms[t]`` = ||dLoss/dh_t|| over the batch and units, t in input order (time,)."""

    layer: str
    direction: str  # "forward" or "backward"
    cell: str
    norms: np.ndarray

    def by_distance(self) -> np.ndarray:
        """The norms indexed by distance from the layer's last processed step (0 = last step)."""
        return self.norms[::-1].copy() if self.direction == "forward" else self.norms.copy()


def gradient_through_time(model: torch.nn.Module, x: Any, y: Any, loss: Any = "mse") -> list[GradientTrace]:
    """``||dLoss/dh_t||`` for every step of every recurrent layer call, in call order.

    ``loss`` is a Keras loss name, an ``rnnkit.losses`` loss or ``fn(y_true, y_pred)``, applied
    to the model's output and ``y``. The model runs in inference mode (no dropout). Each
    recurrent layer's output is swapped for a step-by-step replay of the same call (equal to
    float precision), whose hidden states are tensors autograd can differentiate with respect to.
    """
    loss_fn = losses.get(loss)
    runs: list[tuple[RecurrentCall, Replay]] = []

    def differentiable(call: RecurrentCall) -> Any:
        # States that require grad keep every h_t in the graph even if no weight is trainable.
        start = tuple(s.detach().clone().requires_grad_() for s in call.states)
        call = RecurrentCall(call.layer, call.x, call.mask, start)
        run = replay(call)
        runs.append((call, run))
        return layer_output(call, run)

    was_training = model.training
    model.eval()
    try:
        with torch.enable_grad(), recurrent_calls(model, replace=differentiable):
            y_pred = run_model(model, x)
        value = loss_fn(y, y_pred)
        hidden = [h for _, run in runs for h in run.computed_h]
        grads = torch.autograd.grad(value, hidden, allow_unused=True)
    finally:
        model.train(was_training)
    results, start = [], 0
    for call, run in runs:
        steps = len(run.computed_h)
        norms = [0.0 if g is None else float(g.norm()) for g in grads[start : start + steps]]
        start += steps
        if call.layer.go_backwards:
            norms.reverse()
        results.append(GradientTrace(call.layer.name, direction_of(call), call.layer.cell.kind, np.array(norms)))
    return results
