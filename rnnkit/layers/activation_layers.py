"""Activation functions as layers (Keras's ``ReLU``, ``LeakyReLU``, ``PReLU``, ``ELU``, ``Softmax``).

Each works elementwise (``Softmax`` along ``axis``), keeps the input's shape and passes a mask
on. ``Softmax`` also takes a mask of its own: masked entries get ``-1e9`` before the softmax and
exactly 0 after it, so a fully masked row is all zeros, as in Keras.
"""

from __future__ import annotations

from typing import Any, Sequence

import torch
import torch.nn.functional as F

from .. import initializers
from .base import Layer

_LARGE_NEGATIVE = -1e9  # Keras's fill for masked scores in float32


def _describe(layer: Layer) -> str:
    return f"Layer '{layer.name}' ({type(layer).__name__})"


def _non_negative(layer: Layer, argument: str, value: Any) -> float:
    if value is None or float(value) < 0.0:
        raise ValueError(f"{_describe(layer)}: {argument} must be a number >= 0; got {value!r}")
    return float(value)


class ReLU(Layer):
    """``x`` above ``threshold`` (clipped to ``max_value``), ``negative_slope * (x - threshold)`` below.

    The same composition as Keras's ``relu``: with ``threshold`` 0 and no ``max_value`` it is a
    leaky ReLU; otherwise ``relu`` with a threshold, clipped, minus the slope times the part below.
    """

    supports_masking = True

    def __init__(self, max_value: float | None = None, negative_slope: float = 0.0, threshold: float = 0.0, **kwargs: Any):
        super().__init__(**kwargs)
        self.max_value = None if max_value is None else _non_negative(self, "max_value", max_value)
        self.negative_slope = _non_negative(self, "negative_slope", negative_slope)
        self.threshold = _non_negative(self, "threshold", threshold)

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        slope, threshold = self.negative_slope, self.threshold
        if slope and self.max_value is None and not threshold:
            return F.leaky_relu(inputs, slope)
        below = F.relu(threshold - inputs) if slope else None
        x = torch.where(inputs > threshold, inputs, torch.zeros_like(inputs)) if threshold else F.relu(inputs)
        if self.max_value is not None:
            x = x.clamp(0.0, self.max_value)
        return x - slope * below if slope else x

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "max_value": self.max_value,
            "negative_slope": self.negative_slope,
            "threshold": self.threshold,
        }


class LeakyReLU(Layer):
    """``x`` for ``x >= 0``, ``negative_slope * x`` below (Keras 3's default slope is 0.3)."""

    supports_masking = True

    def __init__(self, negative_slope: float = 0.3, **kwargs: Any):
        if "alpha" in kwargs:  # the Keras 2 name, still accepted by Keras 3
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        self.negative_slope = _non_negative(self, "negative_slope", negative_slope)

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        return F.leaky_relu(inputs, self.negative_slope)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "negative_slope": self.negative_slope}


class PReLU(Layer):
    """A leaky ReLU whose slope ``alpha`` is learned, one per input entry.

    ``alpha`` has the input's shape without the batch axis, with 1 on ``shared_axes`` (Keras
    counts axes from the batch axis 0): ``(T, F)`` for ``(B, T, F)``, ``(1, F)`` with
    ``shared_axes=[1]``.
    """

    supports_masking = True

    def __init__(self, alpha_initializer: Any = "zeros", shared_axes: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        if shared_axes is None:
            self.shared_axes = None
        else:
            self.shared_axes = [shared_axes] if isinstance(shared_axes, int) else list(shared_axes)

    def build(self, input_shape: Any) -> None:
        shape = list(input_shape[1:])
        for axis in self.shared_axes or []:
            if not 1 <= axis < len(input_shape):
                raise ValueError(f"{_describe(self)}: shared_axes {self.shared_axes} must be in 1..{len(input_shape) - 1}")
            shape[axis - 1] = 1
        if None in shape:
            raise ValueError(
                f"{_describe(self)}: alpha needs every non-shared axis known; got input shape {tuple(input_shape)} "
                "(share the unknown axes with shared_axes=)"
            )
        self.alpha = self.new_parameter(tuple(shape), self.alpha_initializer)

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        return F.relu(inputs) - self.alpha * F.relu(-inputs)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "shared_axes": self.shared_axes}


class ELU(Layer):
    """``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` below."""

    supports_masking = True

    def __init__(self, alpha: float = 1.0, **kwargs: Any):
        super().__init__(**kwargs)
        self.alpha = float(alpha)

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        return F.elu(inputs, self.alpha)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "alpha": self.alpha}


class Softmax(Layer):
    """Softmax along ``axis`` (an int or several axes); ``mask`` broadcasts against the input.

    Called on a masked sequence in a model, the sequence's mask is the mask used (as in Keras),
    so it must broadcast against the input: right-aligned, each axis 1 or equal.
    """

    supports_masking = True

    def __init__(self, axis: int | Sequence[int] = -1, **kwargs: Any):
        super().__init__(**kwargs)
        self.axis = axis if isinstance(axis, int) else [int(a) for a in axis]

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        if mask is not None:
            mask = self._checked_mask(inputs, mask)
            inputs = torch.where(mask, inputs, torch.full_like(inputs, _LARGE_NEGATIVE))
        if isinstance(self.axis, int):
            outputs = torch.softmax(inputs, dim=self.axis)
        else:
            outputs = torch.exp(inputs - torch.logsumexp(inputs, dim=self.axis, keepdim=True))
        if mask is not None:
            outputs = torch.where(mask, outputs, torch.zeros_like(outputs))
        return outputs

    def _checked_mask(self, inputs: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        fits = mask.dim() <= inputs.dim() and all(
            m in (1, i) for m, i in zip(reversed(mask.shape), reversed(inputs.shape))
        )
        if not fits:
            raise ValueError(
                f"{_describe(self)}: the mask must broadcast to the input (right-aligned, each axis 1 or "
                f"equal); got mask shape {tuple(mask.shape)} for input shape {tuple(inputs.shape)}"
            )
        return mask if mask.dtype == torch.bool else mask > 0.5

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}
