"""``rnnkit.random``: Keras's seed rules and the distributions (the numbers themselves are torch's)."""

from __future__ import annotations

import pytest
import torch

import rnnkit as keras
from rnnkit import random


def test_integer_seeds_repeat_seed_generators_advance():
    assert torch.equal(random.normal((5,), seed=3), random.normal((5,), seed=3))
    generator = random.SeedGenerator(7)
    first, second = random.uniform((5,), seed=generator), random.uniform((5,), seed=generator)
    assert not torch.equal(first, second)
    again = random.SeedGenerator(7)
    assert torch.equal(random.uniform((5,), seed=again), first)
    keras.utils.set_random_seed(11)
    a = random.normal((4,))
    keras.utils.set_random_seed(11)
    assert torch.equal(a, random.normal((4,)))


def test_distributions():
    x = random.normal((20000,), mean=2.0, stddev=0.5, seed=1)
    assert x.dtype == torch.float32 and abs(float(x.mean()) - 2.0) < 0.02 and abs(float(x.std()) - 0.5) < 0.02
    u = random.uniform((20000,), minval=-1.0, maxval=3.0, seed=2, dtype="float64")
    assert u.dtype == torch.float64 and float(u.min()) >= -1.0 and float(u.max()) < 3.0 and abs(float(u.mean()) - 1.0) < 0.05
    t = random.truncated_normal((20000,), stddev=2.0, seed=3)
    assert float(t.abs().max()) <= 4.0 and 1.5 < float(t.std()) < 1.9  # a normal cut at 2 sigma has std 0.88 sigma
    r = random.randint((1000,), 2, 5, seed=4)
    assert r.dtype == torch.int32 and set(r.tolist()) == {2, 3, 4}


def test_dropout_and_shuffle():
    x = torch.ones(100, 50)
    dropped = random.dropout(x, 0.3, seed=5)
    assert set(dropped.unique().tolist()) == {0.0, torch.tensor(1 / 0.7).item()} and abs(float((dropped == 0).float().mean()) - 0.3) < 0.03
    rows = random.dropout(x, 0.5, noise_shape=(100, 1), seed=6)
    assert bool((rows == rows[:, :1]).all())
    shuffled = random.shuffle(torch.arange(10), seed=7)
    assert sorted(shuffled.tolist()) == list(range(10)) and shuffled.tolist() != list(range(10))
    with pytest.raises(ValueError, match="rate must be in"):
        random.dropout(x, 1.0)
    with pytest.raises(ValueError, match="seed must be None, an integer"):
        random.normal((2,), seed="a")
