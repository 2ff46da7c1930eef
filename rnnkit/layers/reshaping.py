"""Layers that rearrange sequences without weights: repeat, permute, crop, pad, upsample.

``RepeatVector`` is the bridge of Keras's encoder-decoder examples: an encoder's last state
``(B, F)`` becomes ``(B, n, F)``, one copy per decoder step. The others work on the time axis
of ``(B, T, F)`` tensors. As in Keras 3, none of them passes a mask on: a padded sequence's
mask no longer lines up once its steps are moved, repeated or cut.
"""

from __future__ import annotations

from typing import Any, Sequence

import torch
import torch.nn.functional as F

from .base import Layer


def _describe(layer: Layer) -> str:
    return f"Layer '{layer.name}' ({type(layer).__name__})"


def _positive_int(layer: Layer, argument: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{_describe(layer)}: {argument} must be a positive integer; got {value!r}")
    return value


def _pair(layer: Layer, argument: str, value: Any) -> tuple[int, int]:
    """An int ``n`` as ``(n, n)`` or a pair of non-negative ints (Keras's ``standardize_tuple``)."""
    pair = (value, value) if isinstance(value, int) and not isinstance(value, bool) else tuple(value)
    if len(pair) != 2 or any(not isinstance(v, int) or isinstance(v, bool) or v < 0 for v in pair):
        raise ValueError(f"{_describe(layer)}: {argument} must be an int or a pair of non-negative ints; got {value!r}")
    return pair


def _check_rank(layer: Layer, inputs: torch.Tensor, rank: int, what: str) -> None:
    if inputs.dim() != rank:
        raise ValueError(f"{_describe(layer)}: expected a {rank}-D input {what}; got shape {tuple(inputs.shape)}")


class RepeatVector(Layer):
    """``(B, F)`` -> ``(B, n, F)``: the input repeated ``n`` times along a new time axis."""

    def __init__(self, n: int, **kwargs: Any):
        super().__init__(**kwargs)
        self.n = _positive_int(self, "n", n)

    def build(self, input_shape: Any) -> None:
        if len(input_shape) != 2:
            raise ValueError(f"{_describe(self)}: expected a 2-D input (batch, features); got shape {tuple(input_shape)}")

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        _check_rank(self, inputs, 2, "(batch, features)")
        return inputs.unsqueeze(1).expand(-1, self.n, -1).contiguous()

    def compute_output_shape(self, input_shape: Any) -> Any:
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "n": self.n}


class Permute(Layer):
    """Reorders the non-batch axes: ``dims`` is a permutation of ``1..rank-1`` (Keras counts from 1)."""

    def __init__(self, dims: Sequence[int], **kwargs: Any):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(
                f"{_describe(self)}: dims must be a permutation of 1..{len(self.dims)} (the batch axis 0 "
                f"stays first); got {dims!r}"
            )

    def build(self, input_shape: Any) -> None:
        if len(input_shape) != len(self.dims) + 1:
            raise ValueError(f"{_describe(self)}: dims={self.dims} needs a {len(self.dims) + 1}-D input; got shape {tuple(input_shape)}")

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        _check_rank(self, inputs, len(self.dims) + 1, f"for dims={self.dims}")
        return inputs.permute(0, *self.dims)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return (input_shape[0], *(input_shape[d] for d in self.dims))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "dims": list(self.dims)}


class Cropping1D(Layer):
    """``(B, T, F)`` -> ``(B, T - left - right, F)``: drops steps from both ends of the time axis."""

    def __init__(self, cropping: Any = (1, 1), **kwargs: Any):
        super().__init__(**kwargs)
        self.cropping = _pair(self, "cropping", cropping)

    def _length(self, steps: int | None) -> int | None:
        if steps is None:
            return None
        length = steps - sum(self.cropping)
        if length <= 0:
            raise ValueError(f"{_describe(self)}: cropping {self.cropping} leaves no steps of an input with {steps}")
        return length

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        _check_rank(self, inputs, 3, "(batch, steps, features)")
        length = self._length(inputs.shape[1])
        return inputs[:, self.cropping[0] : self.cropping[0] + length]

    def compute_output_shape(self, input_shape: Any) -> Any:
        return (input_shape[0], self._length(input_shape[1]), input_shape[2])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "cropping": list(self.cropping)}


class ZeroPadding1D(Layer):
    """``(B, T, F)`` -> ``(B, left + T + right, F)``: zero steps added at both ends."""

    def __init__(self, padding: Any = 1, data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise ValueError(f"{_describe(self)}: only data_format='channels_last' (batch, steps, features) is supported; got {data_format!r}")
        self.padding = _pair(self, "padding", padding)

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        _check_rank(self, inputs, 3, "(batch, steps, features)")
        return F.pad(inputs, (0, 0, *self.padding))

    def compute_output_shape(self, input_shape: Any) -> Any:
        steps = None if input_shape[1] is None else input_shape[1] + sum(self.padding)
        return (input_shape[0], steps, input_shape[2])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "padding": list(self.padding), "data_format": "channels_last"}


class UpSampling1D(Layer):
    """``(B, T, F)`` -> ``(B, T * size, F)``: every step repeated ``size`` times in place."""

    def __init__(self, size: int = 2, **kwargs: Any):
        super().__init__(**kwargs)
        self.size = _positive_int(self, "size", size)

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        _check_rank(self, inputs, 3, "(batch, steps, features)")
        return inputs.repeat_interleave(self.size, dim=1)

    def compute_output_shape(self, input_shape: Any) -> Any:
        steps = None if input_shape[1] is None else input_shape[1] * self.size
        return (input_shape[0], steps, input_shape[2])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "size": self.size}
