"""Global pooling over time: ``(B, T, F)`` -> ``(B, F)``, as Keras's layers of the same names.

They turn a whole sequence of recurrent outputs (``return_sequences=True``) into one vector, a
common alternative to the last state for classifying a text. The average skips masked steps (a
padded text averages only its own words); the max ignores the mask, exactly as Keras 3 does.
"""

from __future__ import annotations

from typing import Any

import torch

from .base import Layer


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
