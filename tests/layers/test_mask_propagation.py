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

import rnnkit
from rnnkit import layers

from helpers.keras_models import mask_probes

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "keras_layers"
PROBES = np.load(FIXTURES / "mask_probes.npz")
META = json.loads((FIXTURES / "mask_probes.json").read_text())

CALLS = mask_probes(rnnkit)


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
