"""``to_categorical`` and ``normalize`` against real Keras 3 (``scripts/make_keras_fixtures_ops.py``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from rnnkit.utils import normalize, to_categorical

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "keras_ops"
META = json.loads((FIXTURES / "utils.json").read_text())
ARRAYS = np.load(FIXTURES / "utils.npz")


@pytest.mark.parametrize("i, entry", list(enumerate(META["to_categorical"])))
def test_to_categorical_matches_keras(i, entry):
    got = to_categorical(entry["labels"], entry["num_classes"])
    expected = ARRAYS[f"cat_{i}"]
    assert got.dtype == np.dtype(entry["dtype"]) and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


def test_to_categorical_takes_tensors():
    np.testing.assert_array_equal(to_categorical(torch.tensor([1, 0]), 2), [[0.0, 1.0], [1.0, 0.0]])


@pytest.mark.parametrize(
    "labels, num_classes, message",
    [
        ([0, 3], 3, "label 3 is outside num_classes=3"),
        ([0, -1], None, "labels must be 0 or greater; got -1"),
        ([0, 1], 0, "num_classes must be a positive integer"),
        ([0.5], None, "fractional part"),
        (["a"], None, "integer class labels"),
        ([], None, "num_classes cannot be inferred"),
    ],
)
def test_to_categorical_bad_labels(labels, num_classes, message):
    with pytest.raises(ValueError, match=message):
        to_categorical(labels, num_classes)


@pytest.mark.parametrize("i, entry", list(enumerate(META["normalize"])))
def test_normalize_matches_keras(i, entry):
    got = normalize(ARRAYS[f"norm_in_{i}"], axis=entry["axis"], order=entry["order"])
    np.testing.assert_allclose(got, ARRAYS[f"norm_{i}"], rtol=1e-12)


def test_normalize_zero_rows_and_axis_zero():
    np.testing.assert_array_equal(normalize(np.zeros((2, 3))), ARRAYS["norm_zero"])
    x = np.array([[3.0, 1.0], [4.0, 0.0]])
    np.testing.assert_allclose(normalize(x, axis=0), [[0.6, 1.0], [0.8, 0.0]])  # columns of unit length
    tensor = normalize(torch.tensor(x), axis=1)
    assert isinstance(tensor, torch.Tensor)
    np.testing.assert_allclose(tensor.norm(dim=1).numpy(), [1.0, 1.0])
    with pytest.raises(ValueError, match="axis 2 is out of range"):
        normalize(x, axis=2)
