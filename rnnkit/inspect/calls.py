"""Catch every call of a built-in recurrent layer while a model runs, with what went into it.

The layers themselves may run on fused kernels that never show their gates, so
:mod:`rnnkit.inspect` records each call's input, mask and initial states with torch forward hooks
and replays the sequence with the step functions of :mod:`rnnkit.cells`. A hook may also swap the
layer's output for the replayed one, so that gradients flow through tensors we can reach.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import torch

from ..layers.base import attach_mask, mask_of
from ..layers.recurrent import RNN
from ..layers.recurrent_cells import RecurrentCell


@dataclass(frozen=True)
class RecurrentCall:
    """One call of a recurrent layer: ``x`` (B, T, I), ``mask`` (B, T) or None, initial states (B, H)."""

    layer: RNN
    x: torch.Tensor
    mask: torch.Tensor | None
    states: tuple[torch.Tensor, ...]


def recurrent_layers(module: torch.nn.Module) -> list[RNN]:
    """Every recurrent layer inside ``module`` (itself included); refuses cells without known gates."""
    found = [m for m in module.modules() if isinstance(m, RNN)]
    for layer in found:
        if not isinstance(layer.cell, RecurrentCell):
            raise ValueError(
                f"Layer '{layer.name}' runs a custom cell ({type(layer.cell).__name__}); rnnkit.inspect "
                "knows the gates of the built-in cells only (rnnkit.cells.SPECS)"
            )
    if not found:
        raise ValueError(f"{type(module).__name__} '{getattr(module, 'name', '?')}' has no recurrent layer to inspect")
    return found


def _call_of(layer: RNN, args: tuple, kwargs: dict) -> RecurrentCall:
    """Resolve a layer call's arguments the way ``RNN.call`` does (list input, mask, initial state)."""
    inputs, initial_state = args[0], kwargs.get("initial_state")
    if isinstance(inputs, (list, tuple)):
        inputs, initial_state = inputs[0], list(inputs[1:]) or initial_state
    mask = kwargs.get("mask")
    if mask is None:
        mask = mask_of(inputs)
    mask = layer._check_mask(mask, inputs)
    states = layer._initial_states(initial_state, inputs)
    return RecurrentCall(layer, inputs, mask, tuple(states))


@contextmanager
def recurrent_calls(
    module: torch.nn.Module, replace: Callable[[RecurrentCall], Any] | None = None
) -> Iterator[list[RecurrentCall]]:
    """Collect, in call order, every recurrent layer call made inside ``module`` during the block.

    With ``replace``, each layer's output becomes ``replace(call)`` (same structure as the
    layer's own output; the mask the layer attached is carried over). Carried states of
    ``stateful`` layers are put back afterwards, so inspecting a model leaves it as it was.
    """
    layers = recurrent_layers(module)
    calls: list[RecurrentCall] = []
    pending: dict[int, RecurrentCall] = {}
    saved = {id(layer): layer.states for layer in layers}

    def before(layer: RNN, args: tuple, kwargs: dict) -> None:
        call = _call_of(layer, args, kwargs)
        pending[id(layer)] = call
        calls.append(call)

    def after(layer: RNN, args: tuple, kwargs: dict, output: Any) -> Any:
        replaced = replace(pending.pop(id(layer)))
        attach_mask(replaced, mask_of(output))
        return replaced

    handles = [layer.register_forward_pre_hook(before, with_kwargs=True) for layer in layers]
    if replace is not None:
        handles += [layer.register_forward_hook(after, with_kwargs=True) for layer in layers]
    try:
        yield calls
    finally:
        for handle in handles:
            handle.remove()
        for layer in layers:
            layer.states = saved[id(layer)]
