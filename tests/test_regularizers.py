"""Keras's weight regularizers: the penalty formulas, names and configs, on every layer argument
Keras has, and in the loss that ``fit`` and ``evaluate`` report."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit import layers, regularizers

W = torch.arange(12, dtype=torch.float32).reshape(3, 4) / 7 - 0.5


def test_penalties_equal_the_formulas():
    torch.testing.assert_close(regularizers.L1(0.3)(W), 0.3 * W.abs().sum())
    torch.testing.assert_close(regularizers.L2(0.2)(W), 0.2 * W.square().sum())
    torch.testing.assert_close(regularizers.L1L2(0.1, 0.2)(W), 0.1 * W.abs().sum() + 0.2 * W.square().sum())
    assert float(regularizers.L1L2()(W)) == 0.0


def test_penalties_equal_real_keras_values():
    """Numbers printed by Keras 3.15.1 for the same weight (TensorFlow backend)."""
    assert float(regularizers.L1L2(0.01, 0.02)(W)) == pytest.approx(0.1351020336151123, rel=1e-6)
    assert float(regularizers.OrthogonalRegularizer(0.1, "rows")(W)) == pytest.approx(0.0746670663356781, rel=1e-5)
    assert float(regularizers.OrthogonalRegularizer(0.1, "columns")(W)) == pytest.approx(0.09183207154273987, rel=1e-5)


def test_orthogonal_rows_give_no_penalty():
    assert float(regularizers.OrthogonalRegularizer(1.0)(torch.eye(3) * 5)) == 0.0


def test_names_defaults_and_configs_follow_keras():
    assert regularizers.get("l2").get_config() == {"l2": 0.01}
    assert regularizers.get("l1").get_config() == {"l1": 0.01}
    assert regularizers.l1_l2().get_config() == {"l1": 0.0, "l2": 0.0}
    assert regularizers.l2(0.5).l2 == 0.5 and regularizers.get(None) is None
    entry = regularizers.serialize(regularizers.L1L2(0.1, 0.2))
    assert entry == {"module": "keras.regularizers", "class_name": "L1L2", "config": {"l1": 0.1, "l2": 0.2}, "registered_name": None}
    assert regularizers.get(entry).get_config() == {"l1": 0.1, "l2": 0.2}


def test_unknown_names_and_bad_factors_are_refused():
    with pytest.raises(ValueError, match="Unknown regularizer 'l3'"):
        regularizers.get("l3")
    with pytest.raises(ValueError, match="l2 must be a non-negative number; got -1"):
        regularizers.L2(-1)
    with pytest.raises(ValueError, match="mode must be 'rows' or 'columns'"):
        regularizers.OrthogonalRegularizer(mode="diagonal")


def _penalty(layer, name):
    return 0.5 * getattr(layer, name).detach().square().sum()


@pytest.mark.parametrize("cls", [layers.SimpleRNN, layers.LSTM, layers.GRU])
def test_every_recurrent_weight_argument_adds_its_penalty(cls):
    reg = regularizers.L2(0.5)
    layer = cls(3, kernel_regularizer=reg, recurrent_regularizer=reg, bias_regularizer=reg)
    layer(torch.randn(2, 4, 5))
    expected = sum(_penalty(layer.cell, n) for n in ("kernel", "recurrent_kernel", "bias"))
    torch.testing.assert_close(sum(layer.losses), expected)
    assert layer.get_config()["kernel_regularizer"]["class_name"] == "L2"


def test_dense_embedding_cells_and_bidirectional_take_regularizers():
    reg = regularizers.L2(0.5)
    dense = layers.Dense(2, kernel_regularizer=reg, bias_regularizer=reg)
    dense(torch.randn(3, 4))
    torch.testing.assert_close(sum(dense.losses), _penalty(dense, "kernel") + _penalty(dense, "bias"))
    embedding = layers.Embedding(10, 3, embeddings_regularizer=reg)
    embedding(np.array([[1, 2]]))
    torch.testing.assert_close(sum(embedding.losses), _penalty(embedding, "embeddings"))
    cell = layers.LSTMCell(3, recurrent_regularizer=reg)
    layers.RNN(cell)(torch.randn(2, 3, 4))
    torch.testing.assert_close(sum(cell.losses), _penalty(cell, "recurrent_kernel"))
    both = layers.Bidirectional(layers.GRU(2, kernel_regularizer=reg))
    both(torch.randn(2, 3, 4))
    expected = _penalty(both.forward_layer.cell, "kernel") + _penalty(both.backward_layer.cell, "kernel")
    assert len(both.losses) == 2
    torch.testing.assert_close(sum(both.losses), expected)


def _model(regularized):
    torch.manual_seed(0)
    reg = regularizers.L2(0.05) if regularized else None
    model = keras.Sequential([keras.Input(shape=(5, 3)), layers.LSTM(4, kernel_regularizer=reg), layers.Dense(1, kernel_regularizer=reg)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_evaluate_and_fit_report_the_loss_plus_the_penalties():
    x = np.random.RandomState(0).normal(size=(8, 5, 3)).astype("float32")
    y = np.ones((8, 1), "float32")
    plain, regularized = _model(False), _model(True)
    plain.set_weights(regularized.get_weights())
    penalty = float(sum(regularized.losses).detach())
    assert penalty > 0
    assert regularized.evaluate(x, y, verbose=0) == pytest.approx(plain.evaluate(x, y, verbose=0) + penalty, rel=1e-5)
    logged = regularized.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0).history["loss"][0]
    assert logged == pytest.approx(plain.evaluate(x, y, verbose=0) + penalty, rel=1e-5)


def test_the_penalty_gradient_shrinks_the_weights():
    """With a zero data loss gradient (targets equal to outputs), one SGD step on L2(c) scales a
    kernel by (1 - 2 * lr * c)."""
    dense = layers.Dense(2, use_bias=False, kernel_regularizer=regularizers.L2(0.25))
    model = keras.Sequential([keras.Input(shape=(3,)), dense])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    x = np.zeros((4, 3), "float32")
    before = dense.kernel.detach().clone()
    model.train_on_batch(x, np.zeros((4, 2), "float32"))
    torch.testing.assert_close(dense.kernel.detach(), before * (1 - 2 * 0.1 * 0.25))


def test_regularizers_and_constraints_survive_a_keras_file(tmp_path):
    model = keras.Sequential([
        keras.Input(shape=(4, 3)),
        layers.LSTM(2, kernel_regularizer=regularizers.L2(0.3), recurrent_constraint=keras.constraints.MaxNorm(2.0)),
        layers.Dense(1, kernel_regularizer="l1", activity_regularizer=regularizers.L2(0.1)),
    ])
    model.save(tmp_path / "m.keras")
    again = keras.models.load_model(tmp_path / "m.keras")
    assert again.layers[0].cell.recurrent_constraint.max_value == 2.0
    x = np.random.RandomState(1).rand(2, 4, 3).astype("float32")
    model(x), again(x)
    torch.testing.assert_close(torch.stack(again.losses).detach(), torch.stack(model.losses).detach())
