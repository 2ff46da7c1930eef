"""Keras's ``keras.utils.to_categorical`` and ``keras.utils.normalize`` (NumPy in, NumPy out).

``to_categorical`` turns integer class labels of shape ``(n,)`` (or ``(n, 1)``, or any shape)
into one-hot rows of shape ``(..., num_classes)``, float64 as Keras returns them; unlike Keras it
refuses negative labels (NumPy indexing would wrap them silently onto the last classes).
``normalize`` divides by the ``order``-norm along ``axis`` (zero vectors are left as zeros); unlike
Keras, whose NumPy path turns ``axis=0`` into ``-1``, it honours ``axis=0``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch


def _labels(x: Any) -> np.ndarray:
    array = x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"to_categorical: x must hold integer class labels; got an array of dtype {array.dtype}")
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array)) or np.any(array != np.round(array)):
            raise ValueError("to_categorical: x must hold integer class labels; got values with a fractional part (or NaN)")
    return array.astype(np.int64)


def to_categorical(x: Any, num_classes: int | None = None) -> np.ndarray:
    """One-hot rows for the labels in ``x``: shape ``x.shape + (num_classes,)``, a trailing 1 dropped.

    ``num_classes`` defaults to ``max(x) + 1``; labels must lie in ``[0, num_classes)``.
    """
    labels = _labels(x)
    if labels.ndim > 1 and labels.shape[-1] == 1:
        labels = labels.reshape(labels.shape[:-1])
    if num_classes is not None and (isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 1):
        raise ValueError(f"to_categorical: num_classes must be a positive integer; got {num_classes!r}")
    if labels.size == 0 and num_classes is None:
        raise ValueError("to_categorical: x holds no labels, so num_classes cannot be inferred; pass num_classes")
    if labels.size and labels.min() < 0:
        raise ValueError(f"to_categorical: labels must be 0 or greater; got {int(labels.min())}")
    classes = int(labels.max()) + 1 if num_classes is None else int(num_classes)
    if labels.size and labels.max() >= classes:
        raise ValueError(
            f"to_categorical: label {int(labels.max())} is outside num_classes={classes} (labels must be below it)"
        )
    flat = labels.reshape(-1)
    categorical = np.zeros((flat.size, classes))
    categorical[np.arange(flat.size), flat] = 1.0
    return categorical.reshape(labels.shape + (classes,))


def normalize(x: Any, axis: int = -1, order: int | float = 2) -> Any:
    """``x`` divided by its ``order``-norm along ``axis``; a tensor in gives a tensor out."""
    if isinstance(x, torch.Tensor):
        return torch.from_numpy(normalize(x.detach().cpu().numpy(), axis, order)).to(x.device)
    array = np.asarray(x)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"normalize: x must hold numbers; got an array of dtype {array.dtype}")
    if not -array.ndim <= axis < array.ndim:
        raise ValueError(f"normalize: axis {axis} is out of range for an array of rank {array.ndim}")
    norm = np.linalg.norm(array, ord=order, axis=axis, keepdims=True)
    norm[norm == 0] = 1
    return array / norm
