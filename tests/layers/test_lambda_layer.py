"""Lambda and Identity: shapes, masks, and why a Lambda never comes out of (or goes into) a file."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit import layers
from rnnkit.saving import ModelFileError, load_model


def test_lambda_runs_its_function_with_arguments():
    scale = layers.Lambda(lambda x, factor: x * factor, arguments={"factor": 3.0})
    np.testing.assert_allclose(scale(torch.ones(2, 2)).numpy(), np.full((2, 2), 3.0))


def test_lambda_output_shape_is_inferred_or_given():
    x = keras.Input((None, 6))
    assert layers.Lambda(lambda t: t[:, -1])(x).shape == (None, 6)
    assert layers.Lambda(lambda t: t.reshape(t.shape[0], -1, 2, 3))(keras.Input((5, 6))).shape == (None, 5, 2, 3)
    assert layers.Lambda(lambda t: t.sum(dim=1), output_shape=(6,))(x).shape == (None, 6)
    assert layers.Lambda(lambda ts: ts[0] + ts[1])([keras.Input((4,)), keras.Input((4,))]).shape == (None, 4)


def test_lambda_in_a_model_trains_like_any_layer():
    inputs = keras.Input((5, 3))
    h = layers.LSTM(4, return_sequences=True)(inputs)
    last = layers.Lambda(lambda t: t[:, -1, :])(h)
    model = keras.Model(inputs, layers.Dense(1)(last))
    model.compile(optimizer="adam", loss="mse")
    x, y = np.random.default_rng(0).normal(size=(16, 5, 3)).astype("float32"), np.zeros((16, 1), "float32")
    history = model.fit(x, y, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_lambda_drops_the_mask_unless_given_one():
    x = torch.randn(2, 3, 4)
    x._keras_mask = torch.tensor([[True, True, False], [True, False, False]])
    assert getattr(layers.Lambda(lambda t: t)(x), "_keras_mask", None) is None
    kept = layers.Lambda(lambda t: t * 2, mask=lambda inputs, mask: mask)(x)
    assert kept._keras_mask is x._keras_mask
    seen = []
    layers.Lambda(lambda t, mask: seen.append(mask) or t)(x)
    assert seen[0] is x._keras_mask


def test_identity_passes_input_and_mask():
    x = torch.randn(2, 3)
    x._keras_mask = torch.tensor([True, False])
    out = layers.Identity()(x)
    assert out is x and out._keras_mask is x._keras_mask
    assert layers.Identity()(keras.Input((4, 2))).shape == (None, 4, 2)


def test_a_model_with_a_lambda_cannot_be_saved_as_a_file(tmp_path):
    inputs = keras.Input((3,))
    model = keras.Model(inputs, layers.Lambda(lambda t: t + 1)(inputs))
    with pytest.raises(ValueError, match=r"\(Lambda\) cannot be saved"):
        model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="its function is Python code"):
        model.layers[1].get_config()


def test_a_lambda_in_a_keras_file_is_refused_with_what_to_do(tmp_path):
    config = {
        "module": "keras",
        "class_name": "Sequential",
        "config": {
            "name": "sequential",
            "layers": [
                {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [None, 3], "dtype": "float32", "name": "input_layer"}},
                {"module": "keras.layers", "class_name": "Lambda", "config": {"name": "lambda", "function": {"class_name": "__lambda__", "config": {"code": "4wEAAAAAAAAA", "defaults": None, "closure": None}}}},
            ],
        },
    }
    path = tmp_path / "lambda.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", json.dumps(config))
        archive.writestr("metadata.json", json.dumps({"keras_version": "3.15.1"}))
        archive.writestr("model.weights.h5", b"")
    with pytest.raises(ModelFileError, match=r"lambda.*Lambda.*never runs code stored in a file, whatever safe_mode says"):
        load_model(path)


def test_lambda_needs_a_callable():
    with pytest.raises(TypeError, match="callable"):
        layers.Lambda("x + 1")
