"""One recurrent step of SimpleRNN, LSTM and GRU, in plain torch: the only place the math lives.

Weights use Keras's layout (row vectors times matrices), so Keras files map one to one::

    B batch, I input features, H units, G gates (SimpleRNN 1, GRU 3, LSTM 4)
    kernel            (I, G*H)   input projection, gate blocks side by side
    recurrent_kernel  (H, G*H)
    bias              (G*H,)     GRU with reset_after=True: (2, G*H), row 0 input, row 1 recurrent

Gate order along the G*H axis: LSTM i, f, c (candidate), o; GRU z (update), r (reset), h (candidate).

Each ``*_step`` has a ``*_step_with_gates`` twin that also returns the step's gate values after
their activations (names in :data:`GATE_NAMES`; SimpleRNN's only "gate" is its pre-activation);
the step functions call their twins, so :mod:`rnnkit.inspect` reads the very same math.

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
"""

from __future__ import annotations

import torch

from .activations import Activation

GATES = {"simple_rnn": 1, "lstm": 4, "gru": 3}
GATE_NAMES = {"simple_rnn": ("pre",), "lstm": ("i", "f", "c~", "o"), "gru": ("z", "r", "h~")}


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
