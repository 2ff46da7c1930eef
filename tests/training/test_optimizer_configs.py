"""Keras's optimizer, schedule and loss objects: arguments, configs, names, and what TF-style gradients mean."""

from __future__ import annotations

import math

import pytest
import torch

import rnnkit as keras
from rnnkit import losses, optimizers
from rnnkit.optimizers import schedules
from rnnkit.training.gradients import DenseGradient, RowGradient


def test_keras_classes_take_keras_arguments_and_round_trip_their_config():
    rms = keras.optimizers.RMSprop(learning_rate=0.01, rho=0.8, momentum=0.5, epsilon=1e-6, centered=True, clipnorm=1.0)
    config = rms.get_config()
    assert {k: config[k] for k in ("name", "learning_rate", "rho", "momentum", "epsilon", "centered", "clipnorm")} == {
        "name": "rm_sprop", "learning_rate": 0.01, "rho": 0.8, "momentum": 0.5, "epsilon": 1e-6, "centered": True, "clipnorm": 1.0}
    again = optimizers.deserialize(optimizers.serialize(rms))
    assert isinstance(again, optimizers.RMSprop) and again.get_config() == config
    decay = schedules.PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.01, power=2.0)
    adam = optimizers.Adam(learning_rate=decay, amsgrad=True)
    restored = optimizers.get(optimizers.serialize(adam))
    assert isinstance(restored._learning_rate, schedules.PolynomialDecay)
    assert restored._learning_rate.get_config() == decay.get_config() and restored.amsgrad
    assert [type(optimizers.get(n)).__name__ for n in ("sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "nadam", "adamax", "lion")] == [
        "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Nadam", "Adamax", "Lion"]


@pytest.mark.parametrize("step, expected", [(0, 0.1), (5, 0.01 + 0.09 * 0.25), (10, 0.01), (30, 0.01)])
def test_polynomial_decay_formula(step, expected):
    assert schedules.PolynomialDecay(0.1, 10, 0.01, power=2.0)(step) == pytest.approx(expected)


def test_cosine_decay_warmup_and_restarts_follow_keras_formulas():
    warm = schedules.CosineDecay(0.0, decay_steps=10, warmup_target=1.0, warmup_steps=4)
    assert [warm(s) for s in (0, 2, 4)] == pytest.approx([0.0, 0.5, 1.0])
    assert warm(9) == pytest.approx(0.5 * (1 + math.cos(math.pi * 0.5)))
    restarts = schedules.CosineDecayRestarts(1.0, first_decay_steps=4, t_mul=2.0, m_mul=0.5)
    assert restarts(0) == pytest.approx(1.0) and restarts(4) == pytest.approx(0.5)  # second period starts at half
    assert restarts(8) == pytest.approx(0.5 * 0.5 * (1 + math.cos(math.pi * 0.5)))


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: optimizers.Adam(gradient_accumulation_steps=2), "gradient_accumulation_steps is not supported"),
        (lambda: optimizers.SGD(learning_rate="fast"), "learning_rate must be a number or a schedule"),
        (lambda: optimizers.Lion(beta_1=0.0), r"beta_1 must be in \(0, 1\]"),
        (lambda: optimizers.Adam(use_ema=True, ema_momentum=2.0), r"ema_momentum must be in \[0, 1\]"),
        (lambda: optimizers.deserialize({"class_name": "Adamm", "config": {}}), "class_name must be one of"),
        (lambda: schedules.PolynomialDecay(0.1, decay_steps=0), "decay_steps must be > 0"),
        (lambda: losses.BinaryCrossentropy(reduction="avg"), "reduction must be one of"),
        (lambda: losses.deserialize({"class_name": "Msee"}), "class_name must be one of"),
    ],
)
def test_bad_arguments_are_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_crossentropy_of_a_sigmoid_output_uses_its_logits_as_keras_does():
    logits = torch.tensor([[-30.0], [0.5]], requires_grad=True)
    probabilities = keras.activations.get("sigmoid")(logits)
    y = torch.tensor([[1.0], [0.0]])
    loss = losses.BinaryCrossentropy()(y, probabilities)
    expected = (30.0 + math.log1p(math.exp(-30.0)) + math.log1p(math.exp(0.5))) / 2  # not capped at -log(1e-7)
    assert loss.item() == pytest.approx(expected, rel=1e-6)
    loss.backward()
    assert logits.grad[0, 0].item() == pytest.approx(-0.5, rel=1e-5)  # (p - y) / 2: the saturated sample still learns
    plain = torch.sigmoid(torch.tensor([[-30.0]]))  # no logits attached: clipped probabilities
    assert losses.BinaryCrossentropy()(torch.tensor([[1.0]]), plain).item() == pytest.approx(-math.log(1e-7), rel=1e-4)


def test_reductions_follow_keras():
    values_loss = losses.MeanSquaredError(reduction="none")
    y, p = torch.zeros(2, 3), torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 3.0]])
    assert values_loss(y, p).tolist() == pytest.approx([14 / 3, 3.0])
    assert losses.MeanSquaredError(reduction="sum")(y, p).item() == pytest.approx(14 / 3 + 3.0)
    weights = torch.tensor([1.0, 3.0])
    assert losses.MeanSquaredError(reduction="mean_with_sample_weight")(y, p, weights).item() == pytest.approx((14 / 3 + 9.0) / 4)
    assert losses.MeanSquaredError()(y, p, weights).item() == pytest.approx((14 / 3 + 9.0) / 2)


def test_row_gradient_squares_each_occurrence_as_tensorflow_does():
    ids = torch.tensor([2, 0, 2])
    values = torch.tensor([[1.0, -2.0], [3.0, 0.5], [1.0, 2.0]])
    rows = RowGradient(ids, values, rows=3)
    assert rows.dense().tolist() == [[3.0, 0.5], [0.0, 0.0], [2.0, 0.0]]
    assert rows.squares().tolist() == [[9.0, 0.25], [0.0, 0.0], [2.0, 8.0]]  # dense squares would give [4, 0] in row 2
    assert rows.sum_of_squares().item() == pytest.approx(1 + 4 + 9 + 0.25 + 1 + 4)
    assert rows.clamped(1.5).dense().tolist() == [[1.5, 0.5], [0.0, 0.0], [2.0, 0.0]]
    dense = DenseGradient(rows.dense())
    assert dense.squares()[2].tolist() == [4.0, 0.0]


def test_an_embedding_table_also_used_elsewhere_falls_back_to_its_dense_gradient():
    embedding = keras.layers.Embedding(5, 2)
    model = keras.Sequential([keras.Input((3,), dtype="int32"), embedding])
    optimizer = optimizers.RMSprop()
    optimizer.bind(model.parameters())
    optimizer.watch(model)
    ids = torch.tensor([[1, 1, 2]])
    optimizer.zero_grad()
    (model(ids).sum() + embedding.embeddings.sum()).backward()  # the table is read outside the lookup too
    assert optimizer.taps.gradient(embedding.embeddings) is None
    optimizer.zero_grad()
    model(ids).sum().backward()
    taps = optimizer.taps.gradient(embedding.embeddings)
    assert isinstance(taps, RowGradient) and taps.ids.tolist() == [1, 1, 2]


@pytest.mark.parametrize("row", [1, 4], ids=["a-looked-up-row", "a-row-no-id-touched"])
def test_a_gradient_that_reaches_a_single_row_outside_the_lookup_is_noticed(row):
    embedding = keras.layers.Embedding(5, 2)
    model = keras.Sequential([keras.Input((3,), dtype="int32"), embedding])
    optimizer = optimizers.Adam()
    optimizer.bind(model.parameters())
    optimizer.watch(model)
    optimizer.zero_grad()
    (model(torch.tensor([[1, 1, 2]])).sum() + 0.5 * embedding.embeddings[row].sum()).backward()
    assert optimizer.taps.gradient(embedding.embeddings) is None


def test_a_loss_subclass_with_call_trains_as_in_keras():
    class DoubledMSE(keras.losses.Loss):
        def call(self, y_true, y_pred):
            return 2.0 * (y_true - y_pred).square().mean(dim=-1)

    loss = DoubledMSE(name="doubled")
    y, p = torch.zeros(4, 2), torch.ones(4, 2)
    assert loss(y, p).item() == pytest.approx(2.0) and loss.get_config() == {"name": "doubled", "reduction": "sum_over_batch_size"}
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss=loss)
    history = model.fit(torch.randn(8, 3).numpy(), torch.zeros(8, 2).numpy(), epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
