"""``export_program``: ``torch.export`` of a model with its batch axis and unknown time axes left dynamic.

The fused kernels are registered ops with fake kernels (:mod:`rnnkit.kernels.fused_ops`), so the
exported graph keeps each layer's recurrence as one ``rnnkit::<cell>_forward`` node; a compiled or
exported call takes the fused path at every batch size (:func:`rnnkit.kernels.dispatch.preference`).
Masks ride on tensors as Python attributes, which ``torch.export`` (non-strict) follows and
``torch.compile(fullgraph=True)`` cannot: compile ``export_program(model, x).module()`` for a
masked model.
"""

from __future__ import annotations

from typing import Any

import torch

from ..models.model import Model


def _dynamic_axes(model: Model) -> list[dict[int, Any]]:
    batch = torch.export.Dim("batch")
    axes = []
    for i, tensor in enumerate(model.inputs):
        dims: dict[int, Any] = {0: batch}
        if len(tensor.shape) > 1 and tensor.shape[1] is None:
            dims[1] = torch.export.Dim(f"time_{i}")
        axes.append(dims)
    return axes


def export_program(model: Model, *example_inputs: torch.Tensor) -> torch.export.ExportedProgram:
    """The inference graph of a Sequential or functional ``model`` on inputs shaped like ``example_inputs``.

    ``torch.export.save(program, path)`` writes it; ``torch.export.load(path).module()`` runs it
    without rnnkit's Python layers (the fused kernels must be loaded: ``import rnnkit.kernels``
    and ``rnnkit.kernels.build.load()``).
    """
    model.eval()
    axes = _dynamic_axes(model)
    with torch.no_grad():
        if len(example_inputs) == 1:
            return torch.export.export(model, example_inputs, dynamic_shapes=(axes[0],))
        return torch.export.export(model, (list(example_inputs),), dynamic_shapes=(axes,))
