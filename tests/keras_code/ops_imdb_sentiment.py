"""IMDB-style sentiment with keras.datasets.imdb from a local Keras cache (no download).

A small imdb.npz in Keras's layout is written to a temporary KERAS_HOME first (reviews whose word
ranks 4-9 lean positive and 10-15 negative), standing in for the real file a user copies to
~/.keras/datasets. Then the tutorial's steps: load_data(num_words=...), decode a review with
get_word_index, pad to a fixed length, Embedding -> LSTM -> Dense(sigmoid).
"""

import json
import os
import tempfile
from pathlib import Path

import numpy as np

rng = np.random.default_rng(3)
home = Path(tempfile.mkdtemp()) / "keras_home"
(home / "datasets").mkdir(parents=True)


def reviews(count):
    texts = np.empty(count, dtype=object)
    labels = rng.integers(0, 2, size=count)
    for i, label in enumerate(labels):
        common = rng.integers(16, 200, size=rng.integers(8, 30))
        opinion = rng.integers(4, 10, size=4) if label else rng.integers(10, 16, size=4)
        words = np.concatenate([common, opinion])
        rng.shuffle(words)
        texts[i] = [int(w) for w in words]
    return texts, labels


x_tr, y_tr = reviews(400)
x_te, y_te = reviews(100)
np.savez(home / "datasets" / "imdb.npz", x_train=x_tr, y_train=y_tr, x_test=x_te, y_test=y_te)
(home / "datasets" / "imdb_word_index.json").write_text(json.dumps({f"word{r}": r for r in range(1, 200)}))
os.environ["KERAS_HOME"] = str(home)

import rnnkit as keras  # noqa: E402 - after KERAS_HOME is set, as a user's shell would have it
from rnnkit.datasets import imdb  # noqa: E402

keras.utils.set_random_seed(7)  # the same weights and batches on every run

max_features = 120
maxlen = 40
(x_train, y_train), (x_test, y_test) = imdb.load_data(num_words=max_features)
print(len(x_train), "train sequences,", len(x_test), "test sequences")
assert x_train.dtype == object and x_train[0][0] == 1  # start_char first
assert max(max(seq) for seq in x_train) < max_features

word_index = imdb.get_word_index()
reverse_word_index = {value: key for key, value in word_index.items()}
decoded = " ".join(reverse_word_index.get(i - 3, "?") for i in x_train[0])
print("first review:", decoded[:80], "...")


def pad(sequences, length):
    out = np.zeros((len(sequences), length), dtype="int32")
    for i, seq in enumerate(sequences):
        seq = seq[-length:]
        out[i, length - len(seq) :] = seq
    return out


x_train, x_test = pad(x_train, maxlen), pad(x_test, maxlen)
print("x_train shape:", x_train.shape)

model = keras.Sequential(
    [
        keras.Input(shape=(None,), dtype="int32"),
        keras.layers.Embedding(max_features, 16),
        keras.layers.LSTM(16),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
history = model.fit(x_train, y_train, batch_size=32, epochs=4, validation_data=(x_test, y_test), verbose=2)
score, acc = model.evaluate(x_test, y_test, batch_size=32, verbose=0)
print("Test score: %.4f, test accuracy: %.3f" % (score, acc))
assert history.history["loss"][-1] < history.history["loss"][0]
assert acc > 0.75, acc
