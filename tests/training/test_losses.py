"""Losses, metrics, optimizers and schedules against torch's functions and hand formulas."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import rnnkit as keras
from rnnkit import losses, metrics, optimizers
from rnnkit.optimizers import schedules

torch.manual_seed(0)
LOGITS = torch.randn(6, 4)
LABELS = torch.tensor([0, 3, 1, 2, 2, 0])
PROBS = torch.softmax(LOGITS, dim=-1)


# ----- losses ---------------------------------------------------------------------------------
def test_sparse_categorical_crossentropy_matches_torch_cross_entropy():
    loss = losses.SparseCategoricalCrossentropy(from_logits=True)
    assert loss(LABELS, LOGITS).item() == pytest.approx(F.cross_entropy(LOGITS, LABELS).item(), rel=1e-6)
    on_probs = losses.get("sparse_categorical_crossentropy")(LABELS, PROBS)
    assert on_probs.item() == pytest.approx(F.nll_loss(torch.log(PROBS), LABELS).item(), rel=1e-5)


def test_sparse_crossentropy_over_sequences_and_column_labels():
    logits = torch.randn(3, 5, 4)
    labels = torch.randint(0, 4, (3, 5))
    expected = F.cross_entropy(logits.reshape(-1, 4), labels.reshape(-1)).item()
    loss = losses.SparseCategoricalCrossentropy(from_logits=True)
    assert loss(labels, logits).item() == pytest.approx(expected, rel=1e-6)
    assert loss(LABELS[:, None], LOGITS).item() == pytest.approx(F.cross_entropy(LOGITS, LABELS).item(), rel=1e-6)


def test_categorical_crossentropy_renormalises_and_takes_soft_targets():
    soft = torch.softmax(torch.randn(6, 4), dim=-1)
    logit_loss = losses.CategoricalCrossentropy(from_logits=True)(soft, LOGITS)
    assert logit_loss.item() == pytest.approx(F.cross_entropy(LOGITS, soft).item(), rel=1e-6)
    # probabilities that do not sum to one are divided by their sum first, as in Keras
    doubled = losses.categorical_crossentropy(soft, 2 * PROBS).mean()
    assert doubled.item() == pytest.approx(-(soft * torch.log(PROBS)).sum(-1).mean().item(), rel=1e-5)


def test_binary_crossentropy_matches_torch_and_clips_probabilities_at_1e_7():
    y = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    p = torch.tensor([[0.9, 0.2], [0.3, 0.6], [0.5, 0.99]])
    assert losses.get("binary_crossentropy")(y, p).item() == pytest.approx(F.binary_cross_entropy(p, y).item(), rel=1e-6)
    logits = torch.randn(3, 2)
    assert losses.BinaryCrossentropy(from_logits=True)(y, logits).item() == pytest.approx(
        F.binary_cross_entropy_with_logits(logits, y).item(), rel=1e-6
    )
    # a certain, wrong answer costs -log(1e-7) (torch would say 100)
    wrong = losses.binary_crossentropy(torch.tensor([[1.0]]), torch.tensor([[0.0]]))
    assert wrong.item() == pytest.approx(-math.log(1e-7), rel=1e-4)


def test_label_smoothing_follows_keras_formula():
    y = torch.tensor([[1.0, 0.0]])
    p = torch.tensor([[0.7, 0.4]])
    smoothed = y * 0.8 + 0.5 * 0.2
    expected = F.binary_cross_entropy(p, smoothed).item()
    assert losses.BinaryCrossentropy(label_smoothing=0.2)(y, p).item() == pytest.approx(expected, rel=1e-6)


def test_regression_losses_match_torch():
    y, p = torch.randn(5, 3), 3 * torch.randn(5, 3)
    assert losses.get("mse")(y, p).item() == pytest.approx(F.mse_loss(p, y).item(), rel=1e-6)
    assert losses.get("mae")(y, p).item() == pytest.approx(F.l1_loss(p, y).item(), rel=1e-6)
    assert losses.Huber(delta=1.5)(y, p).item() == pytest.approx(F.huber_loss(p, y, delta=1.5).item(), rel=1e-6)
    # a target without the trailing unit axis is matched to an output (batch, 1)
    assert losses.get("mse")(y[:, 0], p[:, :1]).item() == pytest.approx(F.mse_loss(p[:, 0], y[:, 0]).item(), rel=1e-6)



def test_loss_and_metric_functions_take_numpy_arrays_and_lists():
    """Tutorials score a naive forecast with ``keras.losses.mean_squared_error(y_valid, y_pred)``."""
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.normal(size=(8, 1)), rng.normal(size=(8,)).astype(np.float32)
    expected = ((y_pred[:, None].astype(np.float64) - y_true) ** 2).mean(axis=-1)
    for fn in (keras.losses.mean_squared_error, keras.metrics.mse, keras.losses.mse):
        # y_true (8, 1) against y_pred (8,) is matched as Keras matches them; the float32 output stays float32
        got = fn(y_true[:, 0], y_pred[:, None])
        assert isinstance(got, torch.Tensor) and got.dtype == torch.float32
        np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6)
    # plain lists, integer predictions (cast to float32, Keras's floatx), keyword arguments
    got = keras.losses.mean_absolute_error(y_true=[[1.0, 2.0]], y_pred=[[0, 4]])
    assert got.dtype == torch.float32 and got.tolist() == [1.5]
    labels, probs = np.array([0, 2]), np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    np.testing.assert_allclose(keras.losses.sparse_categorical_crossentropy(labels, probs).numpy(),
                               -np.log([0.7, 0.8]), rtol=1e-6)
    assert keras.metrics.sparse_categorical_accuracy(labels, probs).tolist() == [1.0, 1.0]
    assert keras.metrics.binary_accuracy(np.array([[1], [0]]), np.array([[0.9], [0.8]])).tolist() == [1.0, 0.0]
    # a Loss object reduces NumPy inputs the same way
    assert keras.losses.MeanSquaredError()(y_true[:, 0], y_pred[:, None]).item() == pytest.approx(expected.mean(), rel=1e-6)
    # tensors pass through as the same objects: the logits a softmax leaves on its output are kept
    logits = torch.tensor([[30.0, 0.0]])
    saturated = keras.activations.softmax(logits)
    assert keras.losses.categorical_crossentropy(np.array([[0.0, 1.0]]), saturated).item() == pytest.approx(30.0, rel=1e-5)


def test_keras_metrics_names_the_loss_functions_custom_metrics_use():
    """``def last_time_step_mse(Y_true, Y_pred): return keras.metrics.mean_squared_error(...)``."""
    for name in ("mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
                 "mean_squared_logarithmic_error", "binary_crossentropy", "categorical_crossentropy",
                 "sparse_categorical_crossentropy", "hinge", "squared_hinge", "categorical_hinge", "huber",
                 "kl_divergence", "log_cosh", "poisson"):
        assert getattr(keras.metrics, name) is getattr(keras.losses, name), name
        assert name in keras.metrics.__all__

    def last_time_step_mse(y_true, y_pred):
        return keras.metrics.mean_squared_error(y_true[:, -1], y_pred[:, -1])

    x = np.random.default_rng(1).normal(size=(16, 5, 1)).astype("float32")
    y = np.repeat(x, 2, axis=-1)
    model = keras.Sequential([keras.Input((5, 1)), keras.layers.SimpleRNN(4, return_sequences=True),
                              keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse", metrics=[last_time_step_mse])
    scores = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
    expected = ((model.predict(x, verbose=0)[:, -1] - y[:, -1]) ** 2).mean()
    assert scores["last_time_step_mse"] == pytest.approx(float(expected), rel=1e-5)

def test_sample_weight_and_mask_reduce_as_keras_does():
    per_sample = F.cross_entropy(LOGITS, LABELS, reduction="none")
    weights = torch.tensor([1.0, 0.0, 2.0, 1.0, 0.5, 3.0])
    loss = losses.SparseCategoricalCrossentropy(from_logits=True)
    # sum of weighted values over the number of values (not over the sum of the weights)
    assert loss(LABELS, LOGITS, weights).item() == pytest.approx((weights * per_sample).sum().item() / 6, rel=1e-6)
    logits = torch.randn(2, 3, 4)
    labels = torch.randint(0, 4, (2, 3))
    logits._keras_mask = torch.tensor([[True, True, False], [True, False, False]])
    values = F.cross_entropy(logits.reshape(-1, 4), labels.reshape(-1), reduction="none").reshape(2, 3)
    expected = (values[0, 0] + values[0, 1] + values[1, 0]).item() / 3
    assert loss(labels, logits).item() == pytest.approx(expected, rel=1e-6)


def test_plain_function_as_loss():
    def doubled_mse(y_true, y_pred):
        return 2 * ((y_true - y_pred) ** 2).mean(dim=-1)

    y, p = torch.randn(4, 2), torch.randn(4, 2)
    assert losses.get(doubled_mse)(y, p).item() == pytest.approx(2 * F.mse_loss(p, y).item(), rel=1e-6)


@pytest.mark.parametrize(
    "name, y_true, y_pred, message",
    [
        ("sparse_categorical_crossentropy", torch.tensor([0, 4]), torch.rand(2, 4), r"labels y .* \[0, 3\].* 0 to 4"),
        ("sparse_categorical_crossentropy", torch.tensor([-1, 2]), torch.rand(2, 4), r"labels y .* \[0, 3\]"),
        ("sparse_categorical_crossentropy", torch.tensor([0.5, 2.0]), torch.rand(2, 4), "whole class indices"),
        ("sparse_categorical_crossentropy", torch.tensor([[0, 1]]), torch.rand(2, 4), "must have shape"),
        ("binary_crossentropy", torch.tensor([[2.0], [0.0]]), torch.rand(2, 1), r"must lie in \[0, 1\]"),
        ("categorical_crossentropy", torch.ones(2, 3), torch.rand(2, 4), "shape"),
    ],
)
def test_bad_targets_are_named(name, y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        losses.get(name)(y_true, y_pred)


def test_unknown_names_list_the_known_ones():
    with pytest.raises(ValueError, match="loss: unknown loss 'msee'"):
        losses.get("msee")
    with pytest.raises(ValueError, match="metrics: unknown metric"):
        metrics.get("acuracy", LABELS, LOGITS)
    with pytest.raises(ValueError, match="optimizer must be one of"):
        optimizers.get("adamx")


# ----- metrics --------------------------------------------------------------------------------
def test_accuracy_is_resolved_as_keras_does():
    binary = metrics.get("accuracy", torch.tensor([1, 0, 1]), torch.tensor([[0.9], [0.6], [0.2]]))
    sparse = metrics.get("accuracy", LABELS, LOGITS)
    categorical = metrics.get("acc", F.one_hot(LABELS, 4).float(), LOGITS)
    assert binary.fn is metrics.binary_accuracy
    assert sparse.fn is metrics.sparse_categorical_accuracy
    assert categorical.fn is metrics.categorical_accuracy and categorical.name == "acc"
    bce = losses.get("binary_crossentropy")
    assert metrics.get("accuracy", torch.ones(3, 2), torch.rand(3, 2), bce).fn is metrics.binary_accuracy


def test_accuracy_values_and_weighted_running_mean():
    expected = (LOGITS.argmax(-1) == LABELS).float().numpy()
    metric = metrics.get("accuracy", LABELS, LOGITS)
    metric.update_state(LABELS[:4], LOGITS[:4])
    metric.update_state(LABELS[4:], LOGITS[4:])
    assert metric.result() == pytest.approx(expected.mean())
    weights = np.array([1.0, 2.0, 0.0, 1.0, 1.0, 3.0])
    metric.reset_state()
    metric.update_state(LABELS, LOGITS, torch.tensor(weights))
    assert metric.result() == pytest.approx((expected * weights).sum() / weights.sum())
    hits = metrics.binary_accuracy(torch.tensor([1, 0, 1, 0]), torch.tensor([[0.9], [0.6], [0.2], [0.4]]))
    assert hits.tolist() == [1.0, 0.0, 0.0, 1.0]


# ----- optimizers -----------------------------------------------------------------------------
def bound(optimizer, *shapes):
    params = [torch.nn.Parameter(torch.randn(*s)) for s in shapes or [(3, 2)]]
    optimizer.bind(params)
    return optimizer, params


def test_optimizers_have_keras_defaults():
    config = lambda name: optimizers.get(name).get_config()  # noqa: E731
    adam = config("adam")
    assert (adam["learning_rate"], adam["beta_1"], adam["beta_2"], adam["epsilon"]) == (0.001, 0.9, 0.999, 1e-7)
    rmsprop = config("rmsprop")
    assert (rmsprop["learning_rate"], rmsprop["rho"], rmsprop["epsilon"], rmsprop["momentum"]) == (0.001, 0.9, 1e-7, 0.0)
    adagrad = config("adagrad")
    assert (adagrad["learning_rate"], adagrad["initial_accumulator_value"]) == (0.001, 0.1)
    assert config("sgd")["learning_rate"] == 0.01
    assert config("adamw")["weight_decay"] == 0.004 and config("adam")["weight_decay"] is None
    optimizer, _ = bound(optimizers.get("rmsprop"))
    assert optimizer.torch_optimizer.param_groups[0]["lr"] == 0.001


def test_sgd_step_with_decoupled_weight_decay_follows_keras_formula():
    optimizer, (w,) = bound(optimizers.SGD(learning_rate=0.1, weight_decay=0.5))
    start = w.detach().clone()
    w.grad = torch.ones_like(w)
    optimizer.step()
    # Keras: w <- w - lr * wd * w, then w <- w - lr * g
    assert torch.allclose(w.detach(), start * (1 - 0.1 * 0.5) - 0.1, atol=1e-7)
    assert optimizer.iterations == 1


def test_clipnorm_bounds_each_weight_and_global_clipnorm_the_joint_norm():
    grads = [torch.full((3, 2), 4.0), torch.full((5,), 0.01), torch.full((2,), -3.0)]

    def clipped(**clip):
        optimizer, params = bound(optimizers.SGD(**clip), (3, 2), (5,), (2,))
        for p, g in zip(params, grads):
            p.grad = g.clone()
        optimizer.clip_gradients()
        return [p.grad for p in params]

    per_weight = clipped(clipnorm=1.0)
    assert [round(g.norm().item(), 5) for g in per_weight] == [1.0, round(grads[1].norm().item(), 5), 1.0]
    assert torch.allclose(per_weight[0], grads[0] / grads[0].norm())
    joint = clipped(global_clipnorm=1.0)
    total = math.sqrt(sum(g.norm().item() ** 2 for g in grads))
    assert math.sqrt(sum(g.norm().item() ** 2 for g in joint)) == pytest.approx(1.0, rel=1e-6)
    assert torch.allclose(joint[2], grads[2] / total)
    by_value = clipped(clipvalue=0.5)
    assert by_value[0].max().item() == 0.5 and by_value[2].min().item() == -0.5 and by_value[1][0].item() == pytest.approx(0.01)
    with pytest.raises(ValueError, match="at most one of clipnorm, clipvalue and global_clipnorm"):
        optimizers.Adam(clipnorm=1.0, clipvalue=1.0)


def test_schedules_follow_keras_formulas_and_drive_the_optimizer():
    decay = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    assert decay(0) == 0.1 and decay(10) == pytest.approx(0.05) and decay(5) == pytest.approx(0.1 * 0.5**0.5)
    assert schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True)(19) == pytest.approx(0.05)
    assert schedules.InverseTimeDecay(1.0, 2, 1.0)(4) == pytest.approx(1 / 3)
    piecewise = schedules.PiecewiseConstantDecay([2, 5], [1.0, 0.5, 0.1])
    assert [piecewise(s) for s in (0, 2, 3, 5, 6)] == [1.0, 1.0, 0.5, 0.5, 0.1]
    assert schedules.CosineDecay(1.0, 10, alpha=0.1)(10) == pytest.approx(0.1)
    optimizer, (w,) = bound(optimizers.SGD(learning_rate=decay))
    rates = []
    for _ in range(3):
        w.grad = torch.ones_like(w)
        optimizer.step()
        rates.append(optimizer.torch_optimizer.param_groups[0]["lr"])
    assert rates == [decay(0), decay(1), decay(2)]
    with pytest.raises(ValueError, match="follows a schedule"):
        optimizer.learning_rate = 0.3


def test_keras_namespaces_are_importable():
    from rnnkit.callbacks import EarlyStopping, ProgbarLogger  # noqa: F401
    from rnnkit.losses import SparseCategoricalCrossentropy  # noqa: F401
    from rnnkit.utils import set_random_seed

    set_random_seed(3)
    first = torch.rand(2)
    keras.utils.set_random_seed(3)
    assert torch.equal(first, torch.rand(2))
