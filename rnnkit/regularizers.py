"""Keras's weight regularizers: penalties on a weight's values, added to the training loss.

A regularizer is called on a weight (any shape) and returns a scalar tensor::

    L1(l1)         l1 * sum(|w|)
    L2(l2)         l2 * sum(w ** 2)
    L1L2(l1, l2)   both
    OrthogonalRegularizer(factor, mode)
                   factor * mean over pairs i < j of |<v_i, v_j>|, with v the rows ("rows") or
                   columns ("columns") of a 2-D weight scaled to unit length

A layer takes them as ``kernel_regularizer=``, ``bias_regularizer=``, ... (``activity_regularizer=``
applies one to the layer's outputs); ``layer.losses`` holds the penalties, and ``fit`` and
``evaluate`` add their sum to the loss, as Keras does.
"""

from __future__ import annotations

from typing import Any

import torch

from . import keras_objects


class Regularizer:
    """Base of every regularizer: ``__call__(weight) -> scalar tensor``."""

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Regularizer":
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _factor(owner: str, name: str, value: Any) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{owner}: {name} must be a number; got {value!r}") from None
    if value < 0.0 or value != value:
        raise ValueError(f"{owner}: {name} must be a non-negative number; got {value!r}")
    return value


class L1L2(Regularizer):
    """``l1 * sum(|w|) + l2 * sum(w ** 2)``."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        self.l1 = _factor("L1L2", "l1", l1)
        self.l2 = _factor("L1L2", "l2", l2)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        penalty = x.new_zeros(())
        if self.l1:
            penalty = penalty + self.l1 * x.abs().sum()
        if self.l2:
            penalty = penalty + self.l2 * x.square().sum()
        return penalty

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """``l1 * sum(|w|)``."""

    def __init__(self, l1: float = 0.01):
        self.l1 = _factor("L1", "l1", l1)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.l1 * x.abs().sum()

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1}


class L2(Regularizer):
    """``l2 * sum(w ** 2)``."""

    def __init__(self, l2: float = 0.01):
        self.l2 = _factor("L2", "l2", l2)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.l2 * x.square().sum()

    def get_config(self) -> dict[str, Any]:
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (or columns) of a 2-D weight towards being orthogonal (see the module docstring)."""

    def __init__(self, factor: float = 0.01, mode: str = "rows"):
        self.factor = _factor("OrthogonalRegularizer", "factor", factor)
        if mode not in ("rows", "columns"):
            raise ValueError(f"OrthogonalRegularizer: mode must be 'rows' or 'columns'; got {mode!r}")
        self.mode = mode

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 2:
            raise ValueError(f"OrthogonalRegularizer needs a 2-D weight; got shape {tuple(x.shape)}")
        vectors = x if self.mode == "rows" else x.T
        vectors = torch.nn.functional.normalize(vectors, dim=1, eps=1e-12)
        product = vectors @ vectors.T  # (n, n)
        size = product.shape[0]
        if size < 2:
            return x.new_zeros(())
        off_diagonal = product * (1.0 - torch.eye(size, dtype=x.dtype, device=x.device))
        pairs = size * (size - 1.0) / 2.0
        return self.factor * 0.5 * off_diagonal.abs().sum() / pairs

    def get_config(self) -> dict[str, Any]:
        return {"factor": self.factor, "mode": self.mode}


l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer

_CLASSES: dict[str, type[Regularizer]] = {cls.__name__: cls for cls in (L1, L2, L1L2, OrthogonalRegularizer)}
_NAMES = {"l1": L1, "l2": L2, "l1_l2": L1L2, "l1l2": L1L2, "orthogonal_regularizer": OrthogonalRegularizer}


def serialize(regularizer: Regularizer) -> Any:
    """Keras's file form of a built-in regularizer; a user's own one is returned as it is."""
    return keras_objects.serialize(regularizer, "keras.regularizers", _CLASSES)


def get(identifier: Any) -> Regularizer | None:
    """A regularizer from None, a Keras name, a Keras config dict, an instance or a callable."""
    return keras_objects.get(identifier, Regularizer, _NAMES, _CLASSES, "regularizer", "keras.regularizers object such as L2(0.01)")
