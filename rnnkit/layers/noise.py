"""Regularization layers that act only in training: ``SpatialDropout1D``, ``GaussianNoise``,
``GaussianDropout``. In inference each returns its input unchanged; all pass a mask on.

``SpatialDropout1D`` drops whole feature channels of a ``(B, T, F)`` sequence (the same
channels at every step), which regularizes the output of an Embedding or Conv1D better than
dropping single entries. The random draws are torch's, so they match Keras in distribution,
not number by number.
"""

from __future__ import annotations

import math
from typing import Any

import torch

from .base import Layer


def _rate(layer: Layer, argument: str, value: Any, top_open: bool) -> float:
    value = float(value)
    if not (0.0 <= value < 1.0 if top_open else 0.0 <= value <= 1.0):
        bound = "[0, 1)" if top_open else "[0, 1]"
        raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}): {argument} must be in {bound}; got {value!r}")
    return value


class SpatialDropout1D(Layer):
    """Zeroes each feature channel of a sample with probability ``rate`` (for all steps) and
    scales the kept ones by ``1 / (1 - rate)``; ``(B, T, F)`` in and out."""

    supports_masking = True

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.rate = _rate(self, "rate", rate, top_open=True)
        self.seed = seed

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        if inputs.dim() != 3:
            raise ValueError(f"Layer '{self.name}' (SpatialDropout1D): expected a 3-D input (batch, steps, features); got shape {tuple(inputs.shape)}")
        if not training or self.rate == 0.0:
            return inputs
        keep = torch.bernoulli(inputs.new_full((inputs.shape[0], 1, inputs.shape[2]), 1.0 - self.rate))
        return inputs * keep / (1.0 - self.rate)

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), "rate": self.rate, "seed": self.seed}
        del config["trainable"]  # Keras's SpatialDropout1D takes no trainable argument
        return config


class GaussianNoise(Layer):
    """Adds zero-mean Gaussian noise of standard deviation ``stddev`` in training."""

    supports_masking = True

    def __init__(self, stddev: float, seed: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.stddev = _rate(self, "stddev", stddev, top_open=False)
        self.seed = seed

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        if not training or self.stddev == 0.0:
            return inputs
        return inputs + torch.randn_like(inputs) * self.stddev

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class GaussianDropout(Layer):
    """Multiplies by Gaussian noise of mean 1 and standard deviation ``sqrt(rate / (1 - rate))`` in training."""

    supports_masking = True

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.rate = _rate(self, "rate", rate, top_open=True)
        self.seed = seed

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        if not training or self.rate == 0.0:
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        return inputs * (1.0 + torch.randn_like(inputs) * stddev)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
