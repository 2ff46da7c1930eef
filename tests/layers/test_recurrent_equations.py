"""Every recurrent layer and option against the independent float64 NumPy equations."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from helpers.numpy_reference import run as reference
from rnnkit.layers import GRU, LSTM, SimpleRNN

B, T, I, H = 4, 7, 3, 5

LAYERS = {
    "simple_rnn": (SimpleRNN, [{}, {"activation": "relu"}, {"use_bias": False}]),
    "lstm": (
        LSTM,
        [{}, {"activation": "relu", "recurrent_activation": "hard_sigmoid"}, {"use_bias": False}],
    ),
    "gru": (
        GRU,
        [{}, {"reset_after": False}, {"use_bias": False}, {"reset_after": False, "recurrent_activation": "hard_sigmoid"}],
    ),
}
CONFIGS = [(kind, options) for kind, (_, variants) in LAYERS.items() for options in variants]


def make_mask() -> np.ndarray:
    """Trailing padding, leading padding, a hole in the middle, and a fully masked row."""
    mask = np.ones((B, T), bool)
    mask[0, 4:] = False
    mask[1, :3] = False
    mask[2, 3] = False
    mask[3, :] = False
    return mask


def build(kind, options, rng, **layer_args):
    layer = LAYERS[kind][0](H, return_sequences=True, return_state=True, **options, **layer_args)
    layer(torch.zeros(1, T, I))
    weights = [rng.normal(0, 0.6, w.shape) for w in layer.get_weights()]
    layer.double()
    layer.set_weights(weights)
    return layer, weights


@pytest.mark.parametrize("kind,options", CONFIGS, ids=[f"{k}-{o}" for k, o in CONFIGS])
@pytest.mark.parametrize("masked,go_backwards,with_state", list(itertools.product([False, True], repeat=3)))
def test_layer_matches_float64_equations(kind, options, masked, go_backwards, with_state):
    rng = np.random.default_rng(7)
    layer, weights = build(kind, options, rng, go_backwards=go_backwards)
    x = rng.normal(size=(B, T, I))
    mask = make_mask() if masked else None
    n_states = 2 if kind == "lstm" else 1
    initial = [rng.normal(size=(B, H)) for _ in range(n_states)] if with_state else None
    equation_options = {k: v for k, v in options.items() if k != "use_bias"}
    expected, expected_states = reference(
        kind, x, weights, initial=initial, mask=mask, go_backwards=go_backwards, **equation_options
    )
    out, *states = layer(
        torch.tensor(x),
        mask=None if mask is None else torch.tensor(mask),
        initial_state=None if initial is None else [torch.tensor(s) for s in initial],
    )
    np.testing.assert_allclose(out.detach().numpy(), expected, atol=1e-12, rtol=0)
    for got, want in zip(states, expected_states):
        np.testing.assert_allclose(got.detach().numpy(), want, atol=1e-12, rtol=0)


@pytest.mark.parametrize("kind", ["simple_rnn", "lstm", "gru"])
def test_zero_output_for_mask_and_last_output(kind):
    rng = np.random.default_rng(3)
    layer, weights = build(kind, {}, rng, zero_output_for_mask=True)
    x, mask = rng.normal(size=(B, T, I)), make_mask()
    expected, _ = reference(kind, x, weights, mask=mask, zero_output_for_mask=True)
    out = layer(torch.tensor(x), mask=torch.tensor(mask))[0].detach().numpy()
    np.testing.assert_allclose(out, expected, atol=1e-12, rtol=0)
    assert np.all(out[~mask] == 0.0)

    last = LAYERS[kind][0](H)
    last(torch.zeros(1, T, I))
    last.double()
    last.set_weights(weights)
    expected_last, _ = reference(kind, x, weights, mask=mask)
    got = last(torch.tensor(x), mask=torch.tensor(mask)).detach().numpy()
    np.testing.assert_allclose(got, expected_last[:, -1], atol=1e-12, rtol=0)
