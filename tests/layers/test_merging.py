"""Add, Subtract, Multiply, Average, Maximum, Minimum and Dot against Keras 3 (values and masks)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit import layers

from helpers.keras_layer_fixtures import FIXTURES, fixture, set_keras_weights
from helpers.keras_models import merges


def test_merges_of_two_lstm_branches_match_keras_values_and_masks():
    meta, data, xs, ys, weights = fixture("merges")
    model = merges(keras)
    assert [type(l).__name__ for l in model.layers] == [l["class_name"] for l in meta["layers"]]
    set_keras_weights(model, weights)
    model.eval()
    with torch.no_grad():
        outputs = model([torch.as_tensor(x) for x in xs])
    for i, (got, want) in enumerate(zip(outputs, ys)):
        np.testing.assert_allclose(got.numpy(), want, atol=2e-6, err_msg=f"output {i}")
        mask = getattr(got, "_keras_mask", None)
        assert (mask is not None) == (f"m{i}" in data), f"output {i}: mask presence differs from Keras"
        if mask is not None:
            np.testing.assert_array_equal(mask.numpy(), data[f"m{i}"])
    by_name = {l["name"]: l["output_shape"] for l in meta["layers"]}
    assert [list(t.shape) for t in model.outputs] == [by_name[t.node.layer.name] for t in model.outputs]


def test_dot_matches_keras_on_2d_and_3d_inputs():
    data = np.load(FIXTURES / "layer_steps.npz")
    a, b, c = (torch.as_tensor(data[k]) for k in ("dot_a", "dot_b", "dot_c"))
    np.testing.assert_allclose(layers.Dot(axes=1)([a, b]).numpy(), data["dot_ab"], atol=1e-6)
    np.testing.assert_allclose(layers.Dot(axes=(1, 2))([a, c]).numpy(), data["dot_ac"], atol=1e-6)
    np.testing.assert_allclose(layers.Dot(axes=(2, 1), normalize=True)([c, a]).numpy(), data["dot_ca_norm"], atol=1e-6)


def test_merge_shapes_broadcast_and_align_ranks_as_keras():
    x, y = keras.Input((5, 1)), keras.Input((5, 4))
    assert layers.Add()([x, y]).shape == (None, 5, 4)
    assert layers.Multiply()([keras.Input((4,)), y]).shape == (None, 5, 4)
    assert layers.Dot(axes=(2, 2))([y, keras.Input((3, 4))]).shape == (None, 5, 3)
    assert layers.Dot(axes=1)([keras.Input((4,)), keras.Input((4,))]).shape == (None, 1)
    out = layers.Add()([torch.ones(2, 4), torch.ones(2, 3, 4)])
    assert tuple(out.shape) == (2, 3, 4) and torch.all(out == 2)


def test_merging_is_differentiable_in_float64():
    torch.manual_seed(0)
    x = torch.randn(2, 3, 4, dtype=torch.float64, requires_grad=True)
    y = torch.randn(2, 3, 4, dtype=torch.float64, requires_grad=True)
    for layer in (layers.Multiply(), layers.Average(), layers.Subtract(), layers.Dot(axes=2, normalize=True)):
        assert torch.autograd.gradcheck(lambda a, b: layer([a, b]), (x, y))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: layers.Add()(torch.zeros(2, 3)), "list of tensors"),
        (lambda: layers.Subtract()([torch.zeros(2, 3)] * 3), "takes 2 inputs"),
        (lambda: layers.Add()([torch.zeros(2, 3), torch.zeros(2, 4)]), "incompatible shapes"),
        (lambda: layers.Add()([torch.zeros(2, 3), torch.zeros(5, 3)]), "batch sizes"),
        (lambda: layers.Dot(axes=(1, 2, 3)), "axes"),
        (lambda: layers.Dot(axes=1)([torch.zeros(2, 3), torch.zeros(2, 4)]), "same size"),
        (lambda: layers.Dot(axes=0)([torch.zeros(2, 3), torch.zeros(2, 3)]), "non-batch"),
    ],
)
def test_bad_input_is_refused_clearly(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_functional_forms_build_the_layers():
    a, b = keras.Input((3, 4)), keras.Input((3, 4))
    for fn, cls in ((layers.add, layers.Add), (layers.subtract, layers.Subtract), (layers.multiply, layers.Multiply),
                    (layers.average, layers.Average), (layers.maximum, layers.Maximum), (layers.minimum, layers.Minimum)):
        out = fn([a, b])
        assert isinstance(out.node.layer, cls) and out.shape == (None, 3, 4)
    scores = layers.dot([a, b], axes=2)
    assert isinstance(scores.node.layer, layers.Dot) and scores.shape == (None, 3, 3)
    x, y = torch.randn(2, 3), torch.randn(2, 3)
    np.testing.assert_allclose(layers.subtract([x, y]).numpy(), (x - y).numpy())
