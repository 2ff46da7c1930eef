"""Keras's weight constraints: projections applied to a weight after every optimizer step.

A constraint is called on a weight and returns the projected weight (same shape); ``fit`` writes
it back after each update, as Keras's optimizers do. Norms are taken along ``axis`` (Keras's
default 0: for a Dense kernel (inputs, units), each unit's incoming weight vector)::

    MaxNorm(max_value=2, axis=0)        w * clip(n, 0, max_value) / (eps + n)
    MinMaxNorm(min_value=0, max_value=1, rate=1, axis=0)
                                        w * (rate * clip(n, min, max) + (1 - rate) * n) / (eps + n)
    UnitNorm(axis=0)                    w / (eps + n)
    NonNeg()                            w * (w >= 0)

with ``n = sqrt(sum(w ** 2, axis))`` and ``eps = 1e-7`` (Keras's epsilon).
"""

from __future__ import annotations

from typing import Any, Sequence

import torch

from . import keras_objects

EPSILON = 1e-7


class Constraint:
    """Base of every constraint: ``__call__(weight) -> projected weight``."""

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        return w

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Constraint":
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _axis(value: int | Sequence[int]) -> int | tuple[int, ...]:
    return value if isinstance(value, int) else tuple(value)


def _norms(w: torch.Tensor, axis: int | tuple[int, ...]) -> torch.Tensor:
    return w.square().sum(dim=axis, keepdim=True).sqrt()


class MaxNorm(Constraint):
    """Scales down the vectors along ``axis`` whose norm exceeds ``max_value``."""

    def __init__(self, max_value: float = 2.0, axis: int | Sequence[int] = 0):
        self.max_value = float(max_value)
        self.axis = _axis(axis)

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        norms = _norms(w, self.axis)
        return w * (norms.clamp(0.0, self.max_value) / (EPSILON + norms))

    def get_config(self) -> dict[str, Any]:
        return {"max_value": self.max_value, "axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves the norms along ``axis`` into [min_value, max_value] (a fraction ``rate`` of the way)."""

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis: int | Sequence[int] = 0):
        self.min_value, self.max_value, self.rate = float(min_value), float(max_value), float(rate)
        self.axis = _axis(axis)

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        norms = _norms(w, self.axis)
        desired = self.rate * norms.clamp(self.min_value, self.max_value) + (1.0 - self.rate) * norms
        return w * (desired / (EPSILON + norms))

    def get_config(self) -> dict[str, Any]:
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


class UnitNorm(Constraint):
    """Scales the vectors along ``axis`` to unit norm."""

    def __init__(self, axis: int | Sequence[int] = 0):
        self.axis = _axis(axis)

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        return w / (EPSILON + _norms(w, self.axis))

    def get_config(self) -> dict[str, Any]:
        return {"axis": self.axis}


class NonNeg(Constraint):
    """Sets negative entries to zero."""

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        return w * (w >= 0.0).to(w.dtype)


max_norm = MaxNorm
min_max_norm = MinMaxNorm
unit_norm = UnitNorm
non_neg = NonNeg

_CLASSES: dict[str, type[Constraint]] = {cls.__name__: cls for cls in (MaxNorm, MinMaxNorm, UnitNorm, NonNeg)}
_NAMES = {"max_norm": MaxNorm, "min_max_norm": MinMaxNorm, "unit_norm": UnitNorm, "non_neg": NonNeg,
          "maxnorm": MaxNorm, "nonneg": NonNeg, "unitnorm": UnitNorm}


def serialize(constraint: Constraint) -> Any:
    """Keras's file form of a built-in constraint; a user's own one is returned as it is."""
    return keras_objects.serialize(constraint, "keras.constraints", _CLASSES)


def get(identifier: Any) -> Constraint | None:
    """A constraint from None, a Keras name, a Keras config dict, an instance or a callable."""
    return keras_objects.get(identifier, Constraint, _NAMES, _CLASSES, "constraint", "keras.constraints object such as MaxNorm(3)")
