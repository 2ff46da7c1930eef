"""``Conv1D``: a convolution over time, ``(B, T, C_in)`` -> ``(B, T_out, filters)``.

Placed before a recurrent layer it shortens and enriches the sequence (the "CNN + LSTM" text
classifiers). The kernel has Keras's layout ``(kernel_size, C_in / groups, filters)``, so weights
move between Keras and rnnkit unchanged; the math is ``torch.nn.functional.conv1d`` on the
transposed kernel. Padding follows TensorFlow: ``"same"`` pads ``total // 2`` steps in front and
the rest behind, ``"causal"`` pads ``dilation_rate * (kernel_size - 1)`` steps in front only, so
output step ``t`` sees inputs up to ``t``. As in Keras, the layer drops an incoming mask.
"""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F

from .. import activations, initializers
from .base import Layer
from .core import set_weight_rules, weight_rules_config


def _describe(layer: Layer) -> str:
    return f"Layer '{layer.name}' ({type(layer).__name__})"


def single_int(layer: Layer, argument: str, value: Any) -> int:
    """A positive int from ``n`` or ``(n,)``, Keras's 1-D form of a tuple argument."""
    if isinstance(value, (list, tuple)) and len(value) == 1:
        value = value[0]
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{_describe(layer)}: {argument} must be a positive integer (or a 1-tuple); got {value!r}")
    return value


def same_padding(steps: int, window: int, stride: int) -> tuple[int, int]:
    """TensorFlow's ``"same"`` padding ``(front, back)`` for a window spanning ``window`` steps."""
    total = max((math.ceil(steps / stride) - 1) * stride + window - steps, 0)
    return total // 2, total - total // 2


def windowed_length(steps: int | None, window: int, stride: int, padding: str) -> int | None:
    """Output length of a sliding window (``window`` = the span it covers) for ``valid``/``same``/``causal``."""
    if steps is None:
        return None
    if padding == "valid":
        return max((steps - window) // stride + 1, 0)
    return math.ceil(steps / stride)


def check_padding(layer: Layer, padding: Any, allowed: tuple[str, ...]) -> str:
    value = padding.lower() if isinstance(padding, str) else padding
    if value not in allowed:
        raise ValueError(f"{_describe(layer)}: padding must be one of {list(allowed)}; got {padding!r}")
    return value


def check_channels_last(layer: Layer, data_format: Any) -> None:
    if data_format not in (None, "channels_last"):
        raise ValueError(
            f"{_describe(layer)}: only data_format='channels_last' (batch, steps, channels) is supported; got {data_format!r}"
        )


class Conv1D(Layer):
    """Keras's ``Conv1D`` (channels last): ``activation(conv(x, kernel) + bias)``."""

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
        groups: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        check_channels_last(self, data_format)
        self.filters = single_int(self, "filters", filters)
        self.kernel_size = single_int(self, "kernel_size", kernel_size)
        self.strides = single_int(self, "strides", strides)
        self.dilation_rate = single_int(self, "dilation_rate", dilation_rate)
        self.groups = single_int(self, "groups", groups)
        self.padding = check_padding(self, padding, ("valid", "same", "causal"))
        if self.strides > 1 and self.dilation_rate > 1:
            raise ValueError(f"{_describe(self)}: strides > 1 cannot be combined with dilation_rate > 1; got {self.strides} and {self.dilation_rate}")
        if self.filters % self.groups:
            raise ValueError(f"{_describe(self)}: filters ({self.filters}) must be divisible by groups ({self.groups})")
        try:
            activations.get(activation)
        except ValueError as error:
            raise ValueError(f"{_describe(self)}: activation: {error}") from None
        self.activation = activation
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        set_weight_rules(self, kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)

    @property
    def span(self) -> int:
        """How many input steps one output step sees."""
        return self.dilation_rate * (self.kernel_size - 1) + 1

    def build(self, input_shape: Any) -> None:
        if len(input_shape) != 3 or input_shape[-1] is None:
            raise ValueError(f"{_describe(self)}: expected input (batch, steps, channels) with known channels; got {tuple(input_shape)}")
        channels = input_shape[-1]
        if channels % self.groups:
            raise ValueError(f"{_describe(self)}: input channels ({channels}) must be divisible by groups ({self.groups})")
        self.kernel = self.add_weight(
            (self.kernel_size, channels // self.groups, self.filters), self.kernel_initializer,
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint, name="kernel",
        )
        self.bias = self.add_weight(
            (self.filters,), self.bias_initializer,
            regularizer=self.bias_regularizer, constraint=self.bias_constraint, name="bias",
        ) if self.use_bias else None

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        if inputs.dim() != 3 or inputs.shape[-1] != self.kernel.shape[1] * self.groups:
            raise ValueError(
                f"{_describe(self)} was built for inputs (batch, steps, {self.kernel.shape[1] * self.groups}); "
                f"got shape {tuple(inputs.shape)}"
            )
        x = inputs.transpose(1, 2)  # (B, C_in, T)
        if self.padding == "causal":
            x = F.pad(x, (self.span - 1, 0))
        elif self.padding == "same":
            x = F.pad(x, same_padding(x.shape[-1], self.span, self.strides))
        weight = self.kernel.permute(2, 1, 0)  # (filters, C_in / groups, kernel_size)
        y = F.conv1d(x, weight, self.bias, stride=self.strides, dilation=self.dilation_rate, groups=self.groups)
        return activations.get(self.activation)(y.transpose(1, 2))

    def compute_output_shape(self, input_shape: Any) -> Any:
        steps = windowed_length(input_shape[1], self.span, self.strides, self.padding)
        if steps == 0:
            raise ValueError(f"{_describe(self)}: an input of {input_shape[1]} steps is shorter than the kernel's span {self.span}")
        return (input_shape[0], steps, self.filters)

    def compute_mask(self, inputs: Any, mask: Any = None) -> None:
        return None

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": [self.kernel_size],
            "strides": [self.strides],
            "padding": self.padding,
            "data_format": "channels_last",
            "dilation_rate": [self.dilation_rate],
            "groups": self.groups,
            "activation": activations.name_of(self.activation) or self.activation,
            "use_bias": self.use_bias,
            **weight_rules_config(self, ("kernel", "bias")),
        }
