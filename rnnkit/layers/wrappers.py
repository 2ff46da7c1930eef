"""Layers that wrap another layer: ``Bidirectional`` and ``TimeDistributed``."""

from __future__ import annotations

from typing import Any

import torch

from ..kernels import native
from .base import Layer
from .recurrent import RNN
from .recurrent_cells import RecurrentCell

_MERGE_MODES = ("concat", "sum", "mul", "ave", None)


class Bidirectional(Layer):
    """Runs a recurrent layer forwards and a copy of it backwards, and merges the two.

    As in Keras: the copies are named ``forward_<name>`` and ``backward_<name>`` and have their own
    weights; the backward sequence is flipped back to input order before merging; with
    ``return_state`` the outputs are ``[merged, *forward_states, *backward_states]``; with a mask,
    padded steps output zeros in both directions.

    Where both directions would run torch's native function and nothing else, one
    ``bidirectional=True`` call runs them together (no reversed copies; one call instead of two);
    the numbers are those of the two layer calls (tests/layers/test_wrappers.py).
    """

    def __init__(
        self,
        layer: RNN,
        merge_mode: str | None = "concat",
        backward_layer: RNN | None = None,
        weights: Any = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        if not isinstance(layer, RNN) or not hasattr(layer, "clone"):
            raise ValueError(
                f"Layer '{self.name}': Bidirectional wraps a SimpleRNN, LSTM or GRU layer; "
                f"got {type(layer).__name__}"
            )
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"Layer '{self.name}': merge_mode must be one of {_MERGE_MODES}; got {merge_mode!r}"
            )
        if backward_layer is None:
            backward_layer = layer.clone(go_backwards=not layer.go_backwards)
        elif backward_layer.go_backwards == layer.go_backwards:
            raise ValueError(
                f"Layer '{self.name}': backward_layer must have go_backwards={not layer.go_backwards}"
            )
        for sublayer, other in ((layer, backward_layer), (backward_layer, layer)):
            for attribute in ("return_sequences", "return_state"):
                if getattr(sublayer, attribute) != getattr(other, attribute):
                    raise ValueError(
                        f"Layer '{self.name}': forward and backward layers must agree on {attribute}"
                    )
        forward_layer = layer.clone(name=f"forward_{layer.name}") if layer.built else layer
        forward_layer.name = f"forward_{layer.name}"
        backward_layer.name = f"backward_{layer.name}"
        if self.batch_input_shape is None:
            self.batch_input_shape = layer.batch_input_shape
        self.forward_layer = forward_layer
        self.backward_layer = backward_layer
        # Keras: padded steps give zeros in both directions whenever sequences are returned.
        for sublayer in (forward_layer, backward_layer):
            sublayer.zero_output_for_mask = sublayer.return_sequences
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        if weights is not None:
            self.ensure_built(self.batch_input_shape)
            self.set_weights(weights)

    def build(self, input_shape: Any) -> None:
        self.forward_layer.ensure_built(input_shape)
        self.backward_layer.ensure_built(input_shape)

    def _merge(self, forward: torch.Tensor, backward: torch.Tensor) -> Any:
        if self.merge_mode == "concat":
            return torch.cat([forward, backward], dim=-1)
        if self.merge_mode == "sum":
            return forward + backward
        if self.merge_mode == "mul":
            return forward * backward
        if self.merge_mode == "ave":
            return (forward + backward) / 2
        return [forward, backward]

    def call(self, inputs: Any, mask: Any = None, training: bool = False, initial_state: Any = None) -> Any:
        forward_state = backward_state = None
        if initial_state is not None:
            initial_state = list(initial_state)
            if len(initial_state) % 2:
                raise ValueError(
                    f"Layer '{self.name}': initial_state must hold the forward states then the "
                    f"backward states (an even number); got {len(initial_state)}"
                )
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        if mask is None and self._runs_joined(inputs, training):
            forward, backward, forward_states, backward_states, joined = self._call_joined(
                inputs, forward_state, backward_state)
        else:
            forward, backward, forward_states, backward_states = self._call_apart(
                inputs, mask, training, forward_state, backward_state)
            joined = None
        if joined is not None and self.merge_mode == "concat":
            merged = joined  # torch already laid the two directions side by side
        else:
            merged = self._merge(forward, backward)
        if self.return_state:
            merged = merged if isinstance(merged, list) else [merged]
            return [*merged, *forward_states, *backward_states]
        return merged

    def _call_apart(self, inputs: Any, mask: Any, training: bool, forward_state: Any, backward_state: Any):
        """Each direction through its own layer call; the backward outputs flipped to input order."""
        forward = self.forward_layer(inputs, mask=mask, training=training, initial_state=forward_state)
        backward = self.backward_layer(inputs, mask=mask, training=training, initial_state=backward_state)
        forward_states: list = []
        backward_states: list = []
        if self.return_state:
            forward, *forward_states = forward
            backward, *backward_states = backward
        if self.return_sequences:
            backward = torch.flip(backward, dims=[1])
        return forward, backward, forward_states, backward_states

    def _runs_joined(self, inputs: Any, training: bool) -> bool:
        """Whether one native call can stand for both layer calls (see :meth:`_call_joined`):
        each direction alone would be just torch's native function (``RNN.runs_native_alone``),
        the two are the same kind of cell with the same options, units and bias, the forward one
        runs forwards and the backward one backwards, and no global module hook would miss them."""
        forward, backward = self.forward_layer, self.backward_layer
        if not isinstance(inputs, torch.Tensor) or forward.go_backwards or not backward.go_backwards:
            return False
        if torch.nn.modules.module._global_forward_hooks or torch.nn.modules.module._global_forward_pre_hooks:
            return False
        cells = forward.cell, backward.cell
        if not isinstance(cells[0], RecurrentCell) or type(cells[0]) is not type(cells[1]) or cells[0].units != cells[1].units:
            return False
        if (cells[0].bias is None) != (cells[1].bias is None) or cells[0].sequence_options() != cells[1].sequence_options():
            return False
        return forward.runs_native_alone(inputs, training) and backward.runs_native_alone(inputs, training)

    def _call_joined(self, inputs: torch.Tensor, forward_state: Any, backward_state: Any):
        """Both directions in one torch call (:func:`rnnkit.kernels.native.bidirectional_sequence`):
        what the two layer calls and the flip give, without reversed copies of the sequences."""
        forward_layer, backward_layer = self.forward_layer, self.backward_layer
        forward_layer._check_input(inputs)
        cell = forward_layer.cell
        y, forward_final, backward_final = native.bidirectional_sequence(
            cell.kind, inputs,
            tuple(forward_layer._initial_states(forward_state, inputs)),
            tuple(backward_layer._initial_states(backward_state, inputs)),
            cell.sequence_weights(), backward_layer.cell.sequence_weights(), cell.sequence_options())
        if self.return_sequences:
            forward, backward = y.split(cell.units, dim=-1)
        else:  # a direction's last output is its final h
            forward, backward, y = forward_final[0], backward_final[0], None
        return forward, backward, list(forward_final), list(backward_final), y

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = self.forward_layer.compute_output_shape(input_shape)
        states: list = []
        if self.return_state:
            shape, *states = shape
        if self.merge_mode == "concat":
            merged: list = [(*shape[:-1], None if shape[-1] is None else 2 * shape[-1])]
        elif self.merge_mode is None:
            merged = [shape, shape]
        else:
            merged = [shape]
        outputs = merged + states + states
        return outputs[0] if len(outputs) == 1 else outputs

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return mask if self.return_sequences else None

    def reset_states(self) -> None:
        """Forget the carried states of both directions (``stateful`` layers)."""
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    reset_state = reset_states  # Keras 3's name

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "merge_mode": self.merge_mode,
            "layer": _layer_config(self.forward_layer),
            "backward_layer": _layer_config(self.backward_layer),
        }


def _layer_config(layer: Layer) -> dict[str, Any]:
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


class TimeDistributed(Layer):
    """Applies ``layer`` to every time step: (B, T, ...) -> (B*T, ...) -> layer -> (B, T, ...)."""

    def __init__(self, layer: Layer, **kwargs: Any):
        super().__init__(**kwargs)
        if not isinstance(layer, Layer):
            raise ValueError(f"Layer '{self.name}': TimeDistributed wraps an rnnkit layer; got {type(layer).__name__}")
        self.layer = layer
        self.supports_masking = True

    def _check(self, shape: tuple) -> None:
        if len(shape) < 3:
            raise ValueError(
                f"Layer '{self.name}' (TimeDistributed) expects input of rank >= 3 (batch, time, ...); "
                f"got shape {shape}"
            )

    def build(self, input_shape: Any) -> None:
        self._check(tuple(input_shape))
        self.layer.ensure_built((None, *input_shape[2:]))

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        self._check(tuple(inputs.shape))
        batch, steps = inputs.shape[:2]
        outputs = self.layer(inputs.reshape(batch * steps, *inputs.shape[2:]), training=training)
        return outputs.reshape(batch, steps, *outputs.shape[1:])

    def compute_output_shape(self, input_shape: Any) -> Any:
        inner = self.layer.compute_output_shape((None, *input_shape[2:]))
        return (input_shape[0], input_shape[1], *inner[1:])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "layer": _layer_config(self.layer)}
