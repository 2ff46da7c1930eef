"""compile / fit / evaluate / predict / train_on_batch: learning, numbers, data sources, bad input."""

import io
import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

import rnnkit as keras
from rnnkit.layers import LSTM, Dense, SimpleRNN


def sign_task(count, seed=0):
    """Is the sum of the first feature over 10 steps positive? Needs the whole sequence."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((count, 10, 3)).astype("float32")
    y = (x[:, :, 0].sum(axis=1) > 0).astype("int64")
    return x, y


def classifier(seed=0, units=16):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(10, 3)), LSTM(units), Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_fit_learns_the_task_and_reaches_90_percent_held_out_accuracy():
    x, y = sign_task(384)
    model = classifier()
    history = model.fit(x, y, batch_size=32, epochs=6, validation_split=0.2, verbose=0)
    losses = history.history["loss"]
    assert history.epoch == list(range(6))
    assert losses[-1] < 0.5 * losses[0]
    assert history.history["val_accuracy"][-1] >= 0.9
    x_test, y_test = sign_task(300, seed=1)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy >= 0.9
    assert model.history is history


def test_evaluate_and_predict_agree_with_torch_and_predict_is_deterministic():
    x, y = sign_task(100)
    model = classifier()
    model.fit(x, y, batch_size=20, epochs=1, verbose=0)
    first = model.predict(x, batch_size=7)
    np.testing.assert_array_equal(first, model.predict(x, batch_size=7))
    # another batch size changes only the order of float sums
    np.testing.assert_allclose(first, model.predict(x, batch_size=50), rtol=1e-6, atol=1e-7)
    probabilities = torch.from_numpy(first)
    expected_loss = F.nll_loss(torch.log(probabilities.clamp(1e-7, 1 - 1e-7)), torch.from_numpy(y)).item()
    expected_accuracy = float((first.argmax(-1) == y).mean())
    logs = model.evaluate(x, y, batch_size=32, return_dict=True)
    assert logs["loss"] == pytest.approx(expected_loss, rel=1e-5)
    assert logs["accuracy"] == pytest.approx(expected_accuracy)
    assert model.test_on_batch(x, y) == pytest.approx([expected_loss, expected_accuracy], rel=1e-5)


def test_train_on_batch_applies_one_sgd_step():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(3,)), Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    x = np.random.default_rng(0).standard_normal((8, 3)).astype("float32")
    y = np.ones((8, 1), dtype="float32")
    kernel, bias = (torch.tensor(w) for w in model.get_weights())
    error = torch.from_numpy(x) @ kernel + bias - torch.from_numpy(y)  # (8, 1)
    loss = model.train_on_batch(x, y)
    assert loss == pytest.approx(error.square().mean().item(), rel=1e-6)
    new_kernel = kernel - 0.1 * (2 / 8) * torch.from_numpy(x).T @ error
    np.testing.assert_allclose(model.get_weights()[0], new_kernel.numpy(), rtol=1e-5)


def test_dataset_and_dataloader_train_exactly_like_arrays():
    x, y = sign_task(96)
    histories = []
    for source in ("arrays", "dataset", "loader"):
        model = classifier(units=4)
        dataset = TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
        if source == "arrays":
            history = model.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0)
        elif source == "dataset":
            history = model.fit(dataset, batch_size=32, epochs=2, shuffle=False, verbose=0)
        else:
            history = model.fit(DataLoader(dataset, batch_size=32), epochs=2, verbose=0, validation_data=DataLoader(dataset, batch_size=50))
            assert "val_loss" in history.history
        histories.append(history.history["loss"])
    assert histories[0] == histories[1] == histories[2]


def test_class_weight_equals_the_matching_sample_weight_and_keras_reduction():
    x, y = sign_task(64)
    by_class = classifier(units=4).fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0, class_weight={0: 1.0, 1: 3.0})
    by_sample = classifier(units=4).fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0, sample_weight=1.0 + 2.0 * y)
    assert by_class.history["loss"] == by_sample.history["loss"]
    model = classifier(units=4)
    weights = np.linspace(0.0, 2.0, 64)
    per_sample = F.nll_loss(torch.log(torch.from_numpy(model.predict(x)).clamp(1e-7, 1)), torch.from_numpy(y), reduction="none")
    expected = (per_sample.double() * torch.from_numpy(weights)).sum().item() / 64
    assert model.evaluate(x, y, sample_weight=weights, batch_size=64)[0] == pytest.approx(expected, rel=1e-5)


def test_two_outputs_with_a_loss_each_and_loss_weights():
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(5, 2))
    features = SimpleRNN(4)(inputs)
    value = Dense(1, name="value")(features)
    kind = Dense(3, activation="softmax", name="kind")(features)
    model = keras.Model(inputs, [value, kind])
    model.compile(optimizer="adam", loss={"value": "mse", "kind": "sparse_categorical_crossentropy"},
                  loss_weights={"value": 0.5, "kind": 2.0}, metrics={"kind": ["accuracy"]})
    rng = np.random.default_rng(0)
    x = rng.standard_normal((12, 5, 2)).astype("float32")
    y_value, y_kind = rng.standard_normal((12, 1)).astype("float32"), rng.integers(0, 3, 12)
    logs = model.evaluate(x, [y_value, y_kind], return_dict=True)
    value_out, kind_out = (torch.from_numpy(a) for a in model.predict(x))
    mse = F.mse_loss(value_out, torch.from_numpy(y_value)).item()
    nll = F.nll_loss(torch.log(kind_out), torch.from_numpy(y_kind)).item()
    assert logs["value_loss"] == pytest.approx(mse, rel=1e-5)
    assert logs["kind_loss"] == pytest.approx(nll, rel=1e-5)
    assert logs["loss"] == pytest.approx(0.5 * mse + 2.0 * nll, rel=1e-5)
    assert set(logs) == {"loss", "value_loss", "kind_loss", "kind_accuracy"}
    history = model.fit(x, {"value": y_value, "kind": y_kind}, epochs=2, verbose=0)
    assert len(history.history["kind_accuracy"]) == 2


def test_progress_output_follows_verbose(capsys):
    x, y = sign_task(40)
    model = classifier(units=4)
    model.fit(x, y, epochs=2, verbose=0)
    assert capsys.readouterr().out == ""
    model.fit(x, y, epochs=2, verbose=1)  # not a terminal here: one line per epoch, as verbose=2
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    model.fit(x, y, epochs=2, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and lines[3].startswith("2/2 - ") and "loss: " in lines[3] and "accuracy: " in lines[3]


class UpdateRecorder(keras.callbacks.Callback):
    """The change each batch made to every weight: with SGD(learning_rate=1) it is minus the applied gradient."""

    def on_train_batch_begin(self, batch, logs=None):
        self.before = [p.detach().clone() for p in self.model.parameters()]

    def on_train_batch_end(self, batch, logs=None):
        self.updates.append([p.detach() - b for p, b in zip(self.model.parameters(), self.before)])


@pytest.mark.parametrize("clip", ["clipnorm", "global_clipnorm"])
def test_gradient_clipping_bounds_the_applied_gradient_through_fit(clip):
    x, y = sign_task(64)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(10, 3)), LSTM(8), Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0, **{clip: 0.25}), loss="mse")
    recorder = UpdateRecorder()
    recorder.updates = []
    model.fit(x, 100.0 * y, batch_size=16, epochs=2, verbose=0, callbacks=[recorder])  # huge gradients
    for updates in recorder.updates:
        norms = [u.norm().item() for u in updates]
        if clip == "clipnorm":  # Keras: each weight's gradient on its own
            assert max(norms) <= 0.25 * (1 + 1e-5)
        else:  # all gradients together
            assert sum(n * n for n in norms) ** 0.5 <= 0.25 * (1 + 1e-5)
            assert sum(n * n for n in norms) ** 0.5 == pytest.approx(0.25, rel=1e-4)  # clipping was active


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_on_a_terminal_shows_batches_metrics_and_timing(monkeypatch):
    x, y = sign_task(40)
    model = classifier(units=4)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    model.fit(x, y, batch_size=10, epochs=2, validation_split=0.5)
    screen = terminal.getvalue().replace("\r", "\n")
    last = screen.split("Epoch 2/2")[1].strip().splitlines()[-1]
    assert last.startswith("2/2 ━━━━") and "ms/step - loss: " in last and "accuracy: " in last and " - val_loss: " in last


# ----- bad input ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "change, message",
    [
        (lambda x, y: (x[:10], y[:9]), "x has 10 samples but y has 9"),
        (lambda x, y: (x, y + 3), r"labels y \(y_true\) must lie in \[0, 1\]"),
        (lambda x, y: (x.astype(str), y), r"\(LSTM\) takes numbers; got text \(a NumPy array of <U.*put a TextVectorization"),
        (lambda x, y: (x, y.astype(complex)), "y must hold numbers"),
        (lambda x, y: (np.where(np.arange(10)[None, :, None] == 3, np.nan, x), y), r"x contains NaN or infinity \(first at index \(0, 3, 0\)\)"),
        (lambda x, y: (x, y.astype("float32") + 0.5), "whole class indices"),
    ],
)
def test_bad_input_errors_name_the_argument(change, message):
    x, y = sign_task(20)
    x, y = change(x, y)
    with pytest.raises(ValueError, match=message):
        classifier(units=2).fit(x, y, epochs=1, verbose=0)


def test_other_bad_arguments_are_named():
    x, y = sign_task(20)
    model = classifier(units=2)
    with pytest.raises(ValueError, match="sample_weight has 5"):
        model.fit(x, y, sample_weight=np.ones(5), verbose=0)
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        model.fit(x, y, batch_size=0, verbose=0)
    with pytest.raises(ValueError, match="validation_split must be between 0 and 1"):
        model.fit(x, y, validation_split=1.5, verbose=0)
    with pytest.raises(ValueError, match=r"validation_data\[0\] has 20 samples but validation_data\[1\] has 19"):
        model.fit(x, y, validation_data=(x, y[:19]), verbose=0)
    with pytest.raises(ValueError, match="validation_data must be"):
        model.fit(x, y, validation_data=x, verbose=0)
    with pytest.raises(RuntimeError, match="compile the model first"):
        keras.Sequential([keras.Input(shape=(10, 3)), LSTM(2)]).fit(x, y)
    with pytest.raises(ValueError, match="compile: loss is required"):
        model.compile(optimizer="adam")


def test_float64_and_integer_data_are_cast_to_the_model_dtype():
    x, y = sign_task(32)
    model = classifier(units=2)
    as_float32 = model.evaluate(x, y)
    assert model.evaluate(torch.from_numpy(x).double(), torch.from_numpy(y)) == as_float32
    rounded = np.round(x * 3)  # Keras casts integer inputs of a recurrent layer to its float dtype
    assert model.evaluate(rounded.astype("int64"), y) == model.evaluate(rounded.astype("float32"), y)


def test_fit_builds_a_model_without_an_input_shape_from_the_first_batch():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([SimpleRNN(4), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    x, y = torch.randn(20, 5, 2, dtype=torch.float64), torch.randn(20, 1, dtype=torch.float64)
    history = model.fit(x, y, batch_size=5, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and model.count_params() == 4 * (2 + 4 + 1) + 5
    assert model.optimizer.iterations == 8


def test_an_optimizer_object_reused_for_a_second_model_is_refused_as_keras_does():
    """Keras 3 raises "Unknown variable"; training the second model silently not at all would be worse."""
    x, y = sign_task(32)
    rmsprop = keras.optimizers.RMSprop(learning_rate=1e-2)
    first = keras.Sequential([keras.Input(shape=(10, 3)), SimpleRNN(4), Dense(2, activation="softmax")])
    first.compile(optimizer=rmsprop, loss="sparse_categorical_crossentropy")
    first.fit(x, y, epochs=1, verbose=0)
    first.fit(x, y, epochs=1, verbose=0)  # the same model again is fine
    first.layers[0].trainable = False
    first.fit(x, y, epochs=1, verbose=0)  # and so is a subset of its weights
    second = keras.Sequential([keras.Input(shape=(10, 3)), SimpleRNN(4), Dense(2, activation="softmax")], name="second")
    second.compile(optimizer=rmsprop, loss="sparse_categorical_crossentropy")
    before = [w.copy() for w in second.get_weights()]
    with pytest.raises(ValueError, match=r"rm_sprop: this optimizer was built for the weights of another model .* "
                                         r"Sequential 'second'; create a new optimizer instance"):
        second.fit(x, y, epochs=1, verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(before, second.get_weights()))
    # a fresh optimizer trains it
    second.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-2), loss="sparse_categorical_crossentropy")
    second.fit(x, y, epochs=1, verbose=0)
    assert not all(np.array_equal(a, b) for a, b in zip(before, second.get_weights()))
