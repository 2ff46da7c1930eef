"""Keras's weight constraints: the projections (against real Keras numbers), names and configs,
and that ``fit`` applies them after every optimizer step."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit import constraints, layers

W = torch.arange(12, dtype=torch.float32).reshape(3, 4) / 7 - 0.5

# Printed by Keras 3.15.1 (TensorFlow backend) for W above.
KERAS_MAX_NORM_1 = [[-0.49999994, -0.35714284, -0.21055867, -0.06030226],
                    [0.07142859, 0.2142857, 0.35093114, 0.42211586],
                    [0.64285713, 0.78571415, 0.912421, 0.904534]]
KERAS_MIN_MAX_NORM = [[-0.49999997, -0.35714284, -0.21167678, -0.06364015],
                      [0.07142859, 0.2142857, 0.35279468, 0.4454811],
                      [0.64285713, 0.78571415, 0.91726613, 0.9546023]]
KERAS_UNIT_NORM_AXIS_1 = [[-0.7637625, -0.5455446, -0.32732674, -0.10910892],
                          [0.10910896, 0.3273268, 0.5455446, 0.7637625],
                          [0.36865437, 0.45057753, 0.53250074, 0.6144239]]


def test_projections_equal_real_keras_values():
    torch.testing.assert_close(constraints.MaxNorm(1.0)(W), torch.tensor(KERAS_MAX_NORM_1))
    torch.testing.assert_close(constraints.MinMaxNorm(0.5, 1.0, rate=0.7)(W), torch.tensor(KERAS_MIN_MAX_NORM))
    torch.testing.assert_close(constraints.UnitNorm(axis=1)(W), torch.tensor(KERAS_UNIT_NORM_AXIS_1))
    torch.testing.assert_close(constraints.NonNeg()(W), W.clamp(min=0))


def test_defaults_and_configs_follow_keras():
    assert constraints.MaxNorm().get_config() == {"max_value": 2.0, "axis": 0}
    assert constraints.MinMaxNorm().get_config() == {"min_value": 0.0, "max_value": 1.0, "rate": 1.0, "axis": 0}
    assert constraints.UnitNorm().get_config() == {"axis": 0}
    assert isinstance(constraints.get("max_norm"), constraints.MaxNorm)
    assert isinstance(constraints.get("non_neg"), constraints.NonNeg)
    entry = constraints.serialize(constraints.max_norm(3, axis=[0, 1]))
    assert entry["class_name"] == "MaxNorm" and entry["config"] == {"max_value": 3.0, "axis": [0, 1]}
    assert constraints.get(entry).max_value == 3.0
    with pytest.raises(ValueError, match="Unknown constraint 'positive'"):
        constraints.get("positive")


def test_fit_applies_constraints_after_every_step():
    torch.manual_seed(0)
    rng = np.random.RandomState(0)
    x = rng.normal(size=(32, 6, 3)).astype("float32") * 5
    y = rng.normal(size=(32, 1)).astype("float32") * 10
    lstm = layers.LSTM(4, kernel_constraint=constraints.MaxNorm(0.5), recurrent_constraint=constraints.UnitNorm())
    dense = layers.Dense(1, kernel_constraint="non_neg", bias_constraint=constraints.MinMaxNorm(0.2, 0.3))
    model = keras.Sequential([keras.Input(shape=(6, 3)), lstm, dense])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="mse")
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert float(lstm.cell.kernel.detach().norm(dim=0).max()) <= 0.5 + 1e-5
    torch.testing.assert_close(lstm.cell.recurrent_kernel.detach().norm(dim=0), torch.ones(16), atol=1e-5, rtol=0)
    assert float(dense.kernel.detach().min()) >= 0.0
    assert 0.2 - 1e-6 <= float(dense.bias.detach().norm()) <= 0.3 + 1e-6


def test_constraints_of_frozen_weights_are_left_alone():
    dense = layers.Dense(2, kernel_constraint=constraints.NonNeg(), kernel_initializer=keras.initializers.Constant(-1.0))
    dense(torch.ones(1, 3))
    dense.trainable = False
    dense.apply_weight_constraints()
    assert float(dense.kernel.detach().max()) == -1.0
    dense.trainable = True
    dense.apply_weight_constraints()
    assert float(dense.kernel.detach().abs().max()) == 0.0


def test_embedding_and_cells_take_constraints():
    embedding = layers.Embedding(5, 3, embeddings_constraint=constraints.UnitNorm(axis=1))
    embedding(np.array([[1]]))
    embedding.apply_weight_constraints()
    torch.testing.assert_close(embedding.embeddings.detach().norm(dim=1), torch.ones(5), atol=1e-5, rtol=0)
    cell = layers.GRUCell(2, bias_constraint="non_neg", bias_initializer=keras.initializers.Constant(-0.5))
    layers.RNN(cell)(torch.ones(1, 2, 3))
    cell.apply_weight_constraints()
    assert float(cell.bias.detach().abs().max()) == 0.0
