"""A custom layer written the Keras way (build + add_weight + call) in a Sequential text classifier.

Sequences of word ids (0 is padding) are positive when they hold more "good" words (ids 1-9) than
"bad" ones (ids 10-19). Embedding -> LSTM -> a hand-written dense layer -> softmax.
"""

import numpy as np

import rnnkit as keras
from rnnkit import layers


class MyDense(layers.Layer):
    def __init__(self, units=32, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform", trainable=True, name="w")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True, name="b")

    def call(self, inputs):
        return self.activation(inputs @ self.w + self.b)

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config


rng = np.random.default_rng(1)
x = rng.integers(1, 20, size=(400, 10))
x[:, 7:][rng.random((400, 3)) < 0.5] = 0
good = ((x >= 1) & (x < 10)).sum(axis=1)
bad = (x >= 10).sum(axis=1)
y = (good > bad).astype("int64")

model = keras.Sequential([
    layers.Embedding(20, 8, mask_zero=True),
    layers.LSTM(16),
    MyDense(16, activation="relu"),
    layers.Dense(2, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x[:320], y[:320], epochs=8, batch_size=32, validation_data=(x[320:], y[320:]), verbose=2)
print("final training accuracy:", round(history.history["accuracy"][-1], 3))
assert history.history["loss"][-1] < history.history["loss"][0]
loss, accuracy = model.evaluate(x[320:], y[320:], verbose=0)
print(f"test loss {loss:.4f}, test accuracy {accuracy:.3f}")
probabilities = model.predict(x[:5], verbose=0)
print("predicted probabilities:", np.round(probabilities, 3))
assert probabilities.shape == (5, 2) and np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
custom = model.layers[2]
print("custom layer:", custom.name, [w.shape for w in custom.get_weights()], "trainable:", len(custom.trainable_weights))
assert [w.shape for w in custom.get_weights()] == [(16, 16), (16,)]
