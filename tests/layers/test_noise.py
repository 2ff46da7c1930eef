"""SpatialDropout1D, GaussianNoise and GaussianDropout: identity in inference, Keras's statistics in training."""

from __future__ import annotations

import math

import pytest
import torch

from rnnkit import layers


@pytest.mark.parametrize("layer", [layers.SpatialDropout1D(0.4), layers.GaussianNoise(0.5), layers.GaussianDropout(0.3)])
def test_inference_returns_the_input_and_its_mask(layer):
    x = torch.randn(3, 5, 4)
    x._keras_mask = torch.ones(3, 5, dtype=torch.bool)
    layer.eval()
    out = layer(x)
    assert out is x and out._keras_mask is x._keras_mask


def test_spatial_dropout_drops_whole_channels_and_keeps_the_expectation():
    torch.manual_seed(0)
    x = torch.ones(400, 6, 8)
    out = layers.SpatialDropout1D(0.25)(x, training=True)
    same_over_time = (out == out[:, :1]).all(dim=1)
    assert bool(same_over_time.all())  # a channel is kept or dropped for every step of a sample
    kept = (out[:, 0] != 0).float().mean().item()
    assert abs(kept - 0.75) < 0.03
    torch.testing.assert_close(torch.unique(out), torch.tensor([0.0, 1 / 0.75]))


def test_gaussian_noise_and_dropout_have_keras_moments():
    torch.manual_seed(1)
    x = torch.full((200_000,), 2.0)
    noisy = layers.GaussianNoise(0.5)(x, training=True)
    assert abs(noisy.mean().item() - 2.0) < 0.01 and abs(noisy.std().item() - 0.5) < 0.01
    dropped = layers.GaussianDropout(0.2)(x, training=True)
    assert abs(dropped.mean().item() - 2.0) < 0.01
    assert abs(dropped.std().item() - 2.0 * math.sqrt(0.2 / 0.8)) < 0.01


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: layers.SpatialDropout1D(1.0), "rate"),
        (lambda: layers.GaussianNoise(-0.1), "stddev"),
        (lambda: layers.GaussianDropout(1.5), "rate"),
        (lambda: layers.SpatialDropout1D(0.5)(torch.zeros(2, 3)), "3-D"),
    ],
)
def test_bad_input_is_refused_clearly(call, message):
    with pytest.raises(ValueError, match=message):
        call()
