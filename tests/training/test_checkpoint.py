"""Resumable checkpoints: bit-identical resume, the safe file format, atomic writes, NaN safety."""

import json
import os

import numpy as np
import pytest
import safetensors
import torch

import rnnkit as keras
from rnnkit import callbacks
from rnnkit.layers import LSTM, Dense, Dropout
from rnnkit.training import load_checkpoint, save_checkpoint
from rnnkit.atomic_files import write_atomically
from rnnkit.safetensors_file import METADATA_KEY


def data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((96, 6, 3)).astype("float32")
    return x, (x[:, :, 0].mean(axis=1) > 0).astype("int64")


def build(seed, optimizer="adam"):
    """Dropout and shuffling both draw from the global generators, so resuming must restore them."""
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(6, 3)), LSTM(8, dropout=0.2), Dropout(0.3), Dense(2)])
    model.compile(optimizer=keras.optimizers.get(optimizer), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model


def test_two_epochs_then_resume_two_gives_the_same_losses_bit_for_bit(tmp_path):
    x, y = data()
    straight = build(seed=0)
    whole = straight.fit(x, y, batch_size=16, epochs=4, validation_split=0.25, verbose=0).history

    first = build(seed=0)
    path = tmp_path / "ckpt-{epoch}.safetensors"
    before = first.fit(x, y, batch_size=16, epochs=2, validation_split=0.25, verbose=0,
                       callbacks=[callbacks.ModelCheckpoint(str(path))]).history
    del first
    resumed = build(seed=123)  # another process: other initial weights, other generator states
    epoch = load_checkpoint(tmp_path / "ckpt-2.safetensors", resumed)
    after = resumed.fit(x, y, batch_size=16, epochs=4, validation_split=0.25, initial_epoch=epoch, verbose=0).history

    assert epoch == 2
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        assert before[key] + after[key] == whole[key], key
    for (name, a), b in zip(straight.state_dict().items(), resumed.state_dict().values()):
        assert torch.equal(a, b), name
    assert resumed.optimizer.iterations == straight.optimizer.iterations == 4 * 5


def test_the_file_is_plain_safetensors_with_a_json_record(tmp_path):
    x, y = data()
    model = build(seed=0)
    model.fit(x, y, epochs=1, verbose=0)
    path = tmp_path / "ckpt.safetensors"
    save_checkpoint(path, model, epoch=1)
    with safetensors.safe_open(str(path), framework="pt") as file:
        keys = set(file.keys())
        record = json.loads(file.metadata()[METADATA_KEY])
        assert torch.equal(file.get_tensor("model/layers.2.kernel"), model.state_dict()["layers.2.kernel"])
    assert "rng/torch" in keys and any(k.startswith("optimizer/0/momentum") for k in keys)
    assert record["kind"] == "training" and record["epoch"] == 1 and record["optimizer"]["name"] == "adam" and record["optimizer"]["iterations"] == 3
    assert os.listdir(tmp_path) == ["ckpt.safetensors"]  # no temporary file left behind


def test_loading_refuses_files_and_models_that_do_not_fit(tmp_path):
    x, y = data()
    model = build(seed=0)
    model.fit(x, y, epochs=1, verbose=0)
    path = tmp_path / "ckpt.safetensors"
    save_checkpoint(path, model, epoch=1)
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"\x00" * 64)
    with pytest.raises(ValueError, match="junk.safetensors: not a safetensors file"):
        load_checkpoint(junk, build(seed=0))
    other = keras.Sequential([keras.Input(shape=(6, 3)), LSTM(4), Dense(2)])
    other.compile(optimizer="adam", loss="mse")
    with pytest.raises(ValueError, match="do not fit this model|has shape"):
        load_checkpoint(path, other)
    with pytest.raises(ValueError, match="trained with optimizer 'adam'; the model is compiled with 'sgd'"):
        load_checkpoint(path, build(seed=0, optimizer="sgd"))


def test_a_failed_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.bin"
    write_atomically(str(path), lambda stream: stream.write(b"old contents"))

    def crash(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        write_atomically(str(path), lambda stream: stream.write(b"new contents"))
    assert path.read_bytes() == b"old contents"
    assert os.listdir(tmp_path) == ["ckpt.bin"]


def test_nan_stops_training_and_leaves_the_last_good_checkpoint_untouched(tmp_path):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(3,)), Dense(4, activation="tanh"), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((40, 3)).astype("float32"), rng.standard_normal((40, 1)).astype("float32")
    path = tmp_path / "last.safetensors"
    saver = callbacks.ModelCheckpoint(str(path))
    model.fit(x, y, batch_size=10, epochs=2, verbose=0, callbacks=[saver])
    good = path.read_bytes()
    poisoned = y.copy()
    poisoned[15] = 1e30  # its squared error overflows float32
    with pytest.warns(RuntimeWarning) as warned:
        history = model.fit(x, poisoned, batch_size=10, epochs=4, initial_epoch=2, shuffle=False, verbose=0, callbacks=[saver])
    messages = [str(w.message) for w in warned]
    assert "Batch 1: the loss is inf; stopping training" in messages
    assert "ModelCheckpoint: epoch 3 ended with loss=inf; not saving" in messages
    assert history.epoch == [2]
    assert path.read_bytes() == good
    assert all(torch.isfinite(p).all() for p in model.parameters())


class Interrupt(callbacks.Callback):
    """Kills the run at the start of an epoch, as a crash or a lost machine would."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise KeyboardInterrupt


def test_backup_and_restore_resumes_an_interrupted_fit_with_identical_losses(tmp_path):
    x, y = data()
    whole = build(seed=0).fit(x, y, batch_size=16, epochs=4, verbose=0).history["loss"]
    backup = callbacks.BackupAndRestore(str(tmp_path))
    with pytest.raises(KeyboardInterrupt):
        build(seed=0).fit(x, y, batch_size=16, epochs=4, verbose=0, callbacks=[backup, Interrupt(epoch=3)])
    assert os.listdir(tmp_path) == ["backup.safetensors"]
    history = build(seed=7).fit(x, y, batch_size=16, epochs=4, verbose=0, callbacks=[backup])
    assert history.epoch == [3] and history.history["loss"] == whole[3:]
    assert os.listdir(tmp_path) == []  # finished: the backup is gone


def test_save_best_breaks_a_tie_on_the_monitored_score_by_validation_loss(tmp_path, monkeypatch):
    from rnnkit.training import task_files

    saved = []
    monkeypatch.setattr(task_files, "save_task_model", lambda path, model, record: saved.append(record["best_epoch"]))
    best = task_files.SaveBest(tmp_path / "m.safetensors", dict, monitor="val_accuracy", mode="max", say=lambda line: None)
    for epoch, (accuracy, loss) in enumerate([(0.9, 0.5), (1.0, 0.4), (1.0, 0.2), (1.0, 0.3), (0.9, 0.1)]):
        best.on_epoch_end(epoch, {"val_accuracy": accuracy, "val_loss": loss})
    assert saved == [1, 2, 3] and best.best_epoch == 3
