"""ReLU, LeakyReLU, PReLU, ELU and Softmax against Keras 3 and numpy (noise layers are in the same fixture)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit import layers
from rnnkit.saving import load_model

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "keras_layers"
STEPS = np.load(FIXTURES / "layer_steps.npz")


@pytest.mark.parametrize("kind", ["keras", "h5"])
def test_activation_and_noise_model_loads_and_matches_keras(kind, tmp_path, capsys):
    meta = json.loads((FIXTURES / "activations_noise.json").read_text())
    data = np.load(FIXTURES / "activations_noise.npz")
    model = load_model(FIXTURES / f"activations_noise.{kind}")
    for i, got in enumerate(model.predict(data["x0"], verbose=0)):
        np.testing.assert_allclose(got, data[f"y{i}"], atol=2e-6)
    model.summary()
    assert capsys.readouterr().out.rstrip() == meta["summary"].rstrip()
    model.save(tmp_path / "again.keras")
    for i, got in enumerate(load_model(tmp_path / "again.keras").predict(data["x0"], verbose=0)):
        np.testing.assert_allclose(got, data[f"y{i}"], atol=2e-6)


def test_relu_variants_follow_keras_formula():
    x = torch.linspace(-3, 8, 45, dtype=torch.float64)
    n = x.numpy()
    np.testing.assert_allclose(layers.ReLU()(x).numpy(), np.maximum(n, 0))
    np.testing.assert_allclose(layers.ReLU(max_value=6.0)(x).numpy(), np.clip(n, 0, 6))
    np.testing.assert_allclose(layers.ReLU(negative_slope=0.1)(x).numpy(), np.where(n >= 0, n, 0.1 * n))
    want = np.clip(np.where(n > 0.5, n, 0), 0, 2.0) - 0.2 * np.maximum(0.5 - n, 0)
    np.testing.assert_allclose(layers.ReLU(max_value=2.0, negative_slope=0.2, threshold=0.5)(x).numpy(), want)
    np.testing.assert_allclose(layers.LeakyReLU()(x).numpy(), np.where(n >= 0, n, 0.3 * n))  # Keras 3 default
    np.testing.assert_allclose(layers.LeakyReLU(alpha=0.1)(x).numpy(), np.where(n >= 0, n, 0.1 * n))
    np.testing.assert_allclose(layers.ELU(alpha=0.5)(x).numpy(), np.where(n > 0, n, 0.5 * np.expm1(n)))


def test_softmax_with_a_mask_matches_keras():
    x, mask = torch.as_tensor(STEPS["softmax_x"]), torch.as_tensor(STEPS["softmax_mask"])
    np.testing.assert_allclose(layers.Softmax()(x, mask=mask).numpy(), STEPS["softmax_y"], atol=1e-7)
    got = layers.Softmax(axis=1)(x, mask=mask[:, :, :1])
    np.testing.assert_allclose(got.numpy(), STEPS["softmax_y_axis1"], atol=1e-7)
    several = layers.Softmax(axis=[1, 2])(x)
    np.testing.assert_allclose(several.sum(dim=(1, 2)).numpy(), np.ones(2), rtol=1e-6)


def test_softmax_on_a_masked_sequence_fails_as_in_keras():
    x = torch.randn(2, 5, 6)
    x._keras_mask = torch.ones(2, 5, dtype=torch.bool)  # (B, T) does not broadcast to (B, T, F)
    with pytest.raises(ValueError, match="broadcast"):
        layers.Softmax()(x)


def test_prelu_alpha_shape_and_gradcheck_float64():
    prelu = layers.PReLU(shared_axes=[1])
    prelu(torch.zeros(2, 5, 3))
    assert [w.shape for w in prelu.get_weights()] == [(1, 3)]
    prelu.double()
    with torch.no_grad():
        prelu.alpha.copy_(torch.tensor([[0.1, 0.5, 2.0]]))
    x = torch.randn(2, 5, 3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x, a: prelu(x), (x, prelu.alpha))
    np.testing.assert_allclose(prelu(x).detach().numpy(), np.where(x.detach() > 0, x.detach(), x.detach() * prelu.alpha.detach()))


def test_activation_layers_pass_the_mask_on():
    x = torch.randn(2, 4, 3)
    x._keras_mask = torch.tensor([[True] * 4, [True, True, False, False]])
    for layer in (layers.ReLU(), layers.LeakyReLU(), layers.PReLU(), layers.ELU()):
        assert layer(x)._keras_mask is x._keras_mask


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: layers.ReLU(max_value=-1.0), "max_value"),
        (lambda: layers.ReLU(negative_slope=-0.1), "negative_slope"),
        (lambda: layers.LeakyReLU(negative_slope=None), "negative_slope"),
        (lambda: layers.PReLU(shared_axes=[3])(torch.zeros(2, 3, 4)), "shared_axes"),
        (lambda: layers.PReLU()(keras.Input((None, 4))), "non-shared axis"),
        (lambda: layers.Softmax()(torch.zeros(2, 3), mask=torch.ones(4, 2, 3, dtype=torch.bool)), "broadcast"),
    ],
)
def test_bad_input_is_refused_clearly(call, message):
    with pytest.raises(ValueError, match=message):
        call()
