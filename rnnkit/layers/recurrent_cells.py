"""Keras cells: the weights of one recurrent step, in Keras layout, and the step itself.

A cell owns ``kernel`` (I, G*H), ``recurrent_kernel`` (H, G*H) and ``bias``; the equations are in
:mod:`rnnkit.cells`. ``cell(x_t, states)`` runs one step the Keras way and returns
``(output, new_states)``; the :class:`~rnnkit.layers.RNN` layer runs whole sequences through
:func:`rnnkit.kernels.run_sequence` instead, which may use a fused kernel. Stepped one call at a
time (inside :class:`StackedRNNCells`), a cell with ``dropout`` draws one input mask and one
recurrent mask per sequence, as Keras's cells do; the ``RNN`` layer clears them before each
sequence (:meth:`RecurrentCell.reset_dropout_masks`).
"""

from __future__ import annotations

from typing import Any, Sequence

import torch

from .. import activations, cells, constraints, initializers, regularizers
from .base import Layer, flatten
from .core import weight_rules_config


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


def _checked_rule(layer_name: str, argument: str, getter: Any, value: Any) -> Any:
    try:
        return getter(value)
    except ValueError as error:
        raise ValueError(f"Layer '{layer_name}': {argument}: {error}") from None


class RecurrentCell(Layer):
    """What SimpleRNN, LSTM and GRU cells share: units, activations, initializers, dropout rates."""

    kind: str = ""  # the cell kind: a key of rnnkit.cells.SPECS ('simple_rnn', 'lstm', 'gru', ...)
    casts_integer_inputs = True

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
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
        self.kernel_initializer = _checked_rule(self.name, "kernel_initializer", initializers.get, kernel_initializer)
        self.recurrent_initializer = _checked_rule(
            self.name, "recurrent_initializer", initializers.get, recurrent_initializer
        )
        self.bias_initializer = _checked_rule(self.name, "bias_initializer", initializers.get, bias_initializer)
        for weight in ("kernel", "recurrent", "bias"):
            for kind, getter, value in (
                ("regularizer", regularizers.get, locals()[f"{weight}_regularizer"]),
                ("constraint", constraints.get, locals()[f"{weight}_constraint"]),
            ):
                setattr(self, f"{weight}_{kind}", _checked_rule(self.name, f"{weight}_{kind}", getter, value))
        self.dropout = _checked_rate(self.name, "dropout", dropout)
        self.recurrent_dropout = _checked_rate(self.name, "recurrent_dropout", recurrent_dropout)
        self._init_args = {
            "kernel_initializer": kernel_initializer,
            "recurrent_initializer": recurrent_initializer,
            "bias_initializer": bias_initializer,
        }
        self._dropout_masks: dict[str, torch.Tensor] = {}

    @property
    def gates(self) -> int:
        """G, the gate blocks along the G*H axis of the kernels (from the cell kind's record)."""
        return cells.spec(self.kind).gates

    @property
    def state_size(self) -> int | list[int]:
        """Keras's: an int (one state) for SimpleRNN and GRU cells, ``[units, units]`` for LSTM."""
        return self.units

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
        self.kernel = self.add_weight(
            (input_dim, width), self.kernel_initializer, name="kernel",
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            (self.units, width), self.recurrent_initializer, name="recurrent_kernel",
            regularizer=self.recurrent_regularizer, constraint=self.recurrent_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                self.bias_shape(), self.bias_init, name="bias",
                regularizer=self.bias_regularizer, constraint=self.bias_constraint,
            )

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

    # ----- dropout when stepped one call at a time ----------------------------------------------
    def reset_dropout_masks(self) -> None:
        """Forget the masks of the last sequence (the RNN layer calls this before each sequence)."""
        self._dropout_masks = {}

    def _dropout_mask(self, key: str, like: torch.Tensor, rate: float) -> torch.Tensor:
        mask = self._dropout_masks.get(key)
        if mask is None or mask.shape != like.shape:
            keep = 1.0 - rate
            mask = torch.bernoulli(like.new_full(like.shape, keep)) / keep
            self._dropout_masks[key] = mask
        return mask

    def step_inputs(self, inputs: torch.Tensor, h: torch.Tensor, training: bool) -> tuple[torch.Tensor, torch.Tensor | None]:
        """(inputs after input dropout, recurrent-dropout mask or None) for one step."""
        recurrent_mask = None
        if training and self.dropout > 0:
            inputs = inputs * self._dropout_mask("input", inputs, self.dropout)
        if training and self.recurrent_dropout > 0:
            recurrent_mask = self._dropout_mask("recurrent", h, self.recurrent_dropout)
        return inputs, recurrent_mask

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
            **weight_rules_config(self, ("kernel", "recurrent", "bias")),
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
        inputs, recurrent_mask = self.step_inputs(inputs, states[0], training)
        xw = cells.input_projection(inputs, self.kernel, self.bias)
        h = cells.simple_rnn_step(xw, states[0], self.recurrent_kernel, activations.get(self.activation), recurrent_mask)
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
        inputs, recurrent_mask = self.step_inputs(inputs, states[0], training)
        xw = cells.input_projection(inputs, self.kernel, self.bias)
        h, c = cells.lstm_step(
            xw,
            states[0],
            states[1],
            self.recurrent_kernel,
            activations.get(self.activation),
            activations.get(self.recurrent_activation),
            recurrent_mask,
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
        inputs, recurrent_mask = self.step_inputs(inputs, states[0], training)
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
            recurrent_mask,
        )
        return h, [h]

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "reset_after": self.reset_after}


def check_cell(owner: str, argument: str, cell: Any) -> None:
    """Keras's cell protocol: a Layer with ``state_size`` (an int or a list) and ``call(inputs, states)``."""
    if not isinstance(cell, Layer):
        raise ValueError(
            f"Layer '{owner}': {argument} must be a keras.layers.Layer with a state_size and "
            f"call(inputs, states) -> (output, new_states); got {type(cell).__name__}"
        )
    size = getattr(cell, "state_size", None)
    if size is None:
        raise ValueError(
            f"Layer '{owner}': {argument} ({type(cell).__name__}) has no state_size; a cell sets "
            "self.state_size (an int, or a list of ints for several states) in __init__"
        )
    if not all(isinstance(s, int) and s > 0 for s in flatten(size)):
        raise ValueError(
            f"Layer '{owner}': {argument} ({type(cell).__name__}).state_size must be a positive int or a "
            f"list of them; got {size!r}"
        )


def cell_output_size(cell: Layer) -> int:
    """Keras's rule: ``output_size`` if the cell has one, else the size of its first state."""
    size = getattr(cell, "output_size", None)
    return int(size) if size is not None else int(flatten(cell.state_size)[0])


class StackedRNNCells(Layer):
    """Cells run one after another within each time step: cell i's output is cell i+1's input.

    ``state_size`` lists each cell's own state_size, so the states are nested per cell in the
    order of the cells, as in Keras 3: ``[[h1, c1], [h2, c2]]`` for two LSTM cells, ``[h1, h2]``
    for two cells whose state_size is an int. ``RNN([cell1, cell2])`` builds one of these.
    """

    def __init__(self, cells: Sequence[Layer], **kwargs: Any):
        super().__init__(**kwargs)
        cells = list(cells)
        if not cells:
            raise ValueError(f"Layer '{self.name}' (StackedRNNCells): cells must hold at least one cell; got []")
        for i, cell in enumerate(cells):
            check_cell(self.name, f"cells[{i}]", cell)
        self.cells = torch.nn.ModuleList(cells)

    @property
    def state_size(self) -> list[Any]:
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self) -> int:
        return cell_output_size(self.cells[-1])

    def build(self, input_shape: Any) -> None:
        shape = tuple(input_shape)
        for cell in self.cells:
            cell.ensure_built(shape)
            shape = (shape[0], cell_output_size(cell))

    def call(self, inputs: torch.Tensor, states: Sequence[Any], training: bool = False) -> Any:
        new_states: list[Any] = []
        for cell, cell_states in zip(self.cells, states):
            several = isinstance(cell.state_size, (list, tuple))
            inputs, returned = cell(inputs, list(cell_states) if several else [cell_states], training=training)
            returned = list(returned) if isinstance(returned, (list, tuple)) else [returned]
            new_states.append(returned if several else returned[0])
        return inputs, new_states

    def get_config(self) -> dict[str, Any]:
        cells = [{"class_name": type(c).__name__, "config": c.get_config()} for c in self.cells]
        return {**super().get_config(), "cells": cells}
