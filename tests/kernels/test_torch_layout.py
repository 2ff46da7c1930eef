"""The native path's cached torch-layout weights: reused while the weights are unchanged, rebuilt
after every kind of change (optimizer step, set_weights, load_state_dict, a dtype change), and
giving the gradients of the uncached layout."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers.sequence_cases import assert_close, make_case, outputs_and_grads

import rnnkit
from rnnkit import recurrence
from rnnkit.kernels import native, torch_layout

CELLS = ("simple_rnn", "lstm", "gru")


def expected_params(layer):
    """The torch layout computed now, without any cache."""
    with torch.no_grad():
        return [p.contiguous() for p in torch_layout.layout(layer.cell.kind, *layer.cell.sequence_weights())]


def cached_params(layer):
    with torch.no_grad():
        return torch_layout.torch_params(layer.cell.kind, *layer.cell.sequence_weights())


def native_layer(cell, units=4):
    kind = {"simple_rnn": rnnkit.layers.SimpleRNN, "lstm": rnnkit.layers.LSTM, "gru": rnnkit.layers.GRU}[cell]
    layer = kind(units, return_sequences=True, implementation="native")
    layer(torch.zeros(2, 3, 5))
    return layer


def assert_follows(layer):
    for got, want in zip(cached_params(layer), expected_params(layer)):
        assert got.dtype == want.dtype
        torch.testing.assert_close(got, want, rtol=0, atol=0)


@pytest.mark.parametrize("cell", CELLS)
def test_unchanged_weights_reuse_the_cached_copy(cell):
    layer = native_layer(cell)
    first, second = cached_params(layer), cached_params(layer)
    assert [p.data_ptr() for p in first] == [p.data_ptr() for p in second]
    assert_follows(layer)


@pytest.mark.parametrize("cell", CELLS)
def test_cached_weights_follow_an_optimizer_step(cell):
    layer = native_layer(cell)
    cached_params(layer)
    optimizer = torch.optim.Adam(layer.parameters(), lr=0.1)
    for _ in range(2):
        optimizer.zero_grad()
        layer(torch.randn(2, 3, 5)).square().sum().backward()
        optimizer.step()
        assert_follows(layer)


@pytest.mark.parametrize("cell", CELLS)
def test_cached_weights_follow_set_weights_and_load_state_dict(cell):
    layer = native_layer(cell)
    cached_params(layer)
    layer.set_weights([np.full(w.shape, 0.25, dtype=np.float32) for w in layer.get_weights()])
    assert_follows(layer)
    assert float(cached_params(layer)[0][0, 0]) == 0.25
    other = native_layer(cell)
    layer.load_state_dict(other.state_dict())
    assert_follows(layer)
    torch.testing.assert_close(cached_params(layer)[1], expected_params(other)[1])


@pytest.mark.parametrize("cell", CELLS)
def test_cached_weights_follow_a_dtype_change(cell):
    layer = native_layer(cell)
    cached_params(layer)
    layer.to(torch.float64)
    assert all(p.dtype == torch.float64 for p in cached_params(layer))
    assert_follows(layer)
    y = layer(torch.randn(2, 3, 5, dtype=torch.float64))
    assert y.dtype == torch.float64


@pytest.mark.parametrize("cell", CELLS)
def test_native_with_the_cache_matches_the_reference_over_repeated_calls(cell):
    """Outputs and gradients at every leaf, on the second call too (served from the cache)."""
    x, states, weights = make_case(cell)
    expected = outputs_and_grads(recurrence.reference(cell), x, states, weights)
    for _ in range(2):
        got = outputs_and_grads(native.SEQUENCES[cell], x, states, weights)
        for name, a, b in zip(("y", "states", "grads"), got, expected):
            for i, (ta, tb) in enumerate(zip(a, b)):
                assert_close(ta, tb, f"{cell} {name}[{i}]")


def test_a_cache_filled_under_inference_mode_serves_training():
    layer = native_layer("lstm")
    with torch.inference_mode():
        layer(torch.randn(2, 3, 5))
    layer(torch.randn(2, 3, 5)).sum().backward()
    assert layer.cell.kernel.grad is not None and layer.cell.kernel.grad.abs().sum() > 0


@pytest.mark.parametrize("with_bias", [True, False], ids=["bias", "no-bias"])
@pytest.mark.parametrize("cell", CELLS)
def test_the_written_out_layout_gradients_equal_autograd_through_the_layout(cell, with_bias):
    gates = {"simple_rnn": 1, "lstm": 4, "gru": 3}[cell]
    units, inputs = 3, 5
    g = torch.Generator().manual_seed(0)
    kernel = torch.randn(inputs, gates * units, generator=g, dtype=torch.float64, requires_grad=True)
    recurrent = torch.randn(units, gates * units, generator=g, dtype=torch.float64, requires_grad=True)
    bias_shape = (2, gates * units) if cell == "gru" else (gates * units,)
    bias = torch.randn(bias_shape, generator=g, dtype=torch.float64, requires_grad=True) if with_bias else None
    weights = (kernel, recurrent) if bias is None else (kernel, recurrent, bias)
    outs = torch_layout.layout(cell, kernel, recurrent, bias)
    upstream = [torch.randn(o.shape, generator=g, dtype=torch.float64) for o in outs]
    flowing = [(o, u) for o, u in zip(outs, upstream) if o.requires_grad]  # not torch's constant zero b_hh
    expected = torch.autograd.grad([o for o, _ in flowing], weights, [u for _, u in flowing], allow_unused=True)
    found = torch_layout.layout_gradients(cell, weights, tuple(upstream))
    for want, got in zip(expected, found):
        torch.testing.assert_close(got, want, rtol=0, atol=0)
    if with_bias:  # gradients that did not flow stay None, or zero where a stacked GRU bias needs a row
        partial = list(upstream)
        partial[3] = None
        got = torch_layout.layout_gradients(cell, weights, tuple(partial))[2]
        want = torch.autograd.grad(outs[2], weights[2], upstream[2])[0]
        torch.testing.assert_close(got, want, rtol=0, atol=0)
