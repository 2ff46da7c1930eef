"""Metrics of a masked sequence output count only the real steps, as Keras does."""

import numpy as np

import rnnkit as keras
from rnnkit.layers import Dense, Embedding, LSTM, TimeDistributed


def test_accuracy_skips_padded_steps():
    keras.utils.set_random_seed(0)
    ids = np.array([[3, 4, 5, 0, 0, 0], [2, 2, 0, 0, 0, 0], [1, 5, 3, 2, 4, 6]])
    tags = np.array([[1, 2, 0, 0, 0, 0], [2, 1, 0, 0, 0, 0], [0, 1, 2, 0, 1, 2]])
    model = keras.Sequential([
        keras.Input(shape=(6,), dtype="int32"),
        Embedding(8, 4, mask_zero=True),
        LSTM(5, return_sequences=True),
        TimeDistributed(Dense(3, activation="softmax")),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    _, accuracy = model.evaluate(ids, tags, verbose=0)
    real = ids != 0
    expected = (model.predict(ids).argmax(-1) == tags)[real].mean()
    assert abs(accuracy - expected) < 1e-6
