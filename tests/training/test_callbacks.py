"""Each callback changes training as documented, on scripted loss curves where the curve matters."""

import csv
import importlib.util
import math

import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit import callbacks
from rnnkit.layers import Dense, SimpleRNN
from rnnkit.training import load_checkpoint


class Scripted(callbacks.Callback):
    """Overwrites logs[key] with a scripted value each epoch, and remembers the weights then."""

    def __init__(self, key, curve):
        super().__init__()
        self.key, self.curve, self.weights = key, curve, []

    def on_epoch_end(self, epoch, logs=None):
        logs[self.key] = self.curve[epoch]
        self.weights.append({k: v.clone() for k, v in self.model.state_dict().items()})


def data(count=32):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((count, 4, 2)).astype("float32")
    return x, x.sum(axis=(1, 2))[:, None] / 4


def model(learning_rate=0.01):
    keras.utils.set_random_seed(0)
    net = keras.Sequential([keras.Input(shape=(4, 2)), SimpleRNN(3), Dense(1)])
    net.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="mse", metrics=["mae"])
    return net


def test_early_stopping_stops_after_patience_and_restores_the_best_weights():
    curve = [1.0, 0.8, 0.7, 0.75, 0.72, 0.6, 0.5, 0.4]
    script = Scripted("val_loss", curve)
    net = model()
    stopper = callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    history = net.fit(*data(), epochs=8, verbose=0, callbacks=[script, stopper])
    assert history.epoch == [0, 1, 2, 3, 4]  # best at epoch 2, two epochs without improvement
    assert stopper.stopped_epoch == 4 and stopper.best_epoch == 2
    for key, value in net.state_dict().items():
        assert torch.equal(value, script.weights[2][key])


def test_early_stopping_min_delta_baseline_and_max_mode():
    script = Scripted("val_loss", [1.0, 0.99, 0.98, 0.5])
    history = model().fit(*data(), epochs=4, verbose=0, callbacks=[script, callbacks.EarlyStopping(patience=1, min_delta=0.05)])
    assert history.epoch == [0, 1]  # 0.99 is not 0.05 better than 1.0
    script = Scripted("val_loss", [0.9, 0.8, 0.85, 0.86])
    history = model().fit(*data(), epochs=4, verbose=0, callbacks=[script, callbacks.EarlyStopping(patience=2, baseline=0.5)])
    assert history.epoch == [0, 1, 2]  # improvements that miss the baseline do not reset the wait
    script = Scripted("val_accuracy", [0.5, 0.6, 0.55, 0.58, 0.9])
    history = model().fit(*data(), epochs=5, verbose=0, callbacks=[script, callbacks.EarlyStopping(monitor="val_accuracy", patience=2)])
    assert history.epoch == [0, 1, 2, 3]  # 'auto' is max for accuracy


def test_model_checkpoint_save_best_only_writes_only_improvements(tmp_path):
    script = Scripted("val_loss", [1.0, 0.5, 0.7, 0.4])
    net = model()
    saver = callbacks.ModelCheckpoint(str(tmp_path / "ckpt-{epoch:02d}-{val_loss:.1f}.safetensors"), save_best_only=True)
    net.fit(*data(), epochs=4, verbose=0, callbacks=[script, saver])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt-01-1.0.safetensors", "ckpt-02-0.5.safetensors", "ckpt-04-0.4.safetensors"]
    restored = model()
    assert load_checkpoint(tmp_path / "ckpt-02-0.5.safetensors", restored) == 2
    for key, value in restored.state_dict().items():
        assert torch.equal(value, script.weights[1][key])


def test_model_checkpoint_every_epoch_and_max_mode(tmp_path):
    script = Scripted("val_accuracy", [0.5, 0.4, 0.8])
    model().fit(*data(), epochs=3, verbose=0, callbacks=[script, callbacks.ModelCheckpoint(str(tmp_path / "all-{epoch}.safetensors"))])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all-1.safetensors", "all-2.safetensors", "all-3.safetensors"]
    best = tmp_path / "best.safetensors"
    script = Scripted("val_accuracy", [0.5, 0.4, 0.8])
    saver = callbacks.ModelCheckpoint(str(best), monitor="val_accuracy", save_best_only=True)
    net = model()
    net.fit(*data(), epochs=3, verbose=0, callbacks=[script, saver])
    assert saver.best == 0.8 and load_checkpoint(best, model()) == 3


def test_reduce_lr_on_plateau_cuts_the_rate_after_patience_and_respects_min_lr():
    script = Scripted("val_loss", [1.0] * 7)
    net = model(learning_rate=0.1)
    reducer = callbacks.ReduceLROnPlateau(factor=0.5, patience=2, min_lr=0.02)
    history = net.fit(*data(), epochs=7, verbose=0, callbacks=[script, reducer])
    # the logged rate is the one the epoch trained with; cuts happen at the end of epochs 2, 4, 6
    assert history.history["learning_rate"] == [0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025]
    assert net.optimizer.learning_rate == 0.02
    assert net.optimizer.torch_optimizer.param_groups[0]["lr"] == 0.02


def test_reduce_lr_on_plateau_cooldown():
    script = Scripted("val_loss", [1.0] * 6)
    net = model(learning_rate=0.1)
    history = net.fit(*data(), epochs=6, verbose=0, callbacks=[script, callbacks.ReduceLROnPlateau(factor=0.5, patience=1, cooldown=2)])
    # cut after epoch 1, two epochs of cooldown (the second also counts as waiting), cut after epoch 3
    assert history.history["learning_rate"] == [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]


def test_learning_rate_scheduler_sets_the_rate_each_epoch():
    seen = []

    class Spy(callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 0:
                seen.append(self.model.optimizer.torch_optimizer.param_groups[0]["lr"])

    net = model(learning_rate=0.1)
    history = net.fit(*data(), epochs=3, verbose=0, callbacks=[callbacks.LearningRateScheduler(lambda epoch, lr: lr if epoch == 0 else lr / 2), Spy()])
    assert history.history["learning_rate"] == seen == [0.1, 0.05, 0.025]
    history = model().fit(*data(), epochs=2, verbose=0, callbacks=[callbacks.LearningRateScheduler(lambda epoch: 0.3 * (epoch + 1))])
    assert history.history["learning_rate"] == [0.3, 0.6]


def test_csv_logger_writes_one_row_per_epoch(tmp_path):
    path = tmp_path / "log.csv"
    history = model().fit(*data(), epochs=3, verbose=0, validation_split=0.25, callbacks=[callbacks.CSVLogger(str(path))])
    rows = list(csv.reader(path.open()))
    assert rows[0] == ["epoch", "loss", "mae", "val_loss", "val_mae"]
    assert [int(r[0]) for r in rows[1:]] == [0, 1, 2]
    assert [float(r[1]) for r in rows[1:]] == history.history["loss"]
    model().fit(*data(), epochs=1, verbose=0, callbacks=[callbacks.CSVLogger(str(path), append=True)])
    assert len(list(csv.reader(path.open()))) == 5  # no second header


def test_terminate_on_nan_stops_at_the_first_bad_batch_and_keeps_the_weights_finite():
    x, y = data(40)
    y[25] = 1e30  # batch 3 of 4 overflows the squared error
    net = model()
    with pytest.warns(RuntimeWarning, match="Batch 2: the loss is inf; stopping training"):
        history = net.fit(x, y, batch_size=10, epochs=3, shuffle=False, verbose=0, callbacks=[callbacks.TerminateOnNaN()])
    assert history.epoch == [0] and not math.isfinite(history.history["loss"][0])
    assert all(torch.isfinite(p).all() for p in net.parameters())


def test_a_callback_can_stop_training_mid_epoch_and_hooks_come_in_order():
    calls = []

    class Recorder(callbacks.Callback):
        def on_train_begin(self, logs=None): calls.append("train_begin")
        def on_epoch_begin(self, epoch, logs=None): calls.append(f"epoch_begin {epoch}")
        def on_train_batch_end(self, batch, logs=None):
            calls.append(f"batch {batch}")
            if batch == 1:
                self.model.stop_training = True
        def on_test_begin(self, logs=None): calls.append("test_begin")
        def on_epoch_end(self, epoch, logs=None): calls.append(f"epoch_end {epoch} {sorted(logs)}")
        def on_train_end(self, logs=None): calls.append("train_end")

    model().fit(*data(), batch_size=8, epochs=3, verbose=0, validation_split=0.25, callbacks=[Recorder()])
    assert calls == ["train_begin", "epoch_begin 0", "batch 0", "batch 1", "test_begin",
                     "epoch_end 0 ['loss', 'mae', 'val_loss', 'val_mae']", "train_end"]


def test_tensorboard_writes_scalars_or_says_what_to_install(tmp_path):
    if importlib.util.find_spec("tensorboard") is None:
        with pytest.raises(ImportError, match="pip install tensorboard"):
            callbacks.TensorBoard(str(tmp_path))
    else:
        model().fit(*data(), epochs=1, verbose=0, callbacks=[callbacks.TensorBoard(str(tmp_path))])
        assert any(p.name.startswith("events.out.tfevents") for p in tmp_path.iterdir())


def test_model_checkpoint_writes_keras_files_for_keras_names(tmp_path):
    from rnnkit.models import load_model

    x, y = data()
    net = model()
    net.fit(x, y, epochs=2, verbose=0, callbacks=[callbacks.ModelCheckpoint(str(tmp_path / "best.keras"), monitor="loss", save_best_only=True),
                                                  callbacks.ModelCheckpoint(str(tmp_path / "last.weights.h5"))])
    np.testing.assert_allclose(load_model(tmp_path / "best.keras").predict(x), net.predict(x), rtol=1e-6)
    fresh = model()
    fresh.load_weights(tmp_path / "last.weights.h5")
    np.testing.assert_array_equal(fresh.predict(x), net.predict(x))
    with pytest.raises(ValueError, match="save_weights_only=True needs a"):
        callbacks.ModelCheckpoint(str(tmp_path / "m.keras"), save_weights_only=True)
