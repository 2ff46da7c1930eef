"""Normalization layers: ``BatchNormalization``, ``LayerNormalization`` and ``Normalization``.

``BatchNormalization`` keeps moving statistics as non-trainable weights, in Keras's order
``gamma, beta, moving_mean, moving_variance``; they stay frozen whatever ``trainable`` says,
and ``trainable=False`` also switches the layer to its moving statistics in training (Keras 3's
rule for fine-tuning). ``Normalization`` is the preprocessing layer: fixed ``mean``/``variance``
or ones learned by ``adapt(data)``, stored as the non-trainable weights ``mean, variance, count``.

All three pass a mask on; ``BatchNormalization`` also uses it in training, so padded steps do
not enter the batch statistics.
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Sequence

import numpy as np
import torch
from torch import nn

from .. import initializers
from .base import Layer

_EPSILON = 1e-7  # Keras's backend.epsilon()


def _describe(layer: Layer) -> str:
    return f"Layer '{layer.name}' ({type(layer).__name__})"


def _axes(layer: Layer, axis: Any, rank: int) -> list[int]:
    """``axis`` (an int or several) as sorted non-negative axes of a rank-``rank`` input, batch excluded."""
    axes = [axis] if isinstance(axis, int) else list(axis)
    resolved = sorted(a % rank if -rank <= a < rank else -1 for a in axes)
    if any(a <= 0 for a in resolved) or len(set(resolved)) != len(resolved):
        raise ValueError(f"{_describe(layer)}: axis {axis!r} must name distinct non-batch axes of a {rank}-D input")
    return resolved


def _frozen(shape: tuple[int, ...], fill: float) -> nn.Parameter:
    return nn.Parameter(torch.full(shape, fill, dtype=torch.get_default_dtype()), requires_grad=False)


class _WithStatistics(Layer):
    """A layer whose statistics weights never train: ``trainable`` only reaches ``trainable_parameters()``."""

    def trainable_parameters(self) -> list[nn.Parameter]:
        raise NotImplementedError

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        for p in self.trainable_parameters():
            p.requires_grad_(self._trainable)


class BatchNormalization(_WithStatistics):
    """``gamma * (x - mean) / sqrt(variance + epsilon) + beta`` per feature of ``axis``.

    In training (and ``trainable``) ``mean``/``variance`` are the batch's biased moments over
    every axis but ``axis`` (masked steps left out) and the moving statistics move by
    ``moving = moving * momentum + batch * (1 - momentum)``; in inference they are the moving ones.
    """

    supports_masking = True

    def __init__(
        self,
        axis: int = -1,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        moving_mean_initializer: Any = "zeros",
        moving_variance_initializer: Any = "ones",
        synchronized: bool = False,
        renorm: bool = False,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        if not isinstance(axis, int):
            raise ValueError(f"{_describe(self)}: axis must be an int; got {axis!r}")
        if renorm:
            raise ValueError(f"{_describe(self)}: renorm=True (batch renormalization) is not supported")
        self.axis = axis
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.synchronized = bool(synchronized)  # one process: nothing to synchronize
        self.initializers = [initializers.get(i) for i in (gamma_initializer, beta_initializer, moving_mean_initializer, moving_variance_initializer)]

    def build(self, input_shape: Any) -> None:
        self._axis = _axes(self, self.axis, len(input_shape))[0]
        features = input_shape[self._axis]
        if features is None:
            raise ValueError(f"{_describe(self)}: axis {self.axis} of the input must be known; got shape {tuple(input_shape)}")
        gamma_init, beta_init, mean_init, variance_init = self.initializers
        self.gamma = self.new_parameter((features,), gamma_init) if self.scale else None
        self.beta = self.new_parameter((features,), beta_init) if self.center else None
        self.moving_mean = _frozen((features,), 0.0)
        self.moving_variance = _frozen((features,), 1.0)
        with torch.no_grad():
            mean_init(self.moving_mean)
            variance_init(self.moving_variance)

    def trainable_parameters(self) -> list[nn.Parameter]:
        return [p for p in (self.gamma, self.beta) if p is not None]

    def _broadcast(self, values: torch.Tensor, rank: int) -> torch.Tensor:
        shape = [1] * rank
        shape[self._axis] = -1
        return values.reshape(shape)

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        if mask is not None and mask.dim() != inputs.dim() - 1:
            raise ValueError(f"{_describe(self)}: the mask must have one axis less than the input; got {tuple(mask.shape)} for {tuple(inputs.shape)}")
        rank = inputs.dim()
        if training and self.trainable:
            mean, variance = self._moments(inputs, mask)
            with torch.no_grad():
                m = self.momentum
                self.moving_mean.copy_(self.moving_mean * m + mean.detach() * (1.0 - m))
                self.moving_variance.copy_(self.moving_variance * m + variance.detach() * (1.0 - m))
        else:
            mean, variance = self.moving_mean, self.moving_variance
        y = (inputs - self._broadcast(mean, rank)) * self._broadcast(torch.rsqrt(variance + self.epsilon), rank)
        if self.gamma is not None:
            y = y * self._broadcast(self.gamma, rank)
        if self.beta is not None:
            y = y + self._broadcast(self.beta, rank)
        return y

    def _moments(self, inputs: torch.Tensor, mask: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
        axes = [a for a in range(inputs.dim()) if a != self._axis]
        if mask is None:
            return inputs.mean(dim=axes), inputs.var(dim=axes, unbiased=False)
        keep = mask.bool().unsqueeze(-1).expand_as(inputs)
        weights = keep.to(inputs.dtype).sum(dim=axes, keepdim=True)
        mean = torch.where(keep, inputs, torch.zeros_like(inputs)).sum(dim=axes, keepdim=True) / (weights + _EPSILON)
        squares = torch.where(keep, inputs - mean, torch.zeros_like(inputs)).square().sum(dim=axes, keepdim=True)
        return mean.flatten(), (squares / (weights + _EPSILON)).flatten()

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "synchronized": self.synchronized,
        }


class LayerNormalization(Layer):
    """``gamma * (x - mean) / sqrt(variance + epsilon) + beta`` with the moments over ``axis``.

    ``gamma``/``beta`` have the shape of the normalized axes (``(F,)`` for the default last axis).
    """

    supports_masking = True

    def __init__(
        self,
        axis: int | Sequence[int] = -1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        rms_scaling: bool = False,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        if rms_scaling:
            raise ValueError(f"{_describe(self)}: rms_scaling=True (deprecated in Keras) is not supported")
        if not isinstance(axis, int) and not (isinstance(axis, (list, tuple)) and all(isinstance(a, int) for a in axis)):
            raise TypeError(f"{_describe(self)}: axis must be an int or a list of ints; got {axis!r}")
        self.axis = axis if isinstance(axis, int) else list(axis)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_initializer = initializers.get(beta_initializer)

    def build(self, input_shape: Any) -> None:
        self._axes = _axes(self, self.axis, len(input_shape))
        shape = tuple(input_shape[a] for a in self._axes)
        if None in shape:
            raise ValueError(f"{_describe(self)}: the normalized axes {self.axis} must be known; got input shape {tuple(input_shape)}")
        self.gamma = self.new_parameter(shape, self.gamma_initializer) if self.scale else None
        self.beta = self.new_parameter(shape, self.beta_initializer) if self.center else None

    def _weight_shape(self, rank: int) -> list[int]:
        shape = [1] * rank
        for a, size in zip(self._axes, (self.gamma if self.gamma is not None else self.beta).shape):
            shape[a] = size
        return shape

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        rank = inputs.dim()
        if self._axes == list(range(rank - len(self._axes), rank)):  # trailing axes: torch's kernel
            return torch.nn.functional.layer_norm(inputs, inputs.shape[rank - len(self._axes):], self.gamma, self.beta, self.epsilon)
        mean = inputs.mean(dim=self._axes, keepdim=True)
        variance = inputs.var(dim=self._axes, unbiased=False, keepdim=True)
        y = (inputs - mean) * torch.rsqrt(variance + self.epsilon)
        if self.gamma is not None:
            y = y * self.gamma.reshape(self._weight_shape(rank))
        if self.beta is not None:
            y = y + self.beta.reshape(self._weight_shape(rank))
        return y

    def get_config(self) -> dict[str, Any]:
        axis = self.axis if isinstance(self.axis, list) else [self.axis]  # Keras writes the built list
        return {**super().get_config(), "axis": axis, "epsilon": self.epsilon, "center": self.center, "scale": self.scale, "rms_scaling": False}


class Normalization(_WithStatistics):
    """``(x - mean) / max(sqrt(variance), 1e-7)`` per entry of the kept ``axis`` (``invert``: the inverse).

    ``axis`` names the axes that keep their own statistics (default the last: one mean per
    feature); ``axis=None`` uses one mean and variance for everything. Without ``mean`` and
    ``variance`` the layer learns them with :meth:`adapt` from an array or an iterable of batches.
    """

    supports_masking = True

    def __init__(self, axis: Any = -1, mean: Any = None, variance: Any = None, invert: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.axis = () if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
        if (mean is None) != (variance is None):
            raise ValueError(f"{_describe(self)}: give both mean and variance, or neither (then call adapt()); got mean={mean!r}, variance={variance!r}")
        if mean is not None and np.shape(mean) != np.shape(variance):
            raise ValueError(f"{_describe(self)}: mean and variance must have the same shape; got {np.shape(mean)} and {np.shape(variance)}")
        if mean is not None and np.ndim(mean) > len(self.axis):
            raise ValueError(f"{_describe(self)}: mean has {np.ndim(mean)} axes, more than the kept axes {self.axis}")
        self.input_mean = None if mean is None else np.asarray(mean, dtype=np.float32)
        self.input_variance = None if variance is None else np.asarray(variance, dtype=np.float32)
        self.invert = bool(invert)

    def build(self, input_shape: Any) -> None:
        rank = len(input_shape)
        if any(not -rank <= a < rank for a in self.axis):
            raise ValueError(f"{_describe(self)}: axis {self.axis} is out of range for inputs of shape {tuple(input_shape)}")
        self._keep = sorted(a % rank for a in self.axis)
        self._reduce = [d for d in range(rank) if d not in self._keep]
        kept = tuple(input_shape[d] for d in self._keep)
        if None in kept:
            raise ValueError(f"{_describe(self)}: the kept axes {self.axis} must be known; got input shape {tuple(input_shape)}")
        self._input_shape = tuple(input_shape)
        self._broadcast_shape = [input_shape[d] if d in self._keep else 1 for d in range(rank)]
        if self.input_mean is None:
            self.mean = _frozen(kept, 0.0)
            self.variance = _frozen(kept, 1.0)
            self.count = nn.Parameter(torch.zeros((), dtype=torch.int64), requires_grad=False)  # int, as Keras
        else:
            self.fixed_mean, self.fixed_variance = (self._expanded(v, rank) for v in (self.input_mean, self.input_variance))

    def _expanded(self, values: np.ndarray, rank: int) -> torch.Tensor:
        """A given mean/variance aligned with the kept axes from the right, then broadcast (Keras)."""
        shape = [1] * rank
        for i, size in enumerate(reversed(values.shape)):
            shape[self._keep[-1 - i]] = size
        return torch.from_numpy(values.reshape(shape)).expand(self._broadcast_shape).to(torch.get_default_dtype())

    def trainable_parameters(self) -> list[nn.Parameter]:
        return []

    def adapt(self, data: Any) -> None:
        """Learn mean and variance (biased) over every axis but the kept ones, from an array or batches."""
        if self.input_mean is not None:
            raise ValueError(f"{_describe(self)}: mean and variance were given, so there is nothing to adapt")
        batches = [data] if isinstance(data, (np.ndarray, torch.Tensor)) else _batches(self, data)
        total_mean = total_variance = None
        count = 0  # samples seen so far, for the running combination of batch moments
        for batch in batches:
            x = torch.as_tensor(np.asarray(batch, dtype=np.float64) if not isinstance(batch, torch.Tensor) else batch, dtype=torch.float64)
            if not self.built:
                self.ensure_built(tuple(x.shape))
            if x.dim() != len(self._input_shape) or any(x.shape[d] != self._input_shape[d] for d in self._keep):
                raise ValueError(f"{_describe(self)}: adapt() got a batch of shape {tuple(x.shape)}; the layer was built for {self._input_shape}")
            mean = x.mean(dim=self._reduce) if self._reduce else x
            variance = x.var(dim=self._reduce, unbiased=False) if self._reduce else torch.zeros_like(x)
            n = math.prod(x.shape[d] for d in self._reduce)
            if total_mean is None:
                total_mean, total_variance, count = mean, variance, n
                continue
            count += n
            w = n / count
            new_mean = total_mean * (1 - w) + mean * w
            total_variance = (total_variance + (total_mean - new_mean) ** 2) * (1 - w) + (variance + (mean - new_mean) ** 2) * w
            total_mean = new_mean
        if total_mean is None:
            raise ValueError(f"{_describe(self)}: adapt() got no data")
        with torch.no_grad():
            self.mean.copy_(total_mean)
            self.variance.copy_(total_variance)  # count stays as it is: Keras 3's adapt leaves it

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        inputs = inputs.to(torch.get_default_dtype()) if not inputs.is_floating_point() else inputs
        if self.input_mean is None:
            mean, variance = self.mean.reshape(self._broadcast_shape), self.variance.reshape(self._broadcast_shape)
        else:
            mean, variance = self.fixed_mean.to(inputs.device), self.fixed_variance.to(inputs.device)
        std = torch.sqrt(variance).clamp(min=_EPSILON)
        return mean + inputs * std if self.invert else (inputs - mean) / std

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "axis": list(self.axis),
            "invert": self.invert,
            "mean": None if self.input_mean is None else self.input_mean.tolist(),
            "variance": None if self.input_variance is None else self.input_variance.tolist(),
        }


def _batches(layer: Layer, data: Any) -> Iterable[Any]:
    if not hasattr(data, "__iter__"):
        raise TypeError(f"{_describe(layer)}: adapt() takes an array, a tensor or an iterable of batches; got {type(data).__name__}")
    for batch in data:
        yield batch[0] if isinstance(batch, tuple) else batch
