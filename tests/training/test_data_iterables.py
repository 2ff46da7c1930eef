"""``fit``/``evaluate``/``predict`` on iterables of batches give the numbers of the same batches as arrays."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
import rnnkit as keras
from rnnkit.training.data import is_batch_iterable


def make_model():
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.Input((6, 2)), keras.layers.LSTM(5), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


@pytest.fixture
def series():
    t = np.linspace(0, 12, 80)
    data = np.stack([np.sin(t), np.cos(t)], axis=1)
    dataset = keras.utils.timeseries_dataset_from_array(data, data[6:, 0], sequence_length=6, batch_size=16)
    x = np.stack([data[i : i + 6] for i in range(74)])
    return dataset, x, data[6:, 0]


def test_fit_on_a_dataset_equals_fit_on_its_arrays(series):
    dataset, x, y = series
    on_dataset = make_model()
    history = on_dataset.fit(dataset, epochs=2, verbose=0, validation_data=dataset)
    on_arrays = make_model()
    expected = on_arrays.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0, validation_data=(x, y))
    for key in ("loss", "mae", "val_loss", "val_mae"):
        np.testing.assert_allclose(history.history[key], expected.history[key], rtol=1e-5)
    for a, b in zip(on_dataset.get_weights(), on_arrays.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(on_dataset.evaluate(dataset, verbose=0), on_arrays.evaluate(x, y, verbose=0), rtol=1e-6)
    np.testing.assert_allclose(on_dataset.predict(dataset), on_arrays.predict(x), rtol=1e-6)
    np.testing.assert_allclose(on_dataset.evaluate(dataset.take(2), verbose=0),
                               on_arrays.evaluate(x[:32], y[:32], verbose=0), rtol=1e-6)


def test_a_generator_with_steps_per_epoch_continues_across_epochs(series):
    _, x, y = series
    batches = [(x[i : i + 16], y[i : i + 16]) for i in range(0, 74, 16)]

    def forever():
        yield from itertools.cycle(batches)

    on_generator = make_model()
    history = on_generator.fit(forever(), steps_per_epoch=3, epochs=3, verbose=0)
    on_arrays = make_model()
    expected = [on_arrays.train_on_batch(*batches[k % 5]) for k in range(9)]
    assert len(history.history["loss"]) == 3
    for a, b in zip(on_generator.get_weights(), on_arrays.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert np.isfinite(expected).all()
    np.testing.assert_allclose(on_generator.predict(iter([b[0] for b in batches]), steps=2), on_arrays.predict(x[:32]), rtol=1e-6)


class Batches:
    """A re-iterable of ready batches with a length, as a user-written data class would be."""

    def __init__(self, batches):
        self.batches = batches

    def __len__(self):
        return len(self.batches)

    def __iter__(self):
        return iter(self.batches)


def test_sample_weights_in_the_batches_of_a_reiterable(series):
    _, x, y = series
    w = np.linspace(0.5, 2.0, 74)
    batches = Batches([(x[i : i + 20], y[i : i + 20], w[i : i + 20]) for i in range(0, 74, 20)])
    history = make_model().fit(batches, epochs=2, verbose=0)
    expected = make_model().fit(x, y, sample_weight=w, batch_size=20, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], expected.history["loss"], rtol=1e-5)


def test_clear_errors(series):
    dataset, x, y = series
    model = make_model()

    def finite():
        yield x[:16], y[:16]

    with pytest.raises(ValueError, match="without a length: pass steps_per_epoch"):
        model.fit(finite(), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="ran out of batches after 1 of the epoch's 2"):
        model.fit(finite(), steps_per_epoch=2, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="batch 0 has no targets"):
        model.fit(iter([x[:16]]), steps_per_epoch=1, verbose=0)
    with pytest.raises(ValueError, match="carries the targets: leave y and sample_weight unset"):
        model.fit(dataset, y, verbose=0)
    with pytest.raises(ValueError, match="steps apply to a dataset or generator"):
        model.fit(x, y, steps_per_epoch=2, verbose=0)
    with pytest.raises(ValueError, match="validation_split needs arrays"):
        model.fit(dataset, validation_split=0.2, verbose=0)
    with pytest.raises(ValueError, match="predict: x is a generator without a length: pass steps"):
        model.predict(b[0] for b in dataset)


def test_array_like_data_is_never_taken_for_batches():
    class FrameLike:  # pandas objects iterate over column names but are arrays to NumPy
        def __array__(self, dtype=None, copy=None):
            return np.zeros((2, 3))

        def __iter__(self):
            return iter(["a", "b", "c"])

    for value in (np.zeros(3), torch.zeros(3), [np.zeros(3)], (np.zeros(3),), {"a": np.zeros(3)}, FrameLike()):
        assert not is_batch_iterable(value)
    assert is_batch_iterable(iter([1])) and is_batch_iterable(Batches([]))


def test_a_multi_process_run_refuses_datasets(series, monkeypatch):
    from rnnkit.training import data, distributed

    dataset, _, _ = series
    monkeypatch.setattr(distributed, "world_size", lambda: 2)
    with pytest.raises(ValueError, match="cannot be shared out among the processes"):
        data.make_batches(dataset, None, None, None, False)


class WindowBatches(keras.utils.PyDataset):
    """A user's PyDataset: batches by index, reshuffled after every epoch."""

    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size
        self.order = np.arange(len(x))
        self.epochs_ended = 0

    def __len__(self):
        return int(np.ceil(len(self.x) / self.batch_size))

    def __getitem__(self, index):
        rows = self.order[index * self.batch_size : (index + 1) * self.batch_size]
        return self.x[rows], self.y[rows]

    def on_epoch_end(self):
        self.epochs_ended += 1
        self.order = np.random.default_rng(self.epochs_ended).permutation(len(self.x))


def test_a_py_dataset_trains_as_its_batches_do(series):
    _, x, y = series
    batches = WindowBatches(x, y, batch_size=16, workers=2)
    model = make_model()
    history = model.fit(batches, epochs=2, verbose=0)
    assert batches.epochs_ended == 2 and len(history.history["loss"]) == 2
    reference = make_model()
    for order in (np.arange(74), np.random.default_rng(1).permutation(74)):  # epoch 2 reads the reshuffled order
        for i in range(0, 74, 16):
            reference.train_on_batch(x[order[i : i + 16]], y[order[i : i + 16]])
    for a, b in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict(WindowBatches(x, y, 16)), model.predict(x), rtol=1e-6)
    assert issubclass(keras.utils.Sequence, keras.utils.PyDataset)
