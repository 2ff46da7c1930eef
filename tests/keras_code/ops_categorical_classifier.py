"""Classify noisy waves by their frequency with an LSTM and one-hot labels (keras.utils.to_categorical)."""

import numpy as np

import rnnkit as keras
from rnnkit.utils import to_categorical

keras.utils.set_random_seed(7)  # the same weights and batches on every run

rng = np.random.default_rng(1)
num_classes = 3
timesteps = 30
samples = 600

labels = rng.integers(0, num_classes, size=samples)
t = np.arange(timesteps)
phase = rng.uniform(0, 2 * np.pi, size=(samples, 1))
waves = np.sin(2 * np.pi * (labels[:, None] + 1) * t / timesteps + phase)
x = (waves + 0.2 * rng.normal(size=waves.shape))[..., None].astype("float32")
y = to_categorical(labels, num_classes=num_classes)
print("x:", x.shape, "y:", y.shape, "first labels:", labels[:3], "->", y[:3].tolist())
assert y.shape == (samples, num_classes) and (y.sum(axis=1) == 1).all()

x_train, y_train = x[:500], y[:500]
x_test, y_test = x[500:], y[500:]

model = keras.Sequential(
    [
        keras.Input(shape=(timesteps, 1)),
        keras.layers.LSTM(24),
        keras.layers.Dense(num_classes, activation="softmax"),
    ]
)
model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(0.01), metrics=["accuracy"])
history = model.fit(x_train, y_train, batch_size=32, epochs=4, validation_split=0.1, verbose=2)
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print("test loss %.4f, test accuracy %.3f" % (loss, accuracy))
assert history.history["loss"][-1] < history.history["loss"][0]
assert accuracy > 0.8, accuracy

predicted = np.argmax(model.predict(x_test[:8]), axis=-1)
print("predicted", predicted, "true", np.argmax(y_test[:8], axis=-1))
