"""Attention, AdditiveAttention and MultiHeadAttention against Keras 3 fixtures, float64 references
and gradcheck (fixtures: scripts/make_keras_fixtures_layers.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit import layers
from rnnkit.saving import load_model

from helpers.keras_layer_fixtures import FIXTURES, fixture, set_keras_weights
from helpers.keras_models import bilstm_attention, mha_lstm


def run(model, xs):
    model.eval()
    with torch.no_grad():
        out = model([torch.as_tensor(x) for x in xs] if len(xs) > 1 else torch.as_tensor(xs[0]))
    return out if isinstance(out, list) else [out]


@pytest.mark.parametrize("name, build", [("bilstm_attention", bilstm_attention), ("mha_lstm", mha_lstm)])
def test_masked_attention_models_match_keras(name, build):
    meta, data, xs, ys, weights = fixture(name)
    model = build(keras)
    assert [type(l).__name__ for l in model.layers] == [l["class_name"] for l in meta["layers"]]
    assert [list(t.shape) for t in model.outputs] == _output_shapes(meta, model)
    set_keras_weights(model, weights)
    outputs = run(model, xs)
    for i, (got, want) in enumerate(zip(outputs, ys)):
        np.testing.assert_allclose(got.numpy(), want, atol=2e-6, err_msg=f"output {i}")
        mask = getattr(got, "_keras_mask", None)  # Keras's eager (run-time) masks are the m<i>
        assert (mask is not None) == (f"m{i}" in data), f"output {i} mask"
        if mask is not None:
            np.testing.assert_array_equal(mask.numpy(), data[f"m{i}"])
    assert model.count_params() == meta["params"]["total"]


def _output_shapes(meta, model):
    """The Keras output shapes of the model's outputs, from the per-layer shapes in the json."""
    by_name = {l["name"]: l["output_shape"] for l in meta["layers"]}
    shapes = []
    for tensor in model.outputs:
        shape = by_name[tensor.node.layer.name]
        shapes.append(shape[tensor.index] if isinstance(shape[0], list) else shape)
    return shapes


@pytest.mark.parametrize("name", ["attention_unmasked", "mha_self_attention"])
@pytest.mark.parametrize("kind", ["keras", "h5"])
def test_attention_files_load_and_match_keras(name, kind):
    meta, data, xs, ys, weights = fixture(name)
    model = load_model(FIXTURES / f"{name}.{kind}")
    for got, want in zip(run(model, xs), ys):
        np.testing.assert_allclose(got.numpy(), want, atol=2e-6)
    got_weights = [w for layer in model.layers for w in layer.get_weights()]
    assert [w.shape for w in got_weights] == [tuple(w["shape"]) for w in meta["weights"]]
    for got, want in zip(got_weights, weights):
        np.testing.assert_array_equal(got, want)
    assert [l.name for l in model.layers] == [l["name"] for l in meta["layers"]]


@pytest.mark.parametrize("name", ["attention_unmasked", "mha_self_attention"])
def test_attention_models_round_trip_through_keras_files(name, tmp_path):
    meta, data, xs, ys, weights = fixture(name)
    model = load_model(FIXTURES / f"{name}.keras")
    model.save(tmp_path / "again.keras")
    again = load_model(tmp_path / "again.keras")
    for got, want in zip(run(again, xs), ys):
        np.testing.assert_allclose(got.numpy(), want, atol=2e-6)
    model.save_weights(tmp_path / "again.weights.h5")
    fresh = load_model(FIXTURES / f"{name}.keras")
    for p in fresh.parameters():
        torch.nn.init.zeros_(p)
    fresh.load_weights(tmp_path / "again.weights.h5")
    for got, want in zip(run(fresh, xs), ys):
        np.testing.assert_allclose(got.numpy(), want, atol=2e-6)


def test_multi_head_attention_weight_layout_is_keras_einsum():
    mha = layers.MultiHeadAttention(num_heads=3, key_dim=2, value_dim=5, output_shape=7)
    out = mha(torch.zeros(2, 4, 6), torch.zeros(2, 3, 8))
    assert tuple(out.shape) == (2, 4, 7)
    assert [w.shape for w in mha.get_weights()] == [(6, 3, 2), (3, 2), (8, 3, 2), (3, 2), (8, 3, 5), (3, 5), (3, 5, 7), (7,)]


def reference_mha(q, v, kernels, key_dim, keep=None):
    """Multi-head attention in float64 numpy, head by head, from Keras's einsum layouts."""
    (wq, bq, wk, bk, wv, bv, wo, bo) = kernels
    heads = wq.shape[1]
    out = np.zeros(q.shape[:2] + (wo.shape[-1],))
    for h in range(heads):
        qh = (q @ wq[:, h] + bq[h]) / math.sqrt(key_dim)
        kh, vh = v @ wk[:, h] + bk[h], v @ wv[:, h] + bv[h]
        s = qh @ kh.transpose(0, 2, 1)
        if keep is not None:
            s = np.where(keep, s, -1e9)
        p = np.exp(s - s.max(-1, keepdims=True))
        p /= p.sum(-1, keepdims=True)
        out += (p @ vh) @ wo[h]
    return out + bo


def test_multi_head_attention_matches_a_float64_reference_with_masks():
    rng = np.random.default_rng(0)
    q, v = rng.normal(size=(2, 4, 6)), rng.normal(size=(2, 5, 3))
    value_mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3, output_shape=4)
    mha(torch.zeros(2, 4, 6), torch.zeros(2, 5, 3))
    mha.double()
    kernels = [rng.normal(size=w.shape) for w in mha.get_weights()]
    mha.set_weights(kernels)
    got = mha(torch.as_tensor(q), torch.as_tensor(v), value_mask=torch.as_tensor(value_mask), use_causal_mask=True)
    keep = value_mask[:, None, :] & np.tril(np.ones((4, 5), bool))[None]
    np.testing.assert_allclose(got.detach().numpy(), reference_mha(q, v, kernels, 3, keep), rtol=1e-10, atol=1e-12)


def test_attention_gradcheck_float64():
    torch.manual_seed(0)
    for layer in (layers.Attention(use_scale=True, score_mode="concat"), layers.AdditiveAttention(), layers.Attention(use_scale=True)):
        q = torch.randn(2, 2, 3, dtype=torch.float64, requires_grad=True)
        v = torch.randn(2, 3, 3, dtype=torch.float64, requires_grad=True)
        layer([q.float(), v.float()])
        layer.double()
        with torch.no_grad():
            for p in layer.parameters():
                p.copy_(torch.randn_like(p))
        mask = torch.tensor([[True, True, False], [True] * 3])
        v._keras_mask = mask
        assert torch.autograd.gradcheck(lambda q, v, *w: layer([q, v], use_causal_mask=True), (q, v, *layer.parameters()))


def test_multi_head_attention_gradcheck_float64():
    torch.manual_seed(1)
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=2)
    q = torch.randn(1, 3, 4, dtype=torch.float64, requires_grad=True)
    v = torch.randn(1, 4, 2, dtype=torch.float64, requires_grad=True)
    mha(q.float(), v.float())
    mha.double()
    assert torch.autograd.gradcheck(lambda q, v, *w: mha(q, v, use_causal_mask=True), (q, v, *mha.parameters()))


def test_attention_scores_and_shapes_in_the_functional_api():
    q, v = keras.Input((5, 4)), keras.Input((7, 3))
    out, scores = layers.Attention()([q, v, keras.Input((7, 4))], return_attention_scores=True)
    assert out.shape == (None, 5, 3) and scores.shape == (None, 5, 7)
    mha_out, mha_scores = layers.MultiHeadAttention(2, 3)(q, v, return_attention_scores=True)
    assert mha_out.shape == (None, 5, 4) and mha_scores.shape == (None, 2, 5, 7)


def test_fully_masked_query_rows_follow_keras():
    """Attention zeroes masked query steps; MHA averages values there on Keras's fused path."""
    h = torch.randn(1, 3, 4)
    h._keras_mask = torch.tensor([[True, True, False]])
    out = layers.Attention()([h, h])
    assert torch.all(out[0, 2] == 0)
    np.testing.assert_array_equal(out._keras_mask.numpy(), [[True, True, False]])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: layers.Attention()(torch.zeros(2, 3, 4)), "list"),
        (lambda: layers.Attention(score_mode="add"), "score_mode"),
        (lambda: layers.Attention()([torch.zeros(2, 3, 4), torch.zeros(2, 3, 5)]), "same last axis"),
        (lambda: layers.MultiHeadAttention(0, 2), "num_heads"),
        (lambda: layers.MultiHeadAttention(2, 2, attention_axes=(1, 2)), "attention_axes"),
        (lambda: layers.MultiHeadAttention(2, 2)(torch.zeros(2, 3, 4)), "mha\\(query, value\\)"),
    ],
)
def test_bad_input_is_refused_clearly(call, message):
    with pytest.raises(ValueError, match=message):
        call()
