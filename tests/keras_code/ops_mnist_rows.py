"""Read each 28x28 "digit" row by row with an LSTM (the classic RNN-on-MNIST tutorial shape).

keras.datasets.mnist reads Keras's cache file; here a stand-in mnist.npz is written to a temporary
KERAS_HOME first: uint8 images whose class is the position of a bright horizontal band.
Then the tutorial's steps: scale to [0, 1], one-hot the labels, LSTM over the 28 rows.
"""

import os
import tempfile
from pathlib import Path

import numpy as np

rng = np.random.default_rng(4)
home = Path(tempfile.mkdtemp()) / "keras_home"
(home / "datasets").mkdir(parents=True)


def images(count):
    labels = rng.integers(0, 10, size=count).astype(np.uint8)
    pixels = rng.integers(0, 60, size=(count, 28, 28))
    for i, label in enumerate(labels):
        pixels[i, 2 * label + 3 : 2 * label + 7, 4:24] += 180
    return pixels.astype(np.uint8), labels


x_tr, y_tr = images(800)
x_te, y_te = images(200)
np.savez(home / "datasets" / "mnist.npz", x_train=x_tr, y_train=y_tr, x_test=x_te, y_test=y_te)
os.environ["KERAS_HOME"] = str(home)

import rnnkit as keras  # noqa: E402 - after KERAS_HOME is set, as a user's shell would have it

keras.utils.set_random_seed(7)  # the same weights and batches on every run

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
print("x_train:", x_train.shape, x_train.dtype, "y_train:", y_train.shape)
assert x_train.shape == (800, 28, 28) and x_train.dtype == np.uint8

x_train = x_train.astype("float32") / 255
x_test = x_test.astype("float32") / 255
num_classes = 10
y_train = keras.utils.to_categorical(y_train, num_classes)
y_test = keras.utils.to_categorical(y_test, num_classes)

model = keras.Sequential(
    [
        keras.layers.Input(shape=(28, 28)),
        keras.layers.LSTM(32),
        keras.layers.Dense(num_classes, activation="softmax"),
    ]
)
model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(0.01), metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=64, epochs=5, validation_split=0.1, verbose=2)
score = model.evaluate(x_test, y_test, verbose=0)
print("Test loss:", round(score[0], 4), "Test accuracy:", round(score[1], 3))
assert score[1] > 0.9, score
