"""RepeatVector, Permute, Cropping1D, ZeroPadding1D and UpSampling1D: values, shapes, Keras files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit import layers
from rnnkit.saving import load_model

from helpers.keras_models import seq2seq_repeat

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "keras_layers"


def fixture(name):
    meta = json.loads((FIXTURES / f"{name}.json").read_text())
    data = np.load(FIXTURES / f"{name}.npz")
    weights = [data[f"w{i}"] for i in range(len(meta["weights"]))]
    return meta, data["x0"], data["y0"], weights


@pytest.mark.parametrize("kind", ["keras", "h5"])
def test_encoder_decoder_with_repeat_vector_loads_and_matches_keras(kind, capsys):
    meta, x, y, weights = fixture("seq2seq_repeat")
    model = load_model(FIXTURES / f"seq2seq_repeat.{kind}")
    np.testing.assert_allclose(model.predict(x, verbose=0), y, atol=2e-6)
    model.summary()
    assert capsys.readouterr().out.rstrip() == meta["summary"].rstrip()


def test_encoder_decoder_in_code_matches_keras_and_round_trips(tmp_path):
    meta, x, y, weights = fixture("seq2seq_repeat")
    model = seq2seq_repeat(keras)
    model.set_weights(weights)
    assert [model.output_shapes[l.name] for l in model.layers] == [tuple(l["output_shape"]) for l in meta["layers"]]
    np.testing.assert_allclose(model.predict(x, verbose=0), y, atol=2e-6)
    model.save(tmp_path / "s2s.keras")
    again = load_model(tmp_path / "s2s.keras")
    np.testing.assert_allclose(again.predict(x, verbose=0), y, atol=2e-6)
    assert again.layers[1].get_config()["n"] == 5


def test_reshaping_values_match_numpy():
    x = np.arange(2 * 5 * 3, dtype=np.float32).reshape(2, 5, 3)
    t = torch.as_tensor(x)
    np.testing.assert_array_equal(layers.RepeatVector(3)(t[:, 0]).numpy(), np.repeat(x[:, None, 0], 3, axis=1))
    np.testing.assert_array_equal(layers.Permute((2, 1))(t).numpy(), x.transpose(0, 2, 1))
    np.testing.assert_array_equal(layers.Cropping1D((1, 2))(t).numpy(), x[:, 1:3])
    np.testing.assert_array_equal(layers.Cropping1D(0)(t).numpy(), x)
    np.testing.assert_array_equal(layers.ZeroPadding1D((2, 1))(t).numpy(), np.pad(x, ((0, 0), (2, 1), (0, 0))))
    np.testing.assert_array_equal(layers.UpSampling1D(2)(t).numpy(), np.repeat(x, 2, axis=1))


def test_reshaping_shapes_in_the_functional_api():
    x = keras.Input((None, 4))
    assert layers.Permute((2, 1))(x).shape == (None, 4, None)
    assert layers.Cropping1D((1, 1))(x).shape == (None, None, 4)
    assert layers.ZeroPadding1D(2)(keras.Input((6, 4))).shape == (None, 10, 4)
    assert layers.UpSampling1D(3)(keras.Input((6, 4))).shape == (None, 18, 4)
    assert layers.RepeatVector(4)(keras.Input((7,))).shape == (None, 4, 7)


def test_reshaping_layers_drop_the_mask_as_keras():
    x = torch.randn(2, 4, 3)
    x._keras_mask = torch.tensor([[True] * 4, [True, False, False, False]])
    for layer in (layers.Permute((1, 2)), layers.Cropping1D(0), layers.ZeroPadding1D(0), layers.UpSampling1D(1)):
        assert getattr(layer(x), "_keras_mask", None) is None, type(layer).__name__


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: layers.RepeatVector(0), ValueError, "n must be a positive integer"),
        (lambda: layers.RepeatVector(2)(torch.zeros(2, 3, 4)), ValueError, "2-D input"),
        (lambda: layers.Permute((0, 1)), ValueError, "permutation"),
        (lambda: layers.Permute((2, 1))(torch.zeros(2, 3)), ValueError, "3-D input"),
        (lambda: layers.Cropping1D((3, 3))(torch.zeros(1, 5, 2)), ValueError, "leaves no steps"),
        (lambda: layers.Cropping1D((1, -1)), ValueError, "non-negative"),
        (lambda: layers.ZeroPadding1D(1, data_format="channels_first"), ValueError, "channels_last"),
        (lambda: layers.UpSampling1D(1.5), ValueError, "size"),
    ],
)
def test_bad_input_is_refused_clearly(call, error, message):
    with pytest.raises(error, match=message):
        call()
