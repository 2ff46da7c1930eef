"""Which of the layers around recurrent layers pass an Embedding(mask_zero) mask on, as Keras 3 does.

The fixture calls each layer eagerly in Keras on a masked Embedding output and records the mask
its output carries (mask_probes.npz); rnnkit must pass on the same masks and drop the others.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from rnnkit import layers

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "keras_layers"
PROBES = np.load(FIXTURES / "mask_probes.npz")
META = json.loads((FIXTURES / "mask_probes.json").read_text())

CALLS = {
    "BatchNormalization": lambda e: layers.BatchNormalization()(e),
    "LayerNormalization": lambda e: layers.LayerNormalization()(e),
    "SpatialDropout1D": lambda e: layers.SpatialDropout1D(0.5)(e),
    "GaussianNoise": lambda e: layers.GaussianNoise(0.5)(e),
    "GaussianDropout": lambda e: layers.GaussianDropout(0.5)(e),
    "Identity": lambda e: layers.Identity()(e),
    "ReLU": lambda e: layers.ReLU()(e),
    "LeakyReLU": lambda e: layers.LeakyReLU()(e),
    "PReLU": lambda e: layers.PReLU()(e),
    "ELU": lambda e: layers.ELU()(e),
    "Normalization": lambda e: layers.Normalization(mean=0.0, variance=1.0)(e),
    "Attention": lambda e: layers.Attention()([e, e]),
    "AdditiveAttention": lambda e: layers.AdditiveAttention()([e, e]),
    "MultiHeadAttention": lambda e: layers.MultiHeadAttention(1, 2)(e, e),
    "Add": lambda e: layers.Add()([e, e]),
    "Dot": lambda e: layers.Dot(axes=2)([e, e]),
    "Conv1D": lambda e: layers.Conv1D(2, 2, padding="same")(e),
    "MaxPooling1D": lambda e: layers.MaxPooling1D(1)(e),
    "AveragePooling1D": lambda e: layers.AveragePooling1D(1)(e),
    "Permute": lambda e: layers.Permute((1, 2))(e),
    "Cropping1D": lambda e: layers.Cropping1D((0, 0))(e),
    "ZeroPadding1D": lambda e: layers.ZeroPadding1D(0)(e),
    "UpSampling1D": lambda e: layers.UpSampling1D(1)(e),
}


def test_every_probed_layer_is_checked():
    assert sorted(CALLS) == META["probed"]


@pytest.mark.parametrize("name", sorted(CALLS))
def test_mask_passes_on_exactly_where_keras_passes_it(name):
    embedding = layers.Embedding(12, 4, mask_zero=True).eval()
    e = embedding(torch.as_tensor(PROBES["x"]))
    np.testing.assert_array_equal(e._keras_mask.numpy(), PROBES["embedding_mask"])
    out = CALLS[name](e)
    mask = getattr(out, "_keras_mask", None)
    if name in META["passes_mask"]:
        assert mask is not None, f"Keras passes the mask through {name}"
        np.testing.assert_array_equal(mask.numpy(), PROBES[f"mask_{name}"])
    else:
        assert mask is None, f"Keras drops the mask at {name}"
