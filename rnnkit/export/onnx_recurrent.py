"""SimpleRNN, LSTM, GRU and ``Bidirectional`` as ONNX ``RNN``/``LSTM``/``GRU`` nodes, with Keras's mask semantics.

Weights go from Keras's layout (``kernel`` (I, G*H), ``recurrent_kernel`` (H, G*H)) to ONNX's
(``W`` (1, G*H, I), ``R`` (1, G*H, H), ``B`` (1, 2*G*H) = input bias then recurrent bias): LSTM
gates i, f, c, o become ONNX's i, o, f, c; GRU's z, r, h stay; GRU ``reset_after=True`` is
``linear_before_reset=1`` (its second bias row is ONNX's ``Rb``), ``reset_after=False`` is 0.

Every layer becomes one forward-direction node. ``go_backwards`` flips the input (and mask) first,
which is what Keras does, and Keras keeps the outputs in that processing order, so nothing flips back.

Masks (Keras: a masked step keeps the states and outputs the previous step's output, or zeros
before the first real step and with ``zero_output_for_mask``) are exact for any layout, not only
trailing padding: the real steps of each row are moved to the front in order (``ScatterElements``),
the node runs with ``sequence_lens`` = the number of real steps, and each step's output is then
gathered from the compacted outputs at ``cumsum(mask) - 1`` (zeros where that is -1, or where the
step is masked and zeros are asked for). A row with no real step keeps its initial states, as in
Keras (onnxruntime returns zeros for ``sequence_lens`` 0, which is right only without initial states).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import torch

from .. import activations
from ..layers.recurrent import GRU, LSTM, RNN, SimpleRNN
from ..layers.wrappers import Bidirectional
from .onnx_graph import GraphBuilder, onnx_module
from .refusal import ExportRefused

_OPERATORS = {SimpleRNN: "RNN", LSTM: "LSTM", GRU: "GRU"}
_LSTM_ONNX_ORDER = (0, 3, 1, 2)  # Keras blocks i, f, c, o -> ONNX i, o, f, c
#: Keras activation -> (ONNX recurrent activation, alpha, beta); hard_sigmoid is Keras 3's clip(x/6 + 1/2, 0, 1).
_ACTIVATIONS = {
    "tanh": ("Tanh", None, None),
    "sigmoid": ("Sigmoid", None, None),
    "relu": ("Relu", None, None),
    "hard_sigmoid": ("HardSigmoid", 1.0 / 6.0, 0.5),
    "linear": ("Affine", 1.0, 0.0),
    "elu": ("Elu", 1.0, None),
}


def _numpy(tensor: torch.Tensor) -> np.ndarray:
    return tensor.detach().cpu().numpy()


def _activation(layer: RNN, argument: str, value: Any) -> tuple[str, float | None, float | None]:
    name = activations.name_of(value)
    if name not in _ACTIVATIONS:
        shown = repr(name) if name else f"the custom function {getattr(value, '__name__', value)!r}"
        raise ExportRefused(layer, f"{argument} {shown} has no ONNX recurrent form (ONNX recurrent nodes take "
                                   f"{', '.join(sorted(_ACTIVATIONS))})")
    return _ACTIVATIONS[name]


def _activation_attributes(layer: RNN) -> dict[str, Any]:
    """``activations`` (+ alphas and betas, consumed in order by the functions that take them)."""
    cell = layer.cell
    if isinstance(layer, SimpleRNN):
        functions = [_activation(layer, "activation", cell.activation)]
    else:
        gate = _activation(layer, "recurrent_activation", cell.recurrent_activation)
        candidate = _activation(layer, "activation", cell.activation)
        functions = [gate, candidate, candidate] if isinstance(layer, LSTM) else [gate, candidate]
    attributes: dict[str, Any] = {"activations": [f for f, _, _ in functions]}
    alphas = [a for _, a, _ in functions if a is not None]
    betas = [b for _, _, b in functions if b is not None]
    if alphas:
        attributes["activation_alpha"] = alphas
    if betas:
        attributes["activation_beta"] = betas
    return attributes


def _onnx_weights(layer: RNN) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """``W`` (1, G*H, I), ``R`` (1, G*H, H), ``B`` (1, 2*G*H) or None, from the cell's Keras-layout weights."""
    cell = layer.cell
    kernel, recurrent, bias = _numpy(cell.kernel), _numpy(cell.recurrent_kernel), None if cell.bias is None else _numpy(cell.bias)
    if isinstance(layer, GRU) and cell.reset_after and bias is not None:
        input_bias, recurrent_bias = bias[0], bias[1]
    else:
        input_bias = bias
        recurrent_bias = None if bias is None else np.zeros_like(bias)
    if isinstance(layer, LSTM):
        def reorder(a: np.ndarray) -> np.ndarray:
            blocks = np.split(a, 4, axis=-1)
            return np.concatenate([blocks[i] for i in _LSTM_ONNX_ORDER], axis=-1)

        kernel, recurrent = reorder(kernel), reorder(recurrent)
        if input_bias is not None:
            input_bias, recurrent_bias = reorder(input_bias), reorder(recurrent_bias)
    b = None if input_bias is None else np.concatenate([input_bias, recurrent_bias])[None]
    return kernel.T[None], recurrent.T[None], b


def check_exportable(layer: RNN) -> None:
    """Refuse what the ONNX nodes cannot compute exactly, naming the layer and why."""
    if type(layer) not in _OPERATORS:
        what = type(layer.cell).__name__
        raise ExportRefused(layer, f"its cell ({what}) has no ONNX recurrent operator; ONNX export takes "
                                   "SimpleRNN, LSTM and GRU layers (a custom cell or LayerNormLSTM is refused)")
    if layer.stateful:
        raise ExportRefused(layer, "stateful=True carries state between calls, which an ONNX graph cannot hold")
    _activation_attributes(layer)


@dataclass(frozen=True)
class _Compaction:
    """A mask turned into what the nodes need: (B, T) cumulative real-step counts and (B,) lengths."""

    mask: str       # (B, T) bool, True = real step
    counts: str     # (B, T) int64, real steps up to and including t
    lengths: str    # (B,) int64


def _compaction(g: GraphBuilder, mask: str, hint: str) -> _Compaction:
    steps = g.add("Cast", [mask], hint, to=onnx_module().TensorProto.INT64)
    counts = g.add("CumSum", [steps, g.scalar(1)], hint)
    lengths = g.add("ReduceSum", [steps, g.ints([1])], hint, keepdims=0)
    return _Compaction(mask, counts, lengths)


def _time_index(g: GraphBuilder, like: str, hint: str) -> str:
    """``[0, 1, ..., T-1]`` (T,) int64 for a (B, T, ...) value."""
    steps = g.add("Gather", [g.add("Shape", [like], hint), g.scalar(1)], hint, axis=0)
    return g.add("Range", [g.scalar(0), steps, g.scalar(1)], hint)


def _along_time(g: GraphBuilder, index: str, like: str, hint: str) -> str:
    """A (B, T) index expanded to the shape of the (B, T, F) value ``like``, for the *Elements ops."""
    return g.add("Expand", [g.add("Unsqueeze", [index, g.ints([-1])], hint), g.add("Shape", [like], hint)], hint)


def _compact(g: GraphBuilder, x: str, c: _Compaction, hint: str) -> str:
    """Move each row's real steps to the front, in order, and its masked steps after them."""
    real_destination = g.add("Sub", [c.counts, g.scalar(1)], hint)
    time = _time_index(g, x, hint)
    lengths = g.add("Unsqueeze", [c.lengths, g.ints([1])], hint)
    masked_destination = g.add("Sub", [g.add("Add", [lengths, time], hint), c.counts], hint)
    destination = g.add("Where", [c.mask, real_destination, masked_destination], hint)
    return g.add("ScatterElements", [x, _along_time(g, destination, x, hint), x], hint, axis=1)


def _expand_outputs(g: GraphBuilder, y: str, c: _Compaction, zero_output_for_mask: bool, hint: str) -> str:
    """Keras's output at every step from the compacted outputs (see the module docstring)."""
    zero = g.scalar(0)
    source = g.add("Max", [g.add("Sub", [c.counts, g.scalar(1)], hint), zero], hint)
    gathered = g.add("GatherElements", [y, _along_time(g, source, y, hint)], hint, axis=1)
    valid = c.mask if zero_output_for_mask else g.add("Greater", [c.counts, zero], hint)
    return g.where_zero(valid, gathered, hint)


def run_rnn(g: GraphBuilder, layer: RNN, x: str, mask: str | None, initial: Sequence[str]) -> tuple[str, list[str]]:
    """``(output, final states)`` of ``layer`` on ``x`` (B, T, I): output (B, T, H) or (B, H) as the layer returns it."""
    check_exportable(layer)
    hint = layer.name
    onnx = onnx_module()
    cell = layer.cell
    operator = _OPERATORS[type(layer)]
    state_count = 2 if isinstance(layer, LSTM) else 1
    if initial and len(initial) != state_count:
        raise ExportRefused(layer, f"expects {state_count} initial state(s); the graph gives {len(initial)}")
    if layer.go_backwards:
        x = g.flip_time(x, hint)
        mask = None if mask is None else g.flip_time(mask, hint)
    compaction = None if mask is None else _compaction(g, mask, hint)
    if compaction is not None:
        x = _compact(g, x, compaction, hint)
    W, R, B = _onnx_weights(layer)
    inputs = [g.add("Transpose", [x], hint, perm=[1, 0, 2]),  # (T, B, I): ONNX's default layout
              g.constant(W, f"{hint}/W"), g.constant(R, f"{hint}/R"), "" if B is None else g.constant(B, f"{hint}/B"),
              "" if compaction is None else g.add("Cast", [compaction.lengths], hint, to=onnx.TensorProto.INT32)]
    inputs += [g.add("Unsqueeze", [s, g.ints([0])], hint) for s in initial]
    attributes = {"hidden_size": cell.units, **_activation_attributes(layer)}
    if isinstance(layer, GRU):
        attributes["linear_before_reset"] = int(cell.reset_after)
    y, *states = g.add(operator, inputs, hint, outputs=1 + state_count, **attributes)
    y = g.add("Transpose", [g.add("Squeeze", [y, g.ints([1])], hint)], hint, perm=[1, 0, 2])  # (B, T, H)
    states = [g.add("Squeeze", [s, g.ints([0])], hint) for s in states]  # each (B, H)
    if compaction is not None:
        y = _expand_outputs(g, y, compaction, layer.zero_output_for_mask, hint)
        if initial:  # a row of padding only keeps its initial states
            ran = g.add("Greater", [compaction.lengths, g.scalar(0)], hint)
            ran = g.add("Unsqueeze", [ran, g.ints([-1])], hint)
            states = [g.add("Where", [ran, s, start], hint) for s, start in zip(states, initial)]
    output = y if layer.return_sequences else g.last_step(y, hint)
    return output, states


def convert_rnn(g: GraphBuilder, layer: RNN, x: str, mask: str | None, initial: Sequence[str]) -> tuple[list[str], str | None]:
    """The layer's outputs (``[output, *states]`` with ``return_state``) and its output mask."""
    output, states = run_rnn(g, layer, x, mask, initial)
    outputs = [output, *states] if layer.return_state else [output]
    return outputs, mask if layer.return_sequences else None


def convert_bidirectional(g: GraphBuilder, layer: Bidirectional, x: str, mask: str | None,
                          initial: Sequence[str]) -> tuple[list[str], str | None]:
    """Both directions, the backward sequence flipped back to input order, merged as ``merge_mode`` says."""
    half = len(initial) // 2
    forward, forward_states = run_rnn(g, layer.forward_layer, x, mask, initial[:half])
    backward, backward_states = run_rnn(g, layer.backward_layer, x, mask, initial[half:])
    if layer.return_sequences:
        backward = g.flip_time(backward, layer.name)
    mode = layer.merge_mode
    if mode == "concat":
        merged = [g.add("Concat", [forward, backward], layer.name, axis=-1)]
    elif mode == "sum":
        merged = [g.add("Add", [forward, backward], layer.name)]
    elif mode == "mul":
        merged = [g.add("Mul", [forward, backward], layer.name)]
    elif mode == "ave":
        two = g.scalar(2.0)
        merged = [g.add("Div", [g.add("Add", [forward, backward], layer.name), two], layer.name)]
    else:
        merged = [forward, backward]
    outputs = [*merged, *forward_states, *backward_states] if layer.return_state else merged
    return outputs, mask if layer.return_sequences else None
