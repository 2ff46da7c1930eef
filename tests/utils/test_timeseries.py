"""``timeseries_dataset_from_array`` against real Keras 3's batches (``scripts/make_keras_fixtures_ops.py``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from rnnkit.utils import timeseries_dataset_from_array

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "keras_ops"
META = json.loads((FIXTURES / "utils.json").read_text())
ARRAYS = np.load(FIXTURES / "utils.npz")
SERIES = np.arange(100, dtype="float64").reshape(50, 2)  # the generator's data and targets
TARGETS = np.arange(1000, 1050)
CASES = list(enumerate(META["timeseries"]))


def make(entry):
    targets = None
    if entry["with_targets"]:
        targets = TARGETS[:20] if entry["short_targets"] else SERIES * 10 if entry["row_targets"] else TARGETS
    return timeseries_dataset_from_array(SERIES[:, 0] if entry["univariate"] else SERIES, targets, **entry["settings"])


def keras_batches(i, entry):
    xs = [ARRAYS[f"ts_{i}_{k}_x"] for k in range(entry["batches"])]
    ys = [ARRAYS[f"ts_{i}_{k}_y"] for k in range(entry["batches"])] if entry["with_targets"] else None
    return xs, ys


@pytest.mark.parametrize("i, entry", CASES, ids=[str(i) for i, _ in CASES])
def test_windows_and_targets_match_keras(i, entry):
    dataset = make(entry)
    xs, ys = keras_batches(i, entry)
    got = list(dataset)
    assert len(dataset) == len(got) == entry["batches"]
    got_x = [b[0] if entry["with_targets"] else b for b in got]
    assert [tuple(x.shape) for x in got_x] == [x.shape for x in xs]
    assert str(got_x[0].numpy().dtype) == entry["x_dtype"]
    if entry["settings"].get("shuffle"):
        # TensorFlow's shuffle order cannot be reproduced: the same windows, each with its target
        pairs = lambda bx, by: sorted((x.tobytes(), y.tobytes()) for X, Y in zip(bx, by) for x, y in zip(X, Y))
        assert pairs([x.numpy() for x in got_x], [b[1].numpy() for b in got]) == pairs(xs, ys)
        return
    for k, x in enumerate(got_x):
        np.testing.assert_array_equal(x.numpy(), xs[k])
        if entry["with_targets"]:
            np.testing.assert_array_equal(got[k][1].numpy(), ys[k])
            assert str(got[k][1].numpy().dtype) == entry["y_dtype"]


def test_iterates_again_each_epoch_and_take():
    dataset = timeseries_dataset_from_array(SERIES, TARGETS, sequence_length=4, batch_size=10)
    first = [y.numpy() for _, y in dataset]
    again = [y.numpy() for _, y in dataset]
    assert len(first) == 5 and all(np.array_equal(a, b) for a, b in zip(first, again))
    taken = dataset.take(2)
    assert len(taken) == 2 and len(list(taken)) == 2 and len(list(taken)) == 2
    for batch in dataset.take(1):
        inputs, targets = batch
        assert inputs.numpy().shape == (10, 4, 2) and targets.numpy().shape == (10,)
    assert len(dataset.take(-1)) == 5 and len(dataset.take(9)) == 5


def test_shuffle_draws_a_new_order_each_pass_from_the_seed():
    a = timeseries_dataset_from_array(SERIES, None, sequence_length=3, batch_size=100, shuffle=True, seed=5)
    b = timeseries_dataset_from_array(SERIES, None, sequence_length=3, batch_size=100, shuffle=True, seed=5)
    first_a, second_a = next(iter(a))[:, 0, 0], next(iter(a))[:, 0, 0]
    assert torch.equal(first_a, next(iter(b))[:, 0, 0])
    assert not torch.equal(first_a, second_a)
    assert sorted(first_a.tolist()) == sorted(second_a.tolist()) == [2.0 * i for i in range(48)]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(sequence_length=0), "sequence_length must be a positive integer"),
        (dict(sequence_length=3, sampling_rate=0), "sampling_rate must be a positive integer"),
        (dict(sequence_length=3, sequence_stride=50), "must be lower than the length of the data"),
        (dict(sequence_length=3, start_index=-1), "start_index must be in"),
        (dict(sequence_length=3, start_index=10, end_index=5), "must be higher than start_index"),
        (dict(sequence_length=3, end_index=50), "end_index must be in"),
        (dict(sequence_length=3, batch_size=0), "batch_size must be a positive integer"),
    ],
)
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        timeseries_dataset_from_array(SERIES, None, **kwargs)


def test_data_must_be_numbers():
    with pytest.raises(ValueError, match="data must be an array of numbers"):
        timeseries_dataset_from_array(np.array(["a", "b", "c"]), None, 2)
