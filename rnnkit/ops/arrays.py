"""Making, reshaping, joining, splitting and indexing tensors with NumPy's (and so Keras's) semantics.

Where torch's spelling differs from NumPy's, NumPy wins: ``transpose`` without axes reverses them,
``split`` takes a count of equal parts or the indices to cut at, ``take``/``repeat``/``flip``
with ``axis=None`` act on the flattened tensor (or on every axis), ``pad`` takes NumPy's
``pad_width``, and negative indices count from the end.
"""

from __future__ import annotations

import builtins
from typing import Any, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from .. import backend
from .core import Axis, axes, convert_to_tensor, pair, to_dtype

Shape = int | Sequence[int]


def _shape(shape: Shape) -> tuple[int, ...]:
    return (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)


def _dtype_or_floatx(dtype: Any) -> torch.dtype:
    return to_dtype(backend.floatx() if dtype is None else dtype)


def zeros(shape: Shape, dtype: Any = None) -> torch.Tensor:
    return torch.zeros(_shape(shape), dtype=_dtype_or_floatx(dtype))


def ones(shape: Shape, dtype: Any = None) -> torch.Tensor:
    return torch.ones(_shape(shape), dtype=_dtype_or_floatx(dtype))


def full(shape: Shape, fill_value: Any, dtype: Any = None) -> torch.Tensor:
    """A tensor of ``fill_value``, of ``floatx()`` unless ``dtype`` says (Keras ignores the value's type)."""
    return torch.full(_shape(shape), fill_value, dtype=_dtype_or_floatx(dtype))


def zeros_like(x: Any, dtype: Any = None) -> torch.Tensor:
    x = convert_to_tensor(x)
    return torch.zeros_like(x, dtype=None if dtype is None else to_dtype(dtype))


def ones_like(x: Any, dtype: Any = None) -> torch.Tensor:
    x = convert_to_tensor(x)
    return torch.ones_like(x, dtype=None if dtype is None else to_dtype(dtype))


def arange(start: Any, stop: Any = None, step: Any = None, dtype: Any = None) -> torch.Tensor:
    """``[start, stop)`` by ``step``: ``int32`` for integer bounds, ``floatx()`` if any is a float."""
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    if dtype is None:
        bounds = (start, stop, step)
        dtype = backend.floatx() if any(isinstance(b, (float, np.floating)) for b in bounds) else "int32"
    return torch.arange(start, stop, step, dtype=to_dtype(dtype))


def reshape(x: Any, newshape: Shape) -> torch.Tensor:
    return convert_to_tensor(x).reshape(_shape(newshape))


def concatenate(xs: Sequence[Any], axis: int = 0) -> torch.Tensor:
    return torch.cat([convert_to_tensor(x) for x in xs], dim=axis)


def stack(x: Sequence[Any], axis: int = 0) -> torch.Tensor:
    tensors = [convert_to_tensor(t) for t in x]
    common = tensors[0].dtype
    for t in tensors[1:]:
        common = torch.promote_types(common, t.dtype)
    return torch.stack([t.to(common) for t in tensors], dim=axis)


def expand_dims(x: Any, axis: int | Sequence[int]) -> torch.Tensor:
    """``x`` with a new axis of size 1 at ``axis`` (or at each of several axes of the result)."""
    x = convert_to_tensor(x)
    new = axes(axis, x.dim() + (1 if isinstance(axis, int) else len(axis)))
    shape = list(x.shape)
    for a in sorted(new):
        shape.insert(a, 1)
    return x.reshape(shape)


def squeeze(x: Any, axis: Axis = None) -> torch.Tensor:
    """``x`` without its size-1 axes (all of them, or those named, which must have size 1)."""
    x = convert_to_tensor(x)
    if axis is None:
        return x.squeeze()
    named = axes(axis, x.dim())
    wrong = [a for a in named if x.shape[a] != 1]
    if wrong:
        raise ValueError(f"squeeze: axis {wrong[0]} has size {x.shape[wrong[0]]}, not 1 (shape {tuple(x.shape)})")
    return x.squeeze(named)


def transpose(x: Any, axes: Sequence[int] | None = None) -> torch.Tensor:
    """``x`` with its axes permuted; without ``axes``, reversed (NumPy's ``transpose``)."""
    x = convert_to_tensor(x)
    return x.permute(tuple(reversed(range(x.dim()))) if axes is None else tuple(axes))


def split(x: Any, indices_or_sections: int | Sequence[int], axis: int = 0) -> list[torch.Tensor]:
    """A list of parts of ``x`` along ``axis``: ``n`` equal parts, or cut before each given index."""
    x = convert_to_tensor(x)
    if isinstance(indices_or_sections, (int, np.integer)):
        size = x.shape[axis]
        if indices_or_sections <= 0 or size % indices_or_sections:
            raise ValueError(
                f"split: axis {axis} of size {size} cannot be cut into {indices_or_sections} equal parts; "
                "pass the indices to cut at for unequal parts"
            )
        return list(torch.tensor_split(x, int(indices_or_sections), dim=axis))
    return list(torch.tensor_split(x, [int(i) for i in indices_or_sections], dim=axis))


def tile(x: Any, repeats: int | Sequence[int]) -> torch.Tensor:
    return torch.tile(convert_to_tensor(x), _shape(repeats))


def repeat(x: Any, repeats: Any, axis: int | None = None) -> torch.Tensor:
    """Each element repeated ``repeats`` times along ``axis`` (of the flattened ``x`` when ``axis=None``)."""
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    counts = repeats if isinstance(repeats, (int, np.integer)) else convert_to_tensor(repeats).to(x.device, torch.long)
    return torch.repeat_interleave(x, counts, dim=axis)


def flip(x: Any, axis: Axis = None) -> torch.Tensor:
    x = convert_to_tensor(x)
    return torch.flip(x, axes(axis, x.dim()))


def _fold(positions: np.ndarray, size: int, mode: str) -> np.ndarray:
    """Indices of ``x`` that a reflect/symmetric pad reads for ``positions`` (which run past the ends)."""
    if mode == "reflect":
        if size == 1:
            return np.zeros_like(positions)
        period = 2 * (size - 1)
        folded = np.mod(positions, period)
        return np.where(folded < size, folded, period - folded)
    period = 2 * size
    folded = np.mod(positions, period)
    return np.where(folded < size, folded, period - 1 - folded)


def pad(x: Any, pad_width: Any, mode: str = "constant", constant_values: Any = None) -> torch.Tensor:
    """NumPy's ``pad``: ``pad_width`` as ``((before, after), ...)`` per axis (or one pair, or one int).

    ``mode`` is ``"constant"`` (``constant_values``, default 0), ``"reflect"`` or ``"symmetric"``.
    """
    x = convert_to_tensor(x)
    widths = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (x.dim(), 2))
    if (widths < 0).any():
        raise ValueError(f"pad: pad_width must not be negative; got {np.asarray(pad_width).tolist()}")
    if mode == "constant":
        flat = [int(w) for pair_ in reversed(widths.tolist()) for w in pair_]
        return F.pad(x, flat, value=0 if constant_values is None else constant_values)
    if mode not in ("reflect", "symmetric"):
        raise ValueError(f"pad: mode must be 'constant', 'reflect' or 'symmetric'; got {mode!r}")
    if constant_values is not None:
        raise ValueError(f"pad: constant_values only applies to mode='constant'; got mode={mode!r}")
    for axis, (before, after) in enumerate(widths.tolist()):
        size = x.shape[axis]
        index = _fold(np.arange(-before, size + after), size, mode)
        x = x.index_select(axis, torch.from_numpy(index).to(x.device))
    return x


def slice(inputs: Any, start_indices: Sequence[int], shape: Sequence[int]) -> torch.Tensor:  # noqa: A001 - Keras's name
    """The block of ``inputs`` that starts at ``start_indices`` and has ``shape`` (-1: to the end)."""
    x = convert_to_tensor(inputs)
    if len(start_indices) != x.dim() or len(shape) != x.dim():
        raise ValueError(f"slice: start_indices and shape need one entry per axis ({x.dim()}); got {list(start_indices)} and {list(shape)}")
    index = tuple(
        builtins.slice(int(s), None if int(n) == -1 else int(s) + int(n)) for s, n in zip(start_indices, shape)
    )
    return x[index]


def _wrapped(indices: torch.Tensor, size: int, op: str) -> torch.Tensor:
    indices = indices.long()
    if indices.numel() and (int(indices.min()) < -size or int(indices.max()) >= size):
        raise ValueError(f"{op}: indices must lie in [-{size}, {size}); got values from {int(indices.min())} to {int(indices.max())}")
    return torch.where(indices < 0, indices + size, indices)


def take(x: Any, indices: Any, axis: int | None = None) -> torch.Tensor:
    """Elements of ``x`` at ``indices`` along ``axis`` (of the flattened ``x`` when ``axis=None``).

    The result's shape is ``x.shape[:axis] + indices.shape + x.shape[axis + 1:]``.
    """
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    axis = axes(axis, x.dim())[0]
    index = _wrapped(convert_to_tensor(indices).to(x.device), x.shape[axis], "take")
    picked = x.index_select(axis, index.reshape(-1))
    return picked.reshape(x.shape[:axis] + index.shape + x.shape[axis + 1 :])


def take_along_axis(x: Any, indices: Any, axis: int | None = None) -> torch.Tensor:
    """NumPy's ``take_along_axis``: ``indices`` picks along ``axis`` and broadcasts on the others."""
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    axis = axes(axis, x.dim())[0]
    index = _wrapped(convert_to_tensor(indices).to(x.device), x.shape[axis], "take_along_axis")
    if index.dim() != x.dim():
        raise ValueError(f"take_along_axis: indices need rank {x.dim()} like x; got shape {tuple(index.shape)}")
    return torch.take_along_dim(x, index, dim=axis)


def where(condition: Any, x1: Any = None, x2: Any = None) -> Any:
    """``x1`` where ``condition`` holds, else ``x2``; with neither, the indices where it holds (int32)."""
    condition = convert_to_tensor(condition)
    if x1 is None and x2 is None:
        return tuple(i.to(torch.int32) for i in torch.nonzero(condition, as_tuple=True))
    if x1 is None or x2 is None:
        raise ValueError("where: give both x1 and x2, or neither")
    a, b = pair(x1, x2)
    return torch.where(condition.to(a.device, torch.bool), a, b)


__all__ = [
    "arange", "concatenate", "expand_dims", "flip", "full", "ones", "ones_like", "pad", "repeat",
    "reshape", "slice", "split", "squeeze", "stack", "take", "take_along_axis", "tile", "transpose",
    "where", "zeros", "zeros_like",
]
