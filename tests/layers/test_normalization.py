"""BatchNormalization, LayerNormalization and Normalization against Keras 3 fixtures (inference,
a training step with and without a mask, adapt) and gradcheck."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit import layers
from rnnkit.saving import load_model

from helpers.keras_layer_fixtures import FIXTURES, fixture, set_keras_weights
from helpers.keras_models import batchnorm_inference

STEPS = np.load(FIXTURES / "layer_steps.npz")


@pytest.mark.parametrize("name", ["batchnorm_inference", "normalization_lstm"])
@pytest.mark.parametrize("kind", ["keras", "h5"])
def test_normalization_models_load_from_keras_files_and_match(name, kind):
    meta, data, xs, ys, weights = fixture(name)
    model = load_model(FIXTURES / f"{name}.{kind}")
    outputs = model.predict(xs[0], verbose=0)
    for got, want in zip(outputs if isinstance(outputs, list) else [outputs], ys, strict=True):
        np.testing.assert_allclose(got, want, atol=3e-6)
    got = [w for layer in model.layers for w in layer.get_weights()]
    for g, w in zip(got, weights, strict=True):
        np.testing.assert_array_equal(g, w)
    frozen = sum(p.numel() for p in model.parameters() if not p.requires_grad)
    assert frozen == meta["params"]["non_trainable"]
    assert model.count_params() == meta["params"]["total"]


def test_batchnorm_model_in_code_matches_keras_summary_and_round_trips(tmp_path, capsys):
    meta, data, xs, ys, weights = fixture("batchnorm_inference")
    model = batchnorm_inference(keras)
    set_keras_weights(model, weights)  # BatchNormalization's frozen statistics: Keras's order is layer by layer
    np.testing.assert_allclose(model.predict(xs[0], verbose=0), ys[0], atol=3e-6)
    model.summary()
    assert capsys.readouterr().out.rstrip() == meta["summary"].rstrip()
    model.save(tmp_path / "bn.keras")
    np.testing.assert_allclose(load_model(tmp_path / "bn.keras").predict(xs[0], verbose=0), ys[0], atol=3e-6)


@pytest.mark.parametrize("tag", ["nomask", "mask"])
def test_batchnorm_training_step_matches_keras(tag):
    x = torch.as_tensor(STEPS["bn_x"])
    if tag == "mask":
        x._keras_mask = torch.as_tensor(STEPS["bn_mask"])
    bn = layers.BatchNormalization(momentum=0.8, epsilon=0.01)
    bn(torch.zeros(1, 6, 3))
    bn.set_weights(list(STEPS[f"bn_{tag}_start"]))
    bn.train()
    y = bn(x)
    np.testing.assert_allclose(y.detach().numpy(), STEPS[f"bn_{tag}_y"], atol=2e-6)
    np.testing.assert_allclose(np.stack(bn.get_weights()), STEPS[f"bn_{tag}_after"], atol=2e-6)
    if tag == "mask":
        assert y._keras_mask is x._keras_mask


def test_batchnorm_statistics_stay_frozen_and_trainable_false_uses_them():
    bn = layers.BatchNormalization().eval()  # a torch module starts in training mode
    bn(torch.zeros(2, 3, 4))
    assert [p.requires_grad for p in bn.weights] == [True, True, False, False]
    bn.trainable = True
    assert [w.shape for w in bn.non_trainable_weights] == [(4,), (4,)]
    bn.trainable = False
    bn.train()
    x = torch.randn(2, 3, 4) * 3 + 1
    np.testing.assert_allclose(bn(x).detach().numpy(), (x / np.sqrt(1 + 1e-3)).numpy(), rtol=1e-6)
    np.testing.assert_array_equal(bn.get_weights()[2], np.zeros(4))


@pytest.mark.parametrize("tag, axis", [("last", -1), ("time", 1), ("both", (1, 2))])
def test_normalization_adapt_matches_keras(tag, axis):
    norm = layers.Normalization(axis=axis)
    norm.adapt(STEPS["adapt_data"])
    mean, variance, count = norm.get_weights()
    np.testing.assert_allclose(mean, STEPS[f"adapt_{tag}_mean"], rtol=1e-5)
    np.testing.assert_allclose(variance, STEPS[f"adapt_{tag}_variance"], rtol=1e-5)
    assert count.dtype == np.int64 and count.shape == ()
    np.testing.assert_allclose(norm(torch.as_tensor(STEPS["adapt_data"][:3])).numpy(), STEPS[f"adapt_{tag}_y"], atol=2e-5)


def test_normalization_adapt_from_batches_matches_keras():
    data = STEPS["adapt_data"]
    norm = layers.Normalization()
    norm.adapt([data[:7], data[7:19], data[19:]])
    np.testing.assert_allclose(norm.get_weights()[0], STEPS["adapt_batches_mean"], rtol=1e-5)
    np.testing.assert_allclose(norm.get_weights()[1], STEPS["adapt_batches_variance"], rtol=1e-5)


def test_normalization_with_given_statistics_and_invert():
    x = torch.tensor([[[1.0, 4.0], [3.0, 0.0]]])
    norm = layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 1.0])
    np.testing.assert_allclose(norm(x).numpy(), [[[0.0, 2.0], [1.0, -2.0]]])
    back = layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 1.0], invert=True)
    np.testing.assert_allclose(back(norm(x)).numpy(), x.numpy())
    assert norm.count_params() == 0


def test_layer_normalization_gradcheck_and_batchnorm_gradcheck_float64():
    torch.manual_seed(0)
    for layer, shape in ((layers.LayerNormalization(axis=[1, 2]), (2, 3, 4)), (layers.LayerNormalization(), (2, 3, 4)), (layers.BatchNormalization(axis=1), (4, 3, 2))):
        layer(torch.zeros(shape))
        layer.double()
        with torch.no_grad():
            for p in layer.trainable_weights:
                p.copy_(torch.randn_like(p))
        layer.train()
        x = torch.randn(shape, dtype=torch.float64, requires_grad=True)
        assert torch.autograd.gradcheck(lambda x, *w: layer(x), (x, *layer.trainable_weights))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: layers.BatchNormalization(renorm=True), "renorm"),
        (lambda: layers.BatchNormalization(axis=0)(torch.zeros(2, 3)), "non-batch"),
        (lambda: layers.LayerNormalization(rms_scaling=True), "rms_scaling"),
        (lambda: layers.Normalization(mean=[1.0]), "both mean and variance"),
        (lambda: layers.Normalization(mean=[1.0, 2.0], variance=[1.0]), "same shape"),
        (lambda: layers.Normalization(mean=0.0, variance=1.0).adapt(np.zeros((2, 3))), "nothing to adapt"),
        (lambda: layers.Normalization().adapt([]), "no data"),
    ],
)
def test_bad_input_is_refused_clearly(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_adapted_normalization_round_trips_through_rnnkit_and_keras_files(tmp_path):
    meta, data, xs, ys, weights = fixture("normalization_lstm")
    model = load_model(FIXTURES / "normalization_lstm.keras")
    for name in ("model.rnnkit", "model.keras"):
        model.save(tmp_path / name)
        again = load_model(tmp_path / name)
        for got, want in zip(again.predict(xs[0], verbose=0), ys, strict=True):
            np.testing.assert_allclose(got, want, atol=3e-6)
        assert again.layers[1].get_weights()[2].dtype == np.int64
