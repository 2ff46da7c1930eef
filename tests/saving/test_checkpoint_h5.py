"""``ModelCheckpoint('best_model.h5', save_best_only=True)`` then ``load_model('best_model.h5')``.

The tutorials' pattern: the file must hold the model of the best epoch (its validation loss,
re-evaluated after loading, is the best one fit logged), come back compiled, and say what it did
in Keras's words when ``verbose=1``.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit import layers
from rnnkit.callbacks import EarlyStopping, ModelCheckpoint
from rnnkit.models import load_model


def sentiment_like(n=48, seed=0):
    rng = np.random.default_rng(seed)
    ids = rng.integers(1, 30, size=(n, 8))
    ids[: n // 2, -3:] = 0  # some padding
    return ids, (ids[:, 0] > 15).astype("float32")


def test_best_model_h5_holds_the_best_epoch_and_loads_compiled(tmp_path, capsys):
    x, y = sentiment_like()
    torch.manual_seed(0)
    model = keras.Sequential([layers.Embedding(30, 8, mask_zero=True), layers.SimpleRNN(8), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
    best = tmp_path / "best_model.h5"
    checkpoint = ModelCheckpoint(str(best), monitor="val_loss", mode="min", verbose=1, save_best_only=True)
    stopping = EarlyStopping(monitor="val_loss", mode="min", verbose=1, patience=2)
    with pytest.warns(UserWarning, match="legacy HDF5"):
        history = model.fit(x, y, epochs=6, batch_size=16, validation_split=0.25, callbacks=[stopping, checkpoint], verbose=0)
    losses = history.history["val_loss"]
    printed = capsys.readouterr().out
    assert re.search(r"Epoch 1: val_loss improved from inf to \d\.\d{5}, saving model to .*best_model\.h5", printed)
    improvements = sum(1 for i, v in enumerate(losses) if v < min(losses[:i], default=np.inf))
    assert printed.count("improved from") == improvements
    assert printed.count("did not improve from") == len(losses) - improvements

    loaded = load_model(best)
    assert loaded.compiled
    x_val, y_val = x[-12:], y[-12:]  # validation_split takes the last samples, as Keras does
    loss, accuracy = loaded.evaluate(x_val, y_val, verbose=0)
    assert loss == pytest.approx(min(losses), rel=1e-5)
    assert accuracy == pytest.approx(history.history["val_acc"][int(np.argmin(losses))], rel=1e-6)


def test_model_save_h5_loads_back_in_rnnkit_with_the_same_predictions(tmp_path):
    encoder_inputs = keras.Input(shape=(None, 4))
    _, h, c = layers.LSTM(5, return_state=True)(encoder_inputs)
    decoder_inputs = keras.Input(shape=(None, 4))
    outputs = layers.LSTM(5, return_sequences=True)(decoder_inputs, initial_state=[h, c])
    model = keras.Model([encoder_inputs, decoder_inputs], layers.TimeDistributed(layers.Dense(4, activation="softmax"))(outputs))
    rng = np.random.default_rng(3)
    x = [rng.normal(size=(3, 6, 4)).astype("float32"), rng.normal(size=(3, 2, 4)).astype("float32")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model.save(tmp_path / "s2s.h5")
    loaded = load_model(tmp_path / "s2s.h5")
    assert not loaded.compiled  # saved uncompiled: no training_config
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_save_weights_only_needs_a_weights_file_name_as_in_keras_3(tmp_path):
    with pytest.raises(ValueError, match=r"save_weights_only=True needs a \*\.weights\.h5"):
        ModelCheckpoint(str(tmp_path / "model.h5"), save_weights_only=True)
    ModelCheckpoint(str(tmp_path / "model.weights.h5"), save_weights_only=True)
