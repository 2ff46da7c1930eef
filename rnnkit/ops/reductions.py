"""Reductions, scans, sorting and ``softmax``/``one_hot``, with Keras's axis and dtype semantics.

``axis=None`` reduces every axis; ``keepdims`` keeps them as size 1. ``sum`` widens bools and
small integers to 32 bits (``int32``; ``uint32`` for unsigned), ``mean`` of integers is
``floatx()``, ``argmax``/``argmin``/``top_k`` indices are ``int32``, ``max``/``min`` accept
``initial``. ``softmax``/``log_softmax`` may run over several axes at once.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from .. import backend
from .core import Axis, axes, convert_to_tensor, floating, summed_dtype, to_dtype


def sum(x: Any, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:  # noqa: A001 - Keras's name
    x = convert_to_tensor(x)
    dims = axes(axis, x.dim())
    result = torch.sum(x, dim=dims, keepdim=keepdims, dtype=torch.int64 if summed_dtype(x.dtype) == torch.uint32 else None)
    return result.to(summed_dtype(x.dtype))


def mean(x: Any, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:
    x = floating(x)
    return torch.mean(x, dim=axes(axis, x.dim()), keepdim=keepdims)


def _extreme(x: Any, axis: Axis, keepdims: bool, initial: Any, largest: bool) -> torch.Tensor:
    x = convert_to_tensor(x)
    reduce = torch.amax if largest else torch.amin
    result = reduce(x, dim=axes(axis, x.dim()), keepdim=keepdims)
    if initial is None:
        return result
    bound = torch.tensor(initial, dtype=result.dtype, device=result.device)
    return torch.maximum(result, bound) if largest else torch.minimum(result, bound)


def max(x: Any, axis: Axis = None, keepdims: bool = False, initial: Any = None) -> torch.Tensor:  # noqa: A001
    return _extreme(x, axis, keepdims, initial, largest=True)


def min(x: Any, axis: Axis = None, keepdims: bool = False, initial: Any = None) -> torch.Tensor:  # noqa: A001
    return _extreme(x, axis, keepdims, initial, largest=False)


def _arg(x: Any, axis: int | None, keepdims: bool, largest: bool) -> torch.Tensor:
    x = convert_to_tensor(x)
    find = torch.argmax if largest else torch.argmin
    if axis is None:
        index = find(x.reshape(-1))
        return (index.reshape([1] * x.dim()) if keepdims else index).to(torch.int32)
    return find(x, dim=axis, keepdim=keepdims).to(torch.int32)


def argmax(x: Any, axis: int | None = None, keepdims: bool = False) -> torch.Tensor:
    """Index of the largest value (the first one on ties), as ``int32``; of the flattened ``x`` when ``axis=None``."""
    return _arg(x, axis, keepdims, largest=True)


def argmin(x: Any, axis: int | None = None, keepdims: bool = False) -> torch.Tensor:
    return _arg(x, axis, keepdims, largest=False)


def cumsum(x: Any, axis: int | None = None, dtype: Any = None) -> torch.Tensor:
    """Running sums along ``axis`` (of the flattened ``x`` when ``axis=None``)."""
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    target = summed_dtype(x.dtype) if dtype is None else to_dtype(dtype)
    return torch.cumsum(x, dim=axis, dtype=torch.int64 if target == torch.uint32 else None).to(target)


def sort(x: Any, axis: int | None = -1) -> torch.Tensor:
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    return torch.sort(x, dim=axis, stable=True).values


def top_k(x: Any, k: int, sorted: bool = True) -> tuple[torch.Tensor, torch.Tensor]:  # noqa: A002 - Keras's name
    """The ``k`` largest values over the last axis and their ``int32`` indices, largest first.

    Equal values come in index order (TensorFlow's order), whatever ``sorted`` says.
    """
    x = convert_to_tensor(x)
    if not 0 < k <= x.shape[-1]:
        raise ValueError(f"top_k: k must be between 1 and the last axis's size {x.shape[-1]}; got {k}")
    values, indices = torch.sort(x, dim=-1, descending=True, stable=True)
    return values[..., :k], indices[..., :k].to(torch.int32)


def softmax(x: Any, axis: Axis = -1) -> torch.Tensor:
    """``exp(x) / sum(exp(x))`` over ``axis`` (an int or several axes taken together)."""
    x = floating(x)
    if isinstance(axis, int):
        return torch.softmax(x, dim=axis)
    dims = axes(axis, x.dim())
    shifted = torch.exp(x - torch.amax(x, dim=dims, keepdim=True))
    return shifted / shifted.sum(dim=dims, keepdim=True)


def log_softmax(x: Any, axis: Axis = -1) -> torch.Tensor:
    x = floating(x)
    if isinstance(axis, int):
        return torch.log_softmax(x, dim=axis)
    dims = axes(axis, x.dim())
    return x - torch.logsumexp(x, dim=dims, keepdim=True)


def one_hot(x: Any, num_classes: int, axis: int = -1, dtype: Any = None, sparse: bool = False) -> torch.Tensor:
    """A new axis ``axis`` of size ``num_classes`` with 1 at each label; labels outside ``[0, num_classes)`` give zeros."""
    if sparse:
        raise ValueError("one_hot: rnnkit has no sparse tensors; pass sparse=False")
    if not isinstance(num_classes, int) or num_classes < 1:
        raise ValueError(f"one_hot: num_classes must be a positive integer; got {num_classes!r}")
    labels = convert_to_tensor(x).long()
    inside = (labels >= 0) & (labels < num_classes)
    coded = F.one_hot(torch.where(inside, labels, 0), num_classes) * inside.unsqueeze(-1)
    coded = coded.to(to_dtype(backend.floatx() if dtype is None else dtype))
    return torch.movedim(coded, -1, axis) if axis != -1 else coded


__all__ = ["argmax", "argmin", "cumsum", "log_softmax", "max", "mean", "min", "one_hot", "softmax", "sort", "sum", "top_k"]
