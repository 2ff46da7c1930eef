"""One recurrent step of every cell kind, in plain torch, and the record that describes each kind.

The math of a step lives here and nowhere else. Each kind also has one :class:`CellSpec` in
:data:`SPECS` (look one up with :func:`spec`): its gates, gate and state names, the options its
math takes, the two functions every path agrees on (input projection and step), and how torch
lays it out where torch has it. The time loop (:mod:`rnnkit.recurrence`), the dispatcher and its
fast paths (:mod:`rnnkit.kernels`), :mod:`rnnkit.inspect`, :mod:`rnnkit.torch_interop` and the
benchmark read the record; a new kind is its math plus its record (plus kernels if it wants a
fast path).

Weights use Keras's layout (row vectors times matrices), so Keras files map one to one::

    B batch, I input features, H units, G gates (SimpleRNN 1, GRU 3, LSTM and LayerNorm-LSTM 4)
    kernel            (I, G*H)   input projection, gate blocks side by side
    recurrent_kernel  (H, G*H)
    bias              (G*H,)     GRU with reset_after=True: (2, G*H), row 0 input, row 1 recurrent

Gate order along the G*H axis: LSTM i, f, c (candidate), o; GRU z (update), r (reset), h (candidate).

Each ``*_step`` has a ``*_step_with_gates`` twin that also returns the step's gate values after
their activations (named by each :class:`CellSpec`'s ``gate_names``; SimpleRNN's only "gate" is
its pre-activation); the step functions call their twins, so :mod:`rnnkit.inspect` reads the very
same math.

Every step takes ``xw``, the input projection of its time step (``x_t @ kernel + input_bias``),
because a sequence loop computes that for all steps in one matrix product. ``recurrent_mask`` is
the recurrent-dropout mask (B, H) applied to the previous state where it enters a matrix product.

SimpleRNN::

    h_t = act(xw_t + h_{t-1} @ U)

LSTM::

    i, f, g, o = split(xw_t + h_{t-1} @ U, 4)
    c_t = ract(f) * c_{t-1} + ract(i) * act(g)
    h_t = ract(o) * act(c_t)

GRU, reset_after=True (Keras 3 and torch.nn.GRU)::

    xz, xr, xh = split(xw_t, 3);  rz, rr, rh = split(h_{t-1} @ U + b_rec, 3)
    z = ract(xz + rz);  r = ract(xr + rr);  hh = act(xh + r * rh)
    h_t = z * h_{t-1} + (1 - z) * hh

GRU, reset_after=False (Keras 2 default; the reset gate multiplies the state before the product)::

    z = ract(xz + h_{t-1} @ U_z);  r = ract(xr + h_{t-1} @ U_r)
    hh = act(xh + (r * h_{t-1}) @ U_h)
    h_t = z * h_{t-1} + (1 - z) * hh

LayerNorm-LSTM (Ba, Kiros and Hinton 2016, "Layer Normalization", arXiv:1607.06450, the LSTM
equations of its supplementary material): the input and recurrent projections are normalized
separately over their 4H features, each with its own gain and bias, and the cell state is
normalized before the output activation. The paper's sigma has no epsilon; as in Keras's
LayerNormalization, ``eps`` sits inside the square root::

    LN(z; g, b) = (z - mean(z)) / sqrt(var(z) + eps) * g + b     over the last axis
    i, f, g, o = split(LN(x_t @ W; g_x, b_x) + LN(h_{t-1} @ U; g_h, b_h) + bias, 4)
    c_t = ract(f) * c_{t-1} + ract(i) * act(g)
    h_t = ract(o) * act(LN(c_t; g_c, b_c))

    gains and biases: input_gamma, input_beta, recurrent_gamma, recurrent_beta (4H,);
    cell_gamma, cell_beta (H,)
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Callable, Mapping

import torch

from . import activations
from .activations import Activation


def input_projection(x: torch.Tensor, kernel: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
    """``x @ kernel + bias`` for every time step at once: (B, T, I) -> (B, T, G*H)."""
    xw = x @ kernel
    return xw if bias is None else xw + bias


def split_gru_bias(
    bias: torch.Tensor | None, reset_after: bool
) -> tuple[torch.Tensor | None, torch.Tensor | None]:
    """(input bias, recurrent bias) of a GRU: only the reset_after form has a recurrent bias."""
    if bias is None:
        return None, None
    if reset_after:
        return bias[0], bias[1]
    return bias, None


def _masked(h: torch.Tensor, recurrent_mask: torch.Tensor | None) -> torch.Tensor:
    return h if recurrent_mask is None else h * recurrent_mask


def simple_rnn_step_with_gates(
    xw: torch.Tensor,
    h: torch.Tensor,
    recurrent_kernel: torch.Tensor,
    activation: Activation,
    recurrent_mask: torch.Tensor | None = None,
) -> tuple[torch.Tensor, tuple[torch.Tensor]]:
    """``(h_t, (pre,))``: the new state and the pre-activation ``xw_t + h_{t-1} @ U``."""
    pre = xw + _masked(h, recurrent_mask) @ recurrent_kernel  # (B, H)
    return activation(pre), (pre,)


def simple_rnn_step(
    xw: torch.Tensor,
    h: torch.Tensor,
    recurrent_kernel: torch.Tensor,
    activation: Activation,
    recurrent_mask: torch.Tensor | None = None,
) -> torch.Tensor:
    return simple_rnn_step_with_gates(xw, h, recurrent_kernel, activation, recurrent_mask)[0]


def lstm_step_with_gates(
    xw: torch.Tensor,
    h: torch.Tensor,
    c: torch.Tensor,
    recurrent_kernel: torch.Tensor,
    activation: Activation,
    recurrent_activation: Activation,
    recurrent_mask: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor, tuple[torch.Tensor, ...]]:
    """``(h_t, c_t, (i, f, c~, o))`` with every gate after its activation, each (B, H)."""
    z = xw + _masked(h, recurrent_mask) @ recurrent_kernel  # (B, 4H)
    i, f, g, o = z.chunk(4, dim=-1)
    i, f, g, o = recurrent_activation(i), recurrent_activation(f), activation(g), recurrent_activation(o)
    c = f * c + i * g
    h = o * activation(c)
    return h, c, (i, f, g, o)


def lstm_step(
    xw: torch.Tensor,
    h: torch.Tensor,
    c: torch.Tensor,
    recurrent_kernel: torch.Tensor,
    activation: Activation,
    recurrent_activation: Activation,
    recurrent_mask: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    h, c, _ = lstm_step_with_gates(
        xw, h, c, recurrent_kernel, activation, recurrent_activation, recurrent_mask
    )
    return h, c


def gru_step_with_gates(
    xw: torch.Tensor,
    h: torch.Tensor,
    recurrent_kernel: torch.Tensor,
    recurrent_bias: torch.Tensor | None,
    activation: Activation,
    recurrent_activation: Activation,
    reset_after: bool,
    recurrent_mask: torch.Tensor | None = None,
) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
    """``(h_t, (z, r, h~))`` with every gate after its activation, each (B, H)."""
    xz, xr, xh = xw.chunk(3, dim=-1)
    hm = _masked(h, recurrent_mask)
    if reset_after:
        hw = hm @ recurrent_kernel  # (B, 3H)
        if recurrent_bias is not None:
            hw = hw + recurrent_bias
        rz, rr, rh = hw.chunk(3, dim=-1)
        z = recurrent_activation(xz + rz)
        r = recurrent_activation(xr + rr)
        hh = activation(xh + r * rh)
    else:
        units = h.shape[-1]
        rz, rr = (hm @ recurrent_kernel[:, : 2 * units]).chunk(2, dim=-1)
        z = recurrent_activation(xz + rz)
        r = recurrent_activation(xr + rr)
        hh = activation(xh + (r * hm) @ recurrent_kernel[:, 2 * units :])
    return z * h + (1 - z) * hh, (z, r, hh)


def gru_step(
    xw: torch.Tensor,
    h: torch.Tensor,
    recurrent_kernel: torch.Tensor,
    recurrent_bias: torch.Tensor | None,
    activation: Activation,
    recurrent_activation: Activation,
    reset_after: bool,
    recurrent_mask: torch.Tensor | None = None,
) -> torch.Tensor:
    return gru_step_with_gates(
        xw, h, recurrent_kernel, recurrent_bias, activation, recurrent_activation, reset_after, recurrent_mask
    )[0]


def layer_norm(z: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor, epsilon: float) -> torch.Tensor:
    """``(z - mean) / sqrt(var + eps) * gamma + beta`` over the last axis (biased variance)."""
    return torch.nn.functional.layer_norm(z, z.shape[-1:], gamma, beta, epsilon)


def layer_norm_lstm_projection(
    x: torch.Tensor,
    kernel: torch.Tensor,
    bias: torch.Tensor | None,
    gamma: torch.Tensor,
    beta: torch.Tensor,
    epsilon: float,
) -> torch.Tensor:
    """``LN(x @ kernel; gamma, beta) + bias`` for every time step at once: (B, T, I) -> (B, T, 4H)."""
    xw = layer_norm(x @ kernel, gamma, beta, epsilon)
    return xw if bias is None else xw + bias


def layer_norm_lstm_step_with_gates(
    xw: torch.Tensor,
    h: torch.Tensor,
    c: torch.Tensor,
    recurrent_kernel: torch.Tensor,
    recurrent_gamma: torch.Tensor,
    recurrent_beta: torch.Tensor,
    cell_gamma: torch.Tensor,
    cell_beta: torch.Tensor,
    epsilon: float,
    activation: Activation,
    recurrent_activation: Activation,
    recurrent_mask: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor, tuple[torch.Tensor, ...]]:
    """``(h_t, c_t, (i, f, c~, o))``; ``xw`` is the normalized input projection (B, 4H)."""
    recurrent = _masked(h, recurrent_mask) @ recurrent_kernel  # (B, 4H)
    z = xw + layer_norm(recurrent, recurrent_gamma, recurrent_beta, epsilon)
    i, f, g, o = z.chunk(4, dim=-1)
    i, f, g, o = recurrent_activation(i), recurrent_activation(f), activation(g), recurrent_activation(o)
    c = f * c + i * g
    h = o * activation(layer_norm(c, cell_gamma, cell_beta, epsilon))
    return h, c, (i, f, g, o)


# ---------------------------------------------------------------------------- cell records

States = tuple[torch.Tensor, ...]
Weights = tuple[torch.Tensor | None, ...]
Step = Callable[[torch.Tensor, States], tuple[States, tuple[torch.Tensor, ...]]]


@dataclass(frozen=True)
class CellSpec:
    """Everything rnnkit needs to know about one kind of recurrent cell.

    ``weights`` are the tensors after the states in a sequence call (``x, *states, *weights``),
    in the order a cell layer's ``sequence_weights()`` returns them; ``options`` the keyword
    options of its math with their defaults. ``project(x, weights, options)`` is the input
    projection of all steps, (B, T, I) -> (B, T, G*H); ``make_step(weights, options,
    recurrent_mask)`` returns ``step(xw_t, states) -> (new_states, gates)`` with the gates named
    by ``gate_names`` and the states by ``state_names`` (the first is the output h).
    ``torch_module`` is the ``torch.nn`` class computing the same kind (None where torch has
    none) and ``torch_gate_order`` its gate blocks as Keras block indices; ``keras_layer`` the
    name of Keras's layer class for the kind (None where Keras has none).
    """

    kind: str
    gates: int
    gate_names: tuple[str, ...]
    state_names: tuple[str, ...]
    weights: tuple[str, ...]
    options: Mapping[str, Any]
    project: Callable[[torch.Tensor, Weights, Mapping[str, Any]], torch.Tensor]
    make_step: Callable[[Weights, Mapping[str, Any], torch.Tensor | None], Step]
    torch_module: type[torch.nn.RNNBase] | None = None
    torch_gate_order: tuple[int, ...] = ()
    keras_layer: str | None = None

    def with_defaults(self, options: Mapping[str, Any]) -> dict[str, Any]:
        """``options`` completed with this kind's defaults; an option it does not take is an error."""
        unknown = sorted(set(options) - set(self.options))
        if unknown:
            raise TypeError(
                f"{self.kind} cell: unknown option(s) {unknown}; it takes {sorted(self.options)}"
            )
        return {**self.options, **options}


def _activations(options: Mapping[str, Any]) -> tuple[Activation, Activation]:
    return activations.get(options["activation"]), activations.get(options["recurrent_activation"])


def _project_with_bias(x: torch.Tensor, weights: Weights, options: Mapping[str, Any]) -> torch.Tensor:
    kernel, _, bias = weights
    return input_projection(x, kernel, bias)


def _simple_rnn_step(weights: Weights, options: Mapping[str, Any], recurrent_mask: torch.Tensor | None) -> Step:
    recurrent_kernel, act = weights[1], activations.get(options["activation"])

    def step(xw: torch.Tensor, states: States) -> tuple[States, tuple[torch.Tensor, ...]]:
        h, gates = simple_rnn_step_with_gates(xw, states[0], recurrent_kernel, act, recurrent_mask)
        return (h,), gates

    return step


def _lstm_step(weights: Weights, options: Mapping[str, Any], recurrent_mask: torch.Tensor | None) -> Step:
    recurrent_kernel, (act, ract) = weights[1], _activations(options)

    def step(xw: torch.Tensor, states: States) -> tuple[States, tuple[torch.Tensor, ...]]:
        h, c, gates = lstm_step_with_gates(xw, *states, recurrent_kernel, act, ract, recurrent_mask)
        return (h, c), gates

    return step


def _gru_project(x: torch.Tensor, weights: Weights, options: Mapping[str, Any]) -> torch.Tensor:
    kernel, _, bias = weights
    return input_projection(x, kernel, split_gru_bias(bias, options["reset_after"])[0])


def _gru_step(weights: Weights, options: Mapping[str, Any], recurrent_mask: torch.Tensor | None) -> Step:
    _, recurrent_kernel, bias = weights
    reset_after, (act, ract) = options["reset_after"], _activations(options)
    recurrent_bias = split_gru_bias(bias, reset_after)[1]

    def step(xw: torch.Tensor, states: States) -> tuple[States, tuple[torch.Tensor, ...]]:
        h, gates = gru_step_with_gates(
            xw, states[0], recurrent_kernel, recurrent_bias, act, ract, reset_after, recurrent_mask
        )
        return (h,), gates

    return step


def _layer_norm_lstm_project(x: torch.Tensor, weights: Weights, options: Mapping[str, Any]) -> torch.Tensor:
    kernel, _, bias, input_gamma, input_beta = weights[:5]
    return layer_norm_lstm_projection(x, kernel, bias, input_gamma, input_beta, options["epsilon"])


def _layer_norm_lstm_step(weights: Weights, options: Mapping[str, Any], recurrent_mask: torch.Tensor | None) -> Step:
    recurrent_kernel, norms = weights[1], weights[5:]  # recurrent gamma, beta; cell gamma, beta
    epsilon, (act, ract) = options["epsilon"], _activations(options)

    def step(xw: torch.Tensor, states: States) -> tuple[States, tuple[torch.Tensor, ...]]:
        h, c, gates = layer_norm_lstm_step_with_gates(
            xw, *states, recurrent_kernel, *norms, epsilon, act, ract, recurrent_mask
        )
        return (h, c), gates

    return step


_GATED = {"activation": "tanh", "recurrent_activation": "sigmoid"}
_KERAS_WEIGHTS = ("kernel", "recurrent_kernel", "bias")

SIMPLE_RNN = CellSpec(
    "simple_rnn", 1, ("pre",), ("h",), _KERAS_WEIGHTS, {"activation": "tanh"},
    _project_with_bias, _simple_rnn_step, torch.nn.RNN, (0,), "SimpleRNN",
)
LSTM = CellSpec(
    "lstm", 4, ("i", "f", "c~", "o"), ("h", "c"), _KERAS_WEIGHTS, _GATED,
    _project_with_bias, _lstm_step, torch.nn.LSTM, (0, 1, 2, 3), "LSTM",
)
GRU = CellSpec(
    "gru", 3, ("z", "r", "h~"), ("h",), _KERAS_WEIGHTS, {**_GATED, "reset_after": True},
    _gru_project, _gru_step, torch.nn.GRU, (1, 0, 2), "GRU",  # torch r, z, n: Keras r, z, h
)
LAYER_NORM_LSTM = CellSpec(
    "layer_norm_lstm", 4, ("i", "f", "c~", "o"), ("h", "c"),
    (*_KERAS_WEIGHTS, "input_gamma", "input_beta", "recurrent_gamma", "recurrent_beta",
     "cell_gamma", "cell_beta"),
    {**_GATED, "epsilon": 1e-3},
    _layer_norm_lstm_project, _layer_norm_lstm_step,
)

_BY_KIND = {s.kind: s for s in (SIMPLE_RNN, LSTM, GRU, LAYER_NORM_LSTM)}
SPECS: Mapping[str, CellSpec] = MappingProxyType(_BY_KIND)


def spec(kind: str) -> CellSpec:
    """The record of cell ``kind``; an unknown kind is a ValueError naming the known ones."""
    try:
        return _BY_KIND[kind]  # the dict, not the proxy: torch.compile breaks the graph on a proxy read after any dict write
    except (KeyError, TypeError):
        raise ValueError(f"Unknown recurrent cell kind {kind!r}; expected one of {sorted(SPECS)}") from None
