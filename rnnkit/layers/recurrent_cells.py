"""Keras cells: the weights of one recurrent step, in Keras layout, and the step itself.

A cell owns ``kernel`` (I, G*H), ``recurrent_kernel`` (H, G*H) and ``bias``; the equations are in
:mod:`rnnkit.cells`. ``cell(x_t, states)`` runs one step the Keras way and returns
``(output, new_states)``; the :class:`~rnnkit.layers.RNN` layer runs whole sequences through
:func:`rnnkit.kernels.run_sequence` instead, which may use a fused kernel.
"""

from __future__ import annotations

from typing import Any, Sequence

import torch

from .. import activations, cells, initializers
from .base import Layer


def _checked_activation(layer_name: str, argument: str, value: Any) -> Any:
    try:
        activations.get(value)
    except ValueError as error:
        raise ValueError(f"Layer '{layer_name}': {argument}: {error}") from None
    return value


def _checked_rate(layer_name: str, argument: str, value: float) -> float:
    if not 0.0 <= float(value) < 1.0:
        raise ValueError(f"Layer '{layer_name}': {argument} must be in [0, 1); got {value!r}")
    return float(value)


class RecurrentCell(Layer):
    """What SimpleRNN, LSTM and GRU cells share: units, activations, initializers, dropout rates."""

    kind: str = ""  # the cell kind: a key of rnnkit.cells.SPECS ('simple_rnn', 'lstm', 'gru', ...)

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        name: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(name=name, **kwargs)
        if not isinstance(units, int) or units <= 0:
            raise ValueError(f"Layer '{self.name}': units must be a positive integer; got {units!r}")
        self.units = units
        self.activation = _checked_activation(self.name, "activation", activation)
        self.recurrent_activation = _checked_activation(
            self.name, "recurrent_activation", recurrent_activation
        )
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.dropout = _checked_rate(self.name, "dropout", dropout)
        self.recurrent_dropout = _checked_rate(self.name, "recurrent_dropout", recurrent_dropout)
        self._init_args = {
            "kernel_initializer": kernel_initializer,
            "recurrent_initializer": recurrent_initializer,
            "bias_initializer": bias_initializer,
        }

    @property
    def gates(self) -> int:
        """G, the gate blocks along the G*H axis of the kernels (from the cell kind's record)."""
        return cells.spec(self.kind).gates

    @property
    def state_size(self) -> list[int]:
        return [self.units]

    @property
    def output_size(self) -> int:
        return self.units

    def bias_shape(self) -> tuple[int, ...]:
        return (self.gates * self.units,)

    def bias_init(self, tensor: torch.Tensor) -> None:
        self.bias_initializer(tensor)

    def build(self, input_shape: Any) -> None:
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f"Layer '{self.name}': the feature size of the input must be known")
        width = self.gates * self.units
        self.kernel = self.new_parameter((input_dim, width), self.kernel_initializer)
        self.recurrent_kernel = self.new_parameter((self.units, width), self.recurrent_initializer)
        self.bias = self.new_parameter(self.bias_shape(), self.bias_init) if self.use_bias else None

    @property
    def input_dim(self) -> int | None:
        return self.kernel.shape[0] if self.built else None

    def sequence_weights(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        return self.kernel, self.recurrent_kernel, self.bias

    def sequence_options(self) -> dict[str, Any]:
        """Keyword options of this cell's sequence function (see rnnkit.recurrence)."""
        return {"activation": self.activation, "recurrent_activation": self.recurrent_activation}

    def call(self, inputs: torch.Tensor, states: Sequence[torch.Tensor] = (), mask: Any = None, training: bool = False) -> Any:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.name_of(self.activation) or self.activation,
            "recurrent_activation": activations.name_of(self.recurrent_activation)
            or self.recurrent_activation,
            "use_bias": self.use_bias,
            **self._init_args,
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
        }

    def extra_repr(self) -> str:
        return f"units={self.units}, name={self.name!r}"


class SimpleRNNCell(RecurrentCell):
    """``h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)``."""

    kind = "simple_rnn"

    def __init__(self, units: int, activation: Any = "tanh", **kwargs: Any):
        kwargs.pop("recurrent_activation", None)  # SimpleRNN has none
        super().__init__(units, activation=activation, **kwargs)

    def sequence_options(self) -> dict[str, Any]:
        return {"activation": self.activation}

    def call(self, inputs, states=(), mask=None, training=False):
        xw = cells.input_projection(inputs, self.kernel, self.bias)
        h = cells.simple_rnn_step(xw, states[0], self.recurrent_kernel, activations.get(self.activation))
        return h, [h]

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["recurrent_activation"]
        return config


class LSTMCell(RecurrentCell):
    """Long short-term memory step; gates i, f, c, o; states [h, c]."""

    kind = "lstm"

    def __init__(self, units: int, unit_forget_bias: bool = True, **kwargs: Any):
        super().__init__(units, **kwargs)
        self.unit_forget_bias = unit_forget_bias

    @property
    def state_size(self) -> list[int]:
        return [self.units, self.units]

    def bias_init(self, tensor: torch.Tensor) -> None:
        self.bias_initializer(tensor)
        if self.unit_forget_bias:
            with torch.no_grad():
                tensor[self.units : 2 * self.units] = 1.0

    def call(self, inputs, states=(), mask=None, training=False):
        xw = cells.input_projection(inputs, self.kernel, self.bias)
        h, c = cells.lstm_step(
            xw,
            states[0],
            states[1],
            self.recurrent_kernel,
            activations.get(self.activation),
            activations.get(self.recurrent_activation),
        )
        return h, [h, c]

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "unit_forget_bias": self.unit_forget_bias}


class GRUCell(RecurrentCell):
    """Gated recurrent unit step; gates z, r, h; ``reset_after`` picks Keras 3's or Keras 2's form."""

    kind = "gru"

    def __init__(self, units: int, reset_after: bool = True, **kwargs: Any):
        super().__init__(units, **kwargs)
        self.reset_after = reset_after

    def bias_shape(self) -> tuple[int, ...]:
        width = 3 * self.units
        return (2, width) if self.reset_after else (width,)

    def sequence_options(self) -> dict[str, Any]:
        return {**super().sequence_options(), "reset_after": self.reset_after}

    def call(self, inputs, states=(), mask=None, training=False):
        input_bias, recurrent_bias = cells.split_gru_bias(self.bias, self.reset_after)
        xw = cells.input_projection(inputs, self.kernel, input_bias)
        h = cells.gru_step(
            xw,
            states[0],
            self.recurrent_kernel,
            recurrent_bias,
            activations.get(self.activation),
            activations.get(self.recurrent_activation),
            self.reset_after,
        )
        return h, [h]

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "reset_after": self.reset_after}
