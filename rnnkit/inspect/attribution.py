"""``gradient_times_input``: which input tokens pushed a model's output, one signed score per step.

For the output ``e_t`` (batch, time, features) of a chosen layer (an ``Embedding``, so ``e_t`` is
token t's vector) and a scalar ``score`` of the model's output, the attribution of step t is
``sum_f dScore/de_tf * e_tf``: the first-order change in the score if token t's vector were
removed. Positive steps pushed the score up (for a classifier's log-probability of its chosen
class: towards that class), negative ones against it.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import torch

from ..layers.base import attach_mask, mask_of
from .trace import run_model


def gradient_times_input(
    model: torch.nn.Module, x: Any, score: Callable[[Any], torch.Tensor], layer: torch.nn.Module
) -> np.ndarray:
    """``(batch, time)`` attribution of ``score(model(x))`` to each step of ``layer``'s output.

    The model runs in inference mode (no dropout). ``layer`` must be called once per model call
    and give a (batch, time, features) tensor.
    """
    outputs: list[torch.Tensor] = []

    def keep(_: torch.nn.Module, __: tuple, output: torch.Tensor) -> torch.Tensor:
        if output.dim() != 3:
            raise ValueError(f"gradient_times_input: layer '{getattr(layer, 'name', layer)}' gives shape "
                             f"{tuple(output.shape)}; expected (batch, time, features)")
        tracked = output.detach().requires_grad_()  # a leaf, so frozen weights still give a gradient
        attach_mask(tracked, mask_of(output))
        outputs.append(tracked)
        return tracked

    was_training = model.training
    model.eval()
    handle = layer.register_forward_hook(keep)
    try:
        with torch.enable_grad():
            value = score(run_model(model, x))
        if len(outputs) != 1:
            raise ValueError(f"gradient_times_input: layer '{getattr(layer, 'name', layer)}' ran {len(outputs)} times in one "
                             "model call; expected once")
        (gradient,) = torch.autograd.grad(value, outputs)
    finally:
        handle.remove()
        model.train(was_training)
    return (gradient * outputs[0]).sum(-1).detach().cpu().numpy()  # (B, T)
