"""Output shapes found by running a layer, for layers that don't say (Keras's compute_output_spec).

A custom layer written the Keras way often defines only ``build`` and ``call``; to place it in a
functional graph its output shape is needed. The layer runs (in inference mode, without
gradients) on zeros of its input shape twice, with every unknown size set to 1 and then to 2: an
output size that is the same in both runs is known, one that moved with the inputs is None::

    input (None, 7, 5) -> runs on (1, 7, 5) and (2, 7, 5) -> outputs (1, 7, 3), (2, 7, 3) -> (None, 7, 3)
"""

from __future__ import annotations

from typing import Any, Callable

import torch


def _is_shape_list(shapes: Any) -> bool:
    return isinstance(shapes, (list, tuple)) and bool(shapes) and all(isinstance(s, (list, tuple)) for s in shapes)


def _zeros(shapes: Any, dtypes: Any, fill: int, default: torch.dtype) -> Any:
    """Zero tensors of ``shapes`` (one shape or a list of them) with None sizes set to ``fill``."""
    if _is_shape_list(shapes):
        return [_zeros(s, d, fill, default) for s, d in zip(shapes, dtypes if dtypes is not None else [None] * len(shapes))]
    return torch.zeros([fill if d is None else d for d in shapes], dtype=dtypes or default)


def _merge(first: Any, second: Any) -> Any:
    if isinstance(first, list):
        return [_merge(a, b) for a, b in zip(first, second)]
    return tuple(a if a == b else None for a, b in zip(first, second))


def traced_output_shape(
    layer: torch.nn.Module, input_shape: Any, dtypes: Any, default_dtype: torch.dtype,
    shape_of: Callable[[Any], Any], forget_losses: Callable[[], None],
) -> Any:
    """The output shape(s) of ``layer`` for inputs of ``input_shape`` (see the module docstring).

    ``dtypes`` gives the inputs' dtypes (None: ``default_dtype`` floats); ``forget_losses`` drops
    what the runs added to the layer's losses.
    """
    was_training = layer.training
    layer.eval()
    try:
        with torch.no_grad():
            first = shape_of(layer(_zeros(input_shape, dtypes, 1, default_dtype)))
            second = shape_of(layer(_zeros(input_shape, dtypes, 2, default_dtype)))
    finally:
        layer.train(was_training)
        forget_losses()
    return _merge(first, second)
