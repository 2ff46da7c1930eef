"""Training dynamics against real Keras 3 (TensorFlow backend): the same weights after the same steps.

``scripts/make_keras_fixtures_training.py`` recorded, for small models (Dense, LSTM/GRU/SimpleRNN
classifiers, Embedding(mask_zero=True) + LSTM with one or all steps' outputs), Keras's initial
weights, the weights after ``fit(batch_size=4, epochs=2, shuffle=False)`` and after the same eight
batches through ``train_on_batch``, and the losses Keras logged, for every optimizer (with
clipping, weight decay, EMA and each learning-rate schedule) and every loss. Here rnnkit builds
the same model, sets the same initial weights, reads the optimizer and the loss back from Keras's
own serialized configs, trains, and must end at the same weights.

Tolerance: float32 arithmetic in a different order (TensorFlow's and torch's matmuls, sums and
fused kernels) differs by about 1e-7 relative per operation; eight adaptive steps divide by
square roots of second moments, which can amplify such differences in entries whose gradient is
near zero. ``atol=2e-6, rtol=2e-5`` bounds that, and still tells the update rules apart: torch's
own RMSprop (epsilon outside the root) misses Keras's weights on the smallest case by 6e-5, 30
times the tolerance (``test_rmsprop_differs_from_torchs_rule``), and on the models with an
Embedding the dense-gradient rule misses by ~1e-2.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit import losses, optimizers

from helpers.keras_models import initializer_models, training_model

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "keras_training"
MANIFEST = json.loads((HERE / "cases.json").read_text())
CASES = MANIFEST["cases"]
WEIGHTS = {"atol": 2e-6, "rtol": 2e-5}
LOSSES = {"atol": 1e-6, "rtol": 1e-5}


def prepared(name: str) -> tuple[dict, dict, keras.Sequential]:
    case = CASES[name]
    arrays = dict(np.load(HERE / f"{name}.npz"))
    model = training_model(keras, case["kind"], *case["head"])
    count = sum(1 for key in arrays if key.startswith("init_weights_"))
    model.set_weights([arrays[f"init_weights_{i}"] for i in range(count)])
    loss = losses.deserialize(case["loss"])
    if case["loss"]["class_name"] == "Huber":  # Keras's Huber.get_config() drops delta
        loss = losses.Huber(**case["loss_args"])
    model.compile(optimizer=optimizers.deserialize(case["optimizer"]), loss=loss)
    return case, arrays, model


def assert_weights(model: keras.Sequential, arrays: dict, prefix: str) -> None:
    for i, weight in enumerate(model.get_weights()):
        np.testing.assert_allclose(weight, arrays[f"{prefix}_weights_{i}"], **WEIGHTS, err_msg=f"weight {i}")


@pytest.mark.parametrize("name", sorted(CASES))
def test_fit_ends_at_keras_weights_and_logs_keras_losses(name, one_thread):
    case, arrays, model = prepared(name)
    history = model.fit(arrays["x"], arrays["y"], sample_weight=arrays.get("sample_weight"), batch_size=case["batch_size"],
                        epochs=case["epochs"], shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], arrays["fit_loss"], **LOSSES)
    assert_weights(model, arrays, "fit")


@pytest.mark.parametrize("name", sorted(n for n in CASES if not n.startswith("loss_")))
def test_train_on_batch_ends_at_keras_weights(name, one_thread):
    case, arrays, model = prepared(name)
    x, y, weights, size = arrays["x"], arrays["y"], arrays.get("sample_weight"), case["batch_size"]
    returned = []
    for _ in range(case["epochs"]):
        for start in range(0, len(x), size):
            batch = slice(start, start + size)
            returned.append(model.train_on_batch(x[batch], y[batch], sample_weight=None if weights is None else weights[batch]))
    np.testing.assert_allclose(returned, arrays["tob_loss"], **LOSSES)
    assert_weights(model, arrays, "tob")


def test_every_optimizer_and_loss_rnnkit_names_is_covered():
    optimizer_classes = {case["optimizer"]["class_name"] for case in CASES.values()}
    assert optimizer_classes == {"SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Nadam", "Adamax", "Lion"}
    loss_classes = {case["loss"]["class_name"] for case in CASES.values()}
    assert loss_classes == {"BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "MeanSquaredError",
                            "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError", "Huber", "LogCosh",
                            "Hinge", "SquaredHinge", "CategoricalHinge", "KLDivergence", "Poisson", "CosineSimilarity"}
    for case in CASES.values():  # rnnkit's classes take Keras's arguments and give the same config back
        config = case["loss"]["config"]
        ours = getattr(losses, case["loss"]["class_name"])(**case["loss_args"]).get_config()
        assert {key: ours[key] for key in config} == {**config, "name": ours["name"]}
    schedules = {case["optimizer"]["config"]["learning_rate"]["class_name"] for case in CASES.values()
                 if isinstance(case["optimizer"]["config"]["learning_rate"], dict)}
    assert schedules == {"ExponentialDecay", "PiecewiseConstantDecay", "CosineDecay", "InverseTimeDecay", "PolynomialDecay"}


def test_rmsprop_differs_from_torchs_rule():
    """The fixtures tell the update rules apart: torch's RMSprop (eps outside the root) misses Keras's weights."""
    case, arrays, model = prepared("dense_rmsprop")
    x, y = torch.as_tensor(arrays["x"]), torch.as_tensor(arrays["y"]).long()
    config = case["optimizer"]["config"]
    torch_rule = torch.optim.RMSprop(model.parameters(), lr=config["learning_rate"], alpha=config["rho"], eps=config["epsilon"])
    for _ in range(case["epochs"]):
        for start in range(0, len(x), case["batch_size"]):
            torch_rule.zero_grad()
            logits = model(x[start : start + case["batch_size"]])
            torch.nn.functional.cross_entropy(logits, y[start : start + case["batch_size"]]).backward()
            torch_rule.step()
    gaps = [np.abs(w - arrays[f"fit_weights_{i}"]).max() for i, w in enumerate(model.get_weights())]
    assert max(gaps) > 20 * WEIGHTS["atol"]


# ----- default initializers -----------------------------------------------------------------
INIT = json.loads((HERE / "initializers.json").read_text())["layers"]
LAYERS = initializer_models(keras)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_default_initializers_have_keras_statistics(name):
    """Shapes equal; each weight's std and range as Keras's (5 seeds each); orthogonal and constant parts exact."""
    reference = INIT[name]
    ours = []
    for seed in range(5):
        keras.utils.set_random_seed(seed)
        ours.append(LAYERS[name]().get_weights())
    for i, expected in enumerate(reference[0]):
        assert [list(w[i].shape) for w in ours] == [expected["shape"]] * 5
        if name == "lstm" and i == 2:  # unit_forget_bias: checked exactly below
            continue
        keras_std = np.mean([seed[i]["std"] for seed in reference])
        our_std = np.mean([w[i].std() for w in ours])
        if keras_std == 0.0:  # zeros (or unit_forget_bias: checked below)
            assert our_std == 0.0 and all(np.all(w[i] == expected["min"]) for w in ours)
            continue
        assert our_std == pytest.approx(keras_std, rel=0.03), f"weight {i}: std {our_std} against Keras's {keras_std}"
        if "orthogonality_error" not in expected:  # uniform: the same limits (an orthogonal matrix's extremes vary)
            keras_range = (min(s[i]["min"] for s in reference), max(s[i]["max"] for s in reference))
            our_range = (min(w[i].min() for w in ours), max(w[i].max() for w in ours))
            assert our_range == pytest.approx(keras_range, abs=0.05 * keras_std), f"weight {i}: range {our_range} against {keras_range}"
        assert abs(np.mean([w[i].mean() for w in ours])) < 4 * keras_std / np.sqrt(5 * ours[0][i].size)
        if "orthogonality_error" in expected:
            kernel = ours[0][i]
            assert np.abs(kernel @ kernel.T - np.eye(kernel.shape[0])).max() < 1e-5
            assert max(s[i]["orthogonality_error"] for s in reference) < 1e-5
    if name == "lstm":
        bias = ours[0][2]
        assert reference[0][2]["forget_block"] == [1.0] and reference[0][2]["other_blocks"] == [0.0]
        assert np.all(bias[32:64] == 1.0) and np.all(np.concatenate([bias[:32], bias[64:]]) == 0.0)


# ----- default arguments ----------------------------------------------------------------------
DEFAULTS = json.loads((HERE / "defaults.json").read_text())


@pytest.mark.parametrize("name", sorted(DEFAULTS["optimizers"]))
def test_optimizer_defaults_are_keras_defaults(name):
    """Every argument Keras's class has, with Keras's default, and Keras 3's default name (``rm_sprop``)."""
    ours = getattr(optimizers, name)().get_config()
    theirs = DEFAULTS["optimizers"][name]
    assert set(ours) == set(theirs)
    # Keras keeps learning_rate as a float32 variable: 0.001 comes back as 0.0010000000474974513
    assert {k: pytest.approx(v, rel=1e-7) if isinstance(v, float) else v for k, v in theirs.items()} == ours


@pytest.mark.parametrize("name", sorted(DEFAULTS["losses"]))
def test_loss_defaults_are_keras_defaults(name):
    ours = getattr(losses, name)().get_config()
    theirs = DEFAULTS["losses"][name]
    assert {k: ours[k] for k in theirs} == theirs  # rnnkit may add what Keras forgets (Huber's delta)
