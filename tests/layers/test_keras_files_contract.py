"""Keras 3 files (written by real Keras 3.15.1, scripts/make_keras_fixtures_contract.py) whose
layers use stacked cells, regularizers and constraints load in rnnkit with Keras's outputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from rnnkit import constraints, layers, regularizers
from rnnkit.models import load_model

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "keras_contract"


def load(case):
    data = np.load(FIXTURES / f"{case}.npz")
    return load_model(FIXTURES / f"{case}.keras"), data["x"], data["y"]


def test_rnn_over_stacked_cells_from_a_keras_file_gives_keras_outputs():
    model, x, y = load("stacked_cells")
    rnn = model.layers[0]
    assert isinstance(rnn.cell, layers.StackedRNNCells)
    assert [type(c).__name__ for c in rnn.cell.cells] == ["LSTMCell", "GRUCell", "LSTMCell"]
    np.testing.assert_allclose(model.predict(x, verbose=0), y, atol=1e-5, rtol=1e-5)


def test_regularizers_and_constraints_from_a_keras_file():
    model, x, y = load("regularized")
    gru, dense = model.layers
    assert isinstance(gru.cell.kernel_regularizer, regularizers.L2) and gru.cell.kernel_regularizer.l2 == 0.02
    assert isinstance(gru.cell.recurrent_constraint, constraints.MaxNorm) and gru.cell.recurrent_constraint.max_value == 1.5
    assert isinstance(gru.activity_regularizer, regularizers.L1)
    assert dense.kernel_regularizer.get_config() == {"l1": 0.01, "l2": 0.03}
    assert isinstance(dense.bias_constraint, constraints.NonNeg)
    np.testing.assert_allclose(model.predict(x, verbose=0), y, atol=1e-5, rtol=1e-5)
    model(torch.from_numpy(x))
    expected = 0.02 * gru.cell.kernel.detach().square().sum()
    torch.testing.assert_close(model.losses[1], expected)  # [activity of the GRU, GRU kernel, Dense kernel]
    assert len(model.losses) == 3
