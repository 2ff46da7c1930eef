"""Pooling over time, as Keras's layers of the same names.

``GlobalAveragePooling1D``/``GlobalMaxPooling1D``: ``(B, T, F)`` -> ``(B, F)``;
``MaxPooling1D``/``AveragePooling1D``: windows over time, ``(B, T, F)`` -> ``(B, T_out, F)``.

The global ones turn a whole sequence of recurrent outputs (``return_sequences=True``) into one vector, a
common alternative to the last state for classifying a text. The average skips masked steps (a
padded text averages only its own words); the max ignores the mask, exactly as Keras 3 does.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from .base import Layer
from .convolutional import check_channels_last, check_padding, same_padding, single_int, windowed_length


class _GlobalPooling1D(Layer):
    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        data_format = "channels_last" if data_format is None else data_format
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError(f"{type(self).__name__}: data_format must be 'channels_last' or 'channels_first'; got {data_format!r}")
        self.data_format = data_format
        self.keepdims = bool(keepdims)

    @property
    def steps_axis(self) -> int:
        return 1 if self.data_format == "channels_last" else 2

    def _checked(self, inputs: torch.Tensor) -> torch.Tensor:
        if inputs.dim() != 3:
            raise ValueError(f"{type(self).__name__} {self.name!r}: expected a 3-D input (batch, steps, features); got shape {tuple(inputs.shape)}")
        return inputs

    def compute_mask(self, inputs: Any, mask: Any = None) -> None:
        return None

    def compute_output_shape(self, input_shape: Any) -> Any:
        batch, features = input_shape[0], input_shape[-1] if self.data_format == "channels_last" else input_shape[1]
        if not self.keepdims:
            return (batch, features)
        return (batch, 1, features) if self.data_format == "channels_last" else (batch, features, 1)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


class GlobalAveragePooling1D(_GlobalPooling1D):
    """Mean over time; with a mask, the mean of the unmasked steps only."""

    supports_masking = True

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        axis = self.steps_axis
        inputs = self._checked(inputs)
        if mask is None:
            return inputs.mean(dim=axis, keepdim=self.keepdims)
        keep = mask.to(torch.bool).unsqueeze(2 if axis == 1 else 1)
        total = torch.where(keep, inputs, torch.zeros_like(inputs)).sum(dim=axis, keepdim=self.keepdims)
        return total / keep.to(inputs.dtype).sum(dim=axis, keepdim=self.keepdims)


class GlobalMaxPooling1D(_GlobalPooling1D):
    """Max over time. As in Keras 3 the mask is not applied: padded steps take part in the max."""

    supports_masking = True

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        return self._checked(inputs).amax(dim=self.steps_axis, keepdim=self.keepdims)


class _Pooling1D(Layer):
    """Windows of ``pool_size`` steps every ``strides`` steps: ``(B, T, F)`` -> ``(B, T_out, F)``.

    ``"same"`` pads as TensorFlow does (``total // 2`` in front) and the padding never takes
    part: max pooling pads with ``-inf``, average pooling divides by the real steps only.
    The mask is dropped, as in Keras.
    """

    def __init__(self, pool_size: Any = 2, strides: Any = None, padding: str = "valid", data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        check_channels_last(self, data_format)
        self.pool_size = single_int(self, "pool_size", pool_size)
        self.strides = self.pool_size if strides is None else single_int(self, "strides", strides)
        self.padding = check_padding(self, padding, ("valid", "same"))

    def _padded(self, inputs: torch.Tensor, value: float) -> torch.Tensor:
        if inputs.dim() != 3:
            raise ValueError(f"{type(self).__name__} {self.name!r}: expected a 3-D input (batch, steps, features); got shape {tuple(inputs.shape)}")
        x = inputs.transpose(1, 2)  # (B, F, T)
        if self.padding == "same":
            x = F.pad(x, same_padding(x.shape[-1], self.pool_size, self.strides), value=value)
        return x

    def compute_output_shape(self, input_shape: Any) -> Any:
        steps = windowed_length(input_shape[1], self.pool_size, self.strides, self.padding)
        if steps == 0:
            raise ValueError(f"{type(self).__name__} {self.name!r}: an input of {input_shape[1]} steps is shorter than pool_size {self.pool_size}")
        return (input_shape[0], steps, input_shape[2])

    def compute_mask(self, inputs: Any, mask: Any = None) -> None:
        return None

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "pool_size": [self.pool_size],
            "padding": self.padding,
            "strides": [self.strides],
            "data_format": "channels_last",
        }


class MaxPooling1D(_Pooling1D):
    """The largest value in each window."""

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        x = self._padded(inputs, float("-inf"))
        return F.max_pool1d(x, self.pool_size, self.strides).transpose(1, 2)


class AveragePooling1D(_Pooling1D):
    """The mean of each window's real (unpadded) steps."""

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        x = self._padded(inputs, 0.0)
        means = F.avg_pool1d(x, self.pool_size, self.strides)  # padding counted as zeros here
        if self.padding == "same":
            real = F.avg_pool1d(self._padded(torch.ones_like(inputs[:1, :, :1]), 0.0), self.pool_size, self.strides)
            means = means / real  # the share of each window that is real steps
        return means.transpose(1, 2)
