"""An independent float64 NumPy statement of Keras 3's recurrent equations, for parity tests.

Written from the Keras layout description (not from rnnkit.cells), one step at a time, with
Keras's masking rules. Weights are Keras arrays: kernel (I, G*H), recurrent_kernel (H, G*H), bias.
"""

from __future__ import annotations

import numpy as np

ACTIVATIONS = {
    "tanh": np.tanh,
    "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
    "hard_sigmoid": lambda x: np.clip(x / 6.0 + 0.5, 0.0, 1.0),
    "relu": lambda x: np.maximum(x, 0.0),
    "linear": lambda x: x,
}


def run(kind, x, weights, *, initial=None, activation="tanh", recurrent_activation="sigmoid",
        reset_after=True, mask=None, go_backwards=False, zero_output_for_mask=False):
    """Returns (outputs (B, T, H) in processing order, list of final states)."""
    x = np.asarray(x, np.float64)
    kernel, recurrent = (np.asarray(w, np.float64) for w in weights[:2])
    bias = np.asarray(weights[2], np.float64) if len(weights) > 2 else None
    act, ract = ACTIVATIONS[activation], ACTIVATIONS[recurrent_activation]
    batch, steps, _ = x.shape
    units = recurrent.shape[0]
    n_states = 2 if kind == "lstm" else 1
    states = [np.zeros((batch, units))] * n_states if initial is None else [np.asarray(s, np.float64) for s in initial]
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    outputs, previous = [], np.zeros((batch, units))
    for t in order:
        xt = x[:, t]
        if kind == "simple_rnn":
            z = xt @ kernel + states[0] @ recurrent + (0 if bias is None else bias)
            new = [act(z)]
        elif kind == "lstm":
            z = xt @ kernel + states[0] @ recurrent + (0 if bias is None else bias)
            i, f, g, o = (z[:, k * units:(k + 1) * units] for k in range(4))
            c = ract(f) * states[1] + ract(i) * act(g)
            new = [ract(o) * act(c), c]
        else:
            h = states[0]
            kz, kr, kh = (kernel[:, k * units:(k + 1) * units] for k in range(3))
            uz, ur, uh = (recurrent[:, k * units:(k + 1) * units] for k in range(3))
            if bias is None:
                bi = bh = np.zeros(3 * units)
            elif reset_after:
                bi, bh = bias[0], bias[1]
            else:
                bi, bh = bias, np.zeros(3 * units)
            biz, bir, bih = (bi[k * units:(k + 1) * units] for k in range(3))
            bhz, bhr, bhh = (bh[k * units:(k + 1) * units] for k in range(3))
            z = ract(xt @ kz + biz + h @ uz + bhz)
            r = ract(xt @ kr + bir + h @ ur + bhr)
            if reset_after:
                candidate = act(xt @ kh + bih + r * (h @ uh + bhh))
            else:
                candidate = act(xt @ kh + bih + (r * h) @ uh)
            new = [z * h + (1 - z) * candidate]
        out = new[0]
        if mask is not None:
            keep = np.asarray(mask[:, t], bool)[:, None]
            new = [np.where(keep, n, s) for n, s in zip(new, states)]
            out = np.where(keep, out, 0.0 if zero_output_for_mask else previous)
        states, previous = new, out
        outputs.append(out)
    return np.stack(outputs, axis=1), states


def layer_norm(z, gain, shift, epsilon):
    """Ba et al.'s LN over the last axis: (z - mean) / sqrt(mean((z - mean)^2) + eps) * gain + shift."""
    mean = z.mean(axis=-1, keepdims=True)
    variance = ((z - mean) ** 2).mean(axis=-1, keepdims=True)
    return (z - mean) / np.sqrt(variance + epsilon) * gain + shift


def run_layer_norm_lstm(x, weights, *, initial=None, epsilon=1e-3, mask=None, go_backwards=False,
                        zero_output_for_mask=False):
    """LayerNorm-LSTM (Ba, Kiros and Hinton 2016, section 6.2), Keras gate order i, f, c, o.

    ``weights``: kernel (I, 4H), recurrent_kernel (H, 4H), bias (4H,) or None, then gains and
    shifts of the input projection (4H,), the recurrent projection (4H,) and the cell (H,).
    Returns (outputs (B, T, H) in processing order, [h, c]).
    """
    x = np.asarray(x, np.float64)
    kernel, recurrent, bias, gx, bx, gh, bh, gc, bc = (None if w is None else np.asarray(w, np.float64) for w in weights)
    sigmoid = ACTIVATIONS["sigmoid"]
    batch, steps, _ = x.shape
    units = recurrent.shape[0]
    h, c = (np.zeros((batch, units)),) * 2 if initial is None else (np.asarray(s, np.float64) for s in initial)
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    outputs, previous = [], np.zeros((batch, units))
    for t in order:
        z = layer_norm(x[:, t] @ kernel, gx, bx, epsilon) + layer_norm(h @ recurrent, gh, bh, epsilon)
        if bias is not None:
            z = z + bias
        i, f, g, o = (z[:, k * units:(k + 1) * units] for k in range(4))
        c_new = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h_new = sigmoid(o) * np.tanh(layer_norm(c_new, gc, bc, epsilon))
        out = h_new
        if mask is not None:
            keep = np.asarray(mask[:, t], bool)[:, None]
            h_new, c_new = np.where(keep, h_new, h), np.where(keep, c_new, c)
            out = np.where(keep, out, 0.0 if zero_output_for_mask else previous)
        h, c, previous = h_new, c_new, out
        outputs.append(out)
    return np.stack(outputs, axis=1), [h, c]
