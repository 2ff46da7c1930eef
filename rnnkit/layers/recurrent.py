"""Recurrent layers: ``RNN`` runs a cell over time; ``SimpleRNN``, ``LSTM``, ``GRU`` name the cell.

Input ``(batch, time, features)``; output ``(batch, units)``, or ``(batch, time, units)`` with
``return_sequences=True``; ``return_state=True`` appends the final states (LSTM ``[h, c]``).
Built-in cells run whole sequences through :func:`rnnkit.kernels.run_sequence`, which picks the
implementation (``implementation='auto'|'reference'|...``); any other Keras-style cell runs
step by step in a Python loop.
"""

from __future__ import annotations

from typing import Any, Sequence

import torch

from .. import kernels
from ..naming import snake_case, unique_name
from ..recurrence import custom_cell_sequence
from .base import Layer
from .recurrent_cells import GRUCell, LSTMCell, RecurrentCell, SimpleRNNCell

_CELL_ARGS = (
    "activation",
    "recurrent_activation",
    "use_bias",
    "kernel_initializer",
    "recurrent_initializer",
    "bias_initializer",
    "unit_forget_bias",
    "dropout",
    "recurrent_dropout",
    "reset_after",
)
# Keras arguments that change nothing here (how TensorFlow unrolls or picks cuDNN).
_NO_EFFECT_ARGS = ("unroll", "use_cudnn", "seed", "time_major")
_UNSUPPORTED_ARGS = (
    "kernel_regularizer",
    "recurrent_regularizer",
    "bias_regularizer",
    "activity_regularizer",
    "kernel_constraint",
    "recurrent_constraint",
    "bias_constraint",
)


class RNN(Layer):
    """Runs ``cell`` over the time axis with Keras's masking, state and direction semantics."""

    def __init__(
        self,
        cell: Any,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        zero_output_for_mask: bool = False,
        implementation: str | int = "auto",
        input_dim: int | None = None,
        input_length: int | None = None,
        **kwargs: Any,
    ):
        if kwargs.get("time_major"):
            raise ValueError("time_major=True is not supported: rnnkit is batch-first (batch, time, features)")
        for key in _UNSUPPORTED_ARGS:
            if kwargs.pop(key, None) is not None:
                raise ValueError(f"{key}= is not supported by rnnkit's recurrent layers")
        for key in _NO_EFFECT_ARGS:
            kwargs.pop(key, None)
        if input_dim is not None and "input_shape" not in kwargs and "batch_input_shape" not in kwargs:
            kwargs["input_shape"] = (input_length, input_dim)
        super().__init__(**kwargs)
        if not (isinstance(cell, Layer) and hasattr(cell, "state_size")):
            raise ValueError(
                f"Layer '{self.name}': cell must be an rnnkit Layer with state_size (such as LSTMCell); "
                f"got {type(cell).__name__}"
            )
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.zero_output_for_mask = zero_output_for_mask
        # Keras 2 used implementation=1|2 for two equivalent ways to order the products.
        self.implementation = "auto" if isinstance(implementation, int) else implementation
        self.states: list[torch.Tensor] | None = None
        self.supports_masking = True

    # ----- shapes ---------------------------------------------------------------------------
    @property
    def units(self) -> int:
        return self.cell.units

    def _state_sizes(self) -> list[int]:
        size = self.cell.state_size
        return list(size) if isinstance(size, (list, tuple)) else [size]

    def build(self, input_shape: Any) -> None:
        shape = _first(input_shape)
        self._check_rank(shape)
        self.cell.ensure_built((shape[0], shape[-1]))

    def compute_output_shape(self, input_shape: Any) -> Any:
        batch, steps = _first(input_shape)[:2]
        output_size = getattr(self.cell, "output_size", self._state_sizes()[0])
        output = (batch, steps, output_size) if self.return_sequences else (batch, output_size)
        if self.return_state:
            return [output] + [(batch, size) for size in self._state_sizes()]
        return output

    def compute_mask(self, inputs: Any, mask: Any = None) -> torch.Tensor | None:
        return mask if self.return_sequences else None

    # ----- running --------------------------------------------------------------------------
    def call(
        self,
        inputs: torch.Tensor,
        mask: torch.Tensor | None = None,
        training: bool = False,
        initial_state: Any = None,
    ) -> Any:
        if isinstance(inputs, (list, tuple)):  # Keras allows [x, *initial_state]
            inputs, initial_state = inputs[0], list(inputs[1:]) or initial_state
        self._check_input(inputs)
        mask = self._check_mask(mask, inputs)
        states = self._initial_states(initial_state, inputs)
        cell = self.cell
        if isinstance(cell, RecurrentCell):
            x, recurrent_mask = self._dropout_masks(inputs, training)
            y, final = kernels.run_sequence(
                cell.kind,
                self.implementation,
                x,
                tuple(states),
                cell.sequence_weights(),
                **cell.sequence_options(),
                mask=mask,
                go_backwards=self.go_backwards,
                zero_output_for_mask=self.zero_output_for_mask,
                recurrent_mask=recurrent_mask,
            )
        else:
            y, final = custom_cell_sequence(
                lambda x_t, s: cell(x_t, list(s), training=training),
                inputs,
                states,
                mask=mask,
                go_backwards=self.go_backwards,
                zero_output_for_mask=self.zero_output_for_mask,
            )
        if self.stateful:
            self.states = [s.detach() for s in final]
        output = y if self.return_sequences else y[:, -1]
        return [output, *final] if self.return_state else output

    def _dropout_masks(self, x: torch.Tensor, training: bool) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Keras's dropout: one input mask and one recurrent mask per sequence, shared by all steps."""
        cell, batch = self.cell, x.shape[0]
        recurrent_mask = None
        if training and cell.dropout > 0:
            keep = 1.0 - cell.dropout
            x = x * torch.bernoulli(x.new_full((batch, 1, x.shape[-1]), keep)) / keep
        if training and cell.recurrent_dropout > 0:
            keep = 1.0 - cell.recurrent_dropout
            recurrent_mask = torch.bernoulli(x.new_full((batch, self.units), keep)) / keep
        return x, recurrent_mask

    def reset_states(self, states: Sequence[Any] | None = None) -> None:
        """Forget (or set) the carried state of a ``stateful`` layer."""
        if not self.stateful:
            raise ValueError(f"Layer '{self.name}' is not stateful: construct it with stateful=True")
        self.states = None if states is None else [torch.as_tensor(s) for s in states]

    # ----- checks ---------------------------------------------------------------------------
    def _describe(self) -> str:
        return f"Layer '{self.name}' ({type(self).__name__})"

    def _check_rank(self, shape: Sequence[Any]) -> None:
        if len(shape) != 3:
            raise ValueError(
                f"{self._describe()} expects input of rank 3 (batch, time, features); "
                f"got shape {tuple(shape)}"
            )

    def _check_input(self, inputs: torch.Tensor) -> None:
        self._check_rank(tuple(inputs.shape))
        expected = getattr(self.cell, "input_dim", None)
        if expected is not None and inputs.shape[-1] != expected:
            raise ValueError(
                f"{self._describe()} was built for {expected} input features; got input of shape "
                f"{tuple(inputs.shape)}"
            )
        if inputs.shape[1] == 0:
            raise ValueError(f"{self._describe()} got an input with 0 time steps: {tuple(inputs.shape)}")
        if not inputs.is_floating_point():
            raise ValueError(f"{self._describe()} expects a floating-point input; got {inputs.dtype}")

    def _check_mask(self, mask: Any, inputs: torch.Tensor) -> torch.Tensor | None:
        if mask is None:
            return None
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
            if mask is None:
                return None
        mask = torch.as_tensor(mask, device=inputs.device)
        if tuple(mask.shape) != tuple(inputs.shape[:2]):
            raise ValueError(
                f"{self._describe()}: mask must have shape (batch, time) = {tuple(inputs.shape[:2])}; "
                f"got {tuple(mask.shape)}"
            )
        return mask.bool()

    def _initial_states(self, initial_state: Any, inputs: torch.Tensor) -> list[torch.Tensor]:
        batch = inputs.shape[0]
        sizes = self._state_sizes()
        if initial_state is None:
            if self.stateful and self.states is not None:
                if self.states[0].shape[0] != batch:
                    raise ValueError(
                        f"{self._describe()} is stateful and carries state for batch size "
                        f"{self.states[0].shape[0]}; got a batch of {batch}. Call reset_states() "
                        "first or keep the batch size fixed"
                    )
                return list(self.states)
            return [inputs.new_zeros(batch, size) for size in sizes]
        if isinstance(initial_state, torch.Tensor):
            initial_state = [initial_state]
        initial_state = list(initial_state)
        if len(initial_state) != len(sizes):
            raise ValueError(
                f"{self._describe()} expects {len(sizes)} initial state tensor(s) "
                f"{'[h, c]' if len(sizes) == 2 else '[h]'}; got {len(initial_state)}"
            )
        states = []
        for i, (state, size) in enumerate(zip(initial_state, sizes)):
            state = torch.as_tensor(state, dtype=inputs.dtype, device=inputs.device)
            if tuple(state.shape) != (batch, size):
                raise ValueError(
                    f"{self._describe()}: initial_state[{i}] must have shape (batch, units) = "
                    f"{(batch, size)}; got {tuple(state.shape)}"
                )
            states.append(state)
        return states

    # ----- config ---------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "zero_output_for_mask": self.zero_output_for_mask,
        }

    def extra_repr(self) -> str:
        flags = [f for f in ("return_sequences", "return_state", "go_backwards", "stateful") if getattr(self, f)]
        return ", ".join([f"name={self.name!r}", *flags])


def _first(shape: Any) -> tuple:
    """The shape of the sequence input when Keras-style ``[x, *states]`` shapes are given."""
    if isinstance(shape, list) and shape and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


class _CellLayer(RNN):
    """A recurrent layer defined by one built-in cell class: splits cell and layer arguments."""

    cell_class: type[RecurrentCell]
    cell_arguments: tuple[str, ...] = _CELL_ARGS  # the keyword arguments that go to the cell

    def __init__(self, units: int, **kwargs: Any):
        cell_kwargs = {key: kwargs.pop(key) for key in self.cell_arguments if key in kwargs}
        kwargs["name"] = kwargs.get("name") or unique_name(snake_case(type(self).__name__))
        cell_name = snake_case(self.cell_class.__name__)
        try:
            cell = self.cell_class(units, name=cell_name, **cell_kwargs)
        except ValueError as error:  # report the layer the user named, not its inner cell
            owner = f"Layer '{kwargs['name']}' ({type(self).__name__})"
            raise ValueError(str(error).replace(f"Layer '{cell_name}'", owner)) from None
        super().__init__(cell, **kwargs)

    def get_config(self) -> dict[str, Any]:
        cell_config = self.cell.get_config()
        for key in ("name", "trainable"):
            cell_config.pop(key)
        config = {**super().get_config(), **cell_config}
        config["implementation"] = self.implementation
        return config

    def clone(self, **overrides: Any) -> "_CellLayer":
        """A fresh, unbuilt layer with the same arguments (weights are not copied)."""
        config = self.get_config()
        config.pop("batch_input_shape", None)
        config.update(overrides)
        return type(self)(**config)


class SimpleRNN(_CellLayer):
    """Fully connected recurrence ``h_t = activation(x_t W + h_{t-1} U + b)``."""

    cell_class = SimpleRNNCell


class LSTM(_CellLayer):
    """Long short-term memory layer (Hochreiter & Schmidhuber, 1997); states ``[h, c]``."""

    cell_class = LSTMCell


class GRU(_CellLayer):
    """Gated recurrent unit layer (Cho et al., 2014); ``reset_after=True`` as in Keras 3 and torch."""

    cell_class = GRUCell
