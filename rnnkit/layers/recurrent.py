"""Recurrent layers: ``RNN`` runs a cell over time; ``SimpleRNN``, ``LSTM``, ``GRU`` name the cell.

Input ``(batch, time, features)``; output ``(batch, units)``, or ``(batch, time, units)`` with
``return_sequences=True``; ``return_state=True`` appends the final states (LSTM ``[h, c]``).
Built-in cells run whole sequences through :func:`rnnkit.kernels.run_sequence`, which picks the
implementation (``implementation='auto'|'reference'|...``); any other Keras-style cell (a
``Layer`` with ``state_size`` and ``call(inputs, states[, training]) -> (output, new_states)``),
and a list of cells (:class:`StackedRNNCells`), runs step by step in a Python loop.

States follow ``cell.state_size``: an int is one state, a list is several, and a stack nests
them per cell (``[[h1, c1], [h2, c2]]`` for two LSTM cells); ``return_state`` appends the final
states in that structure, and ``initial_state`` may be given nested or flat.
"""

from __future__ import annotations

from typing import Any, Sequence

import torch

from .. import kernels
from ..naming import snake_case, unique_name
from ..recurrence import custom_cell_sequence
from .base import Layer, flatten
from .recurrent_cells import (
    GRUCell,
    LSTMCell,
    RecurrentCell,
    SimpleRNNCell,
    StackedRNNCells,
    cell_output_size,
    check_cell,
)

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
    "kernel_regularizer",
    "recurrent_regularizer",
    "bias_regularizer",
    "kernel_constraint",
    "recurrent_constraint",
    "bias_constraint",
)
# Keras arguments that change nothing here (how TensorFlow unrolls or picks cuDNN).
_NO_EFFECT_ARGS = ("unroll", "use_cudnn", "seed", "time_major")
#: The cells ``RNN.from_config`` rebuilds from a ``{"class_name", "config"}`` entry.
_CELL_CLASSES = {cls.__name__: cls for cls in (SimpleRNNCell, LSTMCell, GRUCell)}


class RNN(Layer):
    """Runs ``cell`` over the time axis with Keras's masking, state and direction semantics."""

    casts_integer_inputs = True

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
        for key in _NO_EFFECT_ARGS:
            kwargs.pop(key, None)
        if input_dim is not None and "input_shape" not in kwargs and "batch_input_shape" not in kwargs:
            kwargs["input_shape"] = (input_length, input_dim)
        super().__init__(**kwargs)
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell, name=f"{self.name}_cells")
        check_cell(self.name, "cell", cell)
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

    def _state_structure(self) -> list[Any]:
        """The states as ``state_size`` nests them: one entry (an int or a list) per top-level state."""
        size = self.cell.state_size
        return list(size) if isinstance(size, (list, tuple)) else [size]

    def _state_sizes(self) -> list[int]:
        """The size of every state, flattened in order."""
        size = self.cell.state_size
        if isinstance(size, int):
            return [size]
        return [int(s) for s in flatten(list(size))]

    def build(self, input_shape: Any) -> None:
        shape = _first(input_shape)
        self._check_rank(shape)
        self.cell.ensure_built((shape[0], shape[-1]))

    def compute_output_shape(self, input_shape: Any) -> Any:
        batch, steps = _first(input_shape)[:2]
        output_size = cell_output_size(self.cell)
        output = (batch, steps, output_size) if self.return_sequences else (batch, output_size)
        if self.return_state:
            return [output] + _pack(self._state_structure(), iter((batch, s) for s in self._state_sizes()))
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
            y, final = self._run_stepwise(inputs, states, mask, training)
        if self.stateful:
            self.states = [s.detach() for s in final]
        # Unmasked, a built-in cell's last output is its final h: taking that one lets backward
        # start from the state's gradient instead of a (B, T, H) gradient that is zero but at one step.
        last = final[0] if mask is None and isinstance(cell, RecurrentCell) else None
        output = y if self.return_sequences else y[:, -1] if last is None else last
        if self.return_state:
            return [output, *_pack(self._state_structure(), iter(final))]
        return output

    def runs_native_alone(self, inputs: torch.Tensor, training: bool) -> bool:
        """Whether a call on ``inputs`` without mask or initial state would be torch's native
        sequence function and nothing else: a built cell that its ``implementation`` sends to the
        ``native`` path (a measured or ruled choice, not one still to measure), no dropout in
        training, not stateful, no hooks or activity regularizer around the call, inputs already
        in the layer's dtype. :class:`Bidirectional` then runs both directions in one call."""
        cell = self.cell
        if not (self.built and isinstance(cell, RecurrentCell)) or self.stateful:
            return False
        if self.activity_regularizer is not None or self._forward_hooks or self._forward_pre_hooks:
            return False
        if training and (cell.dropout > 0 or cell.recurrent_dropout > 0):
            return False
        if inputs.dim() != 3 or inputs.dtype != self._float_dtype():
            return False
        try:
            choice = kernels.choose(cell.kind, self.implementation, inputs, cell.sequence_options(), cell.units)
        except kernels.UnsupportedImplementation:
            return False
        return choice.implementation == "native" and not choice.measure

    def _run_stepwise(self, inputs: torch.Tensor, states: list[torch.Tensor], mask: Any, training: bool) -> Any:
        """Any Keras-style cell, one ``cell(x_t, states)`` call per step (rnnkit.recurrence's loop)."""
        if self.implementation not in ("auto", "reference"):
            raise ValueError(
                f"{self._describe()}: implementation={self.implementation!r} runs only SimpleRNN, LSTM and "
                f"GRU cells; a {type(self.cell).__name__} runs on the reference loop (implementation='auto')"
            )
        for module in self.cell.modules():
            if isinstance(module, RecurrentCell):
                module.reset_dropout_masks()
        structure = self._state_structure()
        cell = self.cell

        def step(x_t: torch.Tensor, flat: Sequence[torch.Tensor]) -> tuple[torch.Tensor, list[torch.Tensor]]:
            output, new = cell(x_t, _pack(structure, iter(flat)), training=training)
            new = flatten(list(new) if isinstance(new, (list, tuple)) else [new])
            if len(new) != len(flat):
                raise ValueError(
                    f"{self._describe()}: the cell returned {len(new)} state tensor(s); its state_size "
                    f"{cell.state_size!r} says {len(flat)}"
                )
            return output, new

        return custom_cell_sequence(
            step, inputs, states, mask=mask, go_backwards=self.go_backwards,
            zero_output_for_mask=self.zero_output_for_mask,
        )

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
        self.states = None if states is None else [torch.as_tensor(s) for s in flatten(list(states))]

    reset_state = reset_states  # Keras 3's name

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
            return self._default_states(inputs)
        if isinstance(initial_state, torch.Tensor):
            initial_state = [initial_state]
        initial_state = flatten(list(initial_state))
        if len(initial_state) != len(sizes):
            raise ValueError(
                f"{self._describe()} expects {len(sizes)} initial state tensor(s) of shapes "
                f"{[(batch, size) for size in sizes]}; got {len(initial_state)}"
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

    def get_initial_state(self, batch_size: int) -> list[torch.Tensor]:
        """Keras's starting states for ``batch_size`` sequences: one ``(batch_size, size)`` tensor per state.

        What the cell's own ``get_initial_state(batch_size=...)`` returns when it has one, else
        zeros in the layer's dtype, on its weights' device. Always a list, even for one state, so
        it can be passed back as ``initial_state`` (a subclassed model's ``call`` starts its GRU
        from ``self.gru.get_initial_state(batch)`` when it is given no states).
        """
        sizes = self._state_sizes()
        weight = next(self.parameters(), None)
        dtype = getattr(torch, self.dtype)
        device = weight.device if weight is not None else None
        cell = self.cell
        if getattr(type(cell), "get_initial_state", None) is None:
            return [torch.zeros(batch_size, size, dtype=dtype, device=device) for size in sizes]
        given = cell.get_initial_state(batch_size=batch_size)
        given = flatten(list(given) if isinstance(given, (list, tuple)) else [given])
        states = [torch.as_tensor(s).to(dtype=dtype, device=device) for s in given]
        if [tuple(s.shape) for s in states] != [(batch_size, size) for size in sizes]:
            raise ValueError(
                f"{self._describe()}: {type(self.cell).__name__}.get_initial_state(batch_size={batch_size}) "
                f"must return states of shapes {[(batch_size, s) for s in sizes]}; got "
                f"{[tuple(s.shape) for s in states]}"
            )
        return states

    def _default_states(self, inputs: torch.Tensor) -> list[torch.Tensor]:
        """:meth:`get_initial_state` for this batch, in the inputs' dtype and on their device."""
        return [s.to(inputs) for s in self.get_initial_state(inputs.shape[0])]

    # ----- config ---------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "cell": {"class_name": type(self.cell).__name__, "config": self.cell.get_config()},
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "zero_output_for_mask": self.zero_output_for_mask,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "RNN":
        config = dict(config)
        config["cell"] = _cell_from_config(config.get("cell"))
        return cls(**config)

    def clone(self, **overrides: Any) -> "RNN":
        """A fresh, unbuilt layer with the same arguments and a fresh cell (weights are not copied)."""
        config = self.get_config()
        config.pop("batch_input_shape", None)
        config.update(overrides)
        config["cell"] = _fresh_cell(self.cell)
        return type(self)(**config)

    def extra_repr(self) -> str:
        flags = [f for f in ("return_sequences", "return_state", "go_backwards", "stateful") if getattr(self, f)]
        return ", ".join([f"name={self.name!r}", *flags])


def _pack(structure: Sequence[Any], flat: Any) -> list[Any]:
    """Items of the iterator ``flat`` nested as ``structure`` (ints are leaves, lists nest)."""
    return [_pack(entry, flat) if isinstance(entry, (list, tuple)) else next(flat) for entry in structure]


def _fresh_cell(cell: Layer) -> Layer:
    if isinstance(cell, StackedRNNCells):
        return StackedRNNCells([_fresh_cell(c) for c in cell.cells])
    return type(cell).from_config(cell.get_config())


def _cell_from_config(entry: Any) -> Layer:
    if isinstance(entry, Layer):
        return entry
    if not isinstance(entry, dict) or not isinstance(entry.get("config"), dict):
        raise ValueError(f"RNN.from_config: 'cell' must be a cell or a {{'class_name', 'config'}} entry; got {entry!r}")
    name, config = entry.get("class_name"), dict(entry["config"])
    if name == "StackedRNNCells":
        config["cells"] = [_cell_from_config(c) for c in config.get("cells", [])]
        return StackedRNNCells(**config)
    if name not in _CELL_CLASSES:
        raise ValueError(
            f"RNN.from_config: cell class {name!r} is not one rnnkit rebuilds from a config ({sorted(_CELL_CLASSES)}); "
            "pass the cell object itself"
        )
    return _CELL_CLASSES[name].from_config(config)


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
        del config["cell"]
        config["implementation"] = self.implementation
        return config

    def clone(self, **overrides: Any) -> "_CellLayer":
        """A fresh, unbuilt layer with the same arguments (weights are not copied)."""
        config = self.get_config()
        config.pop("batch_input_shape", None)
        config.update(overrides)
        return type(self)(**config)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "_CellLayer":
        return cls(**config)


class SimpleRNN(_CellLayer):
    """Fully connected recurrence ``h_t = activation(x_t W + h_{t-1} U + b)``."""

    cell_class = SimpleRNNCell


class LSTM(_CellLayer):
    """Long short-term memory layer (Hochreiter & Schmidhuber, 1997); states ``[h, c]``."""

    cell_class = LSTMCell


class GRU(_CellLayer):
    """Gated recurrent unit layer (Cho et al., 2014); ``reset_after=True`` as in Keras 3 and torch."""

    cell_class = GRUCell
