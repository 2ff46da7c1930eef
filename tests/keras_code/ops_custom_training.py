"""keras.ops in a user's own pieces: a custom loss, an attention-pooling layer and an evaluation helper.

The model reads a sequence with an LSTM, pools its steps with softmax attention written in
keras.ops, and is trained with a Huber-style loss, also written in keras.ops; a small helper
computes accuracy with ops.argmax/ops.equal/ops.cast/ops.mean instead of a metric.
"""

import numpy as np

import rnnkit as keras
from rnnkit import ops

keras.utils.set_random_seed(7)  # the same weights and batches on every run


class AttentionPooling(keras.layers.Layer):
    """Softmax-weighted mean over time of (batch, time, features), scored by the features' sum."""

    def call(self, inputs, mask=None, training=None):
        scores = ops.sum(inputs, axis=-1, keepdims=True)  # (batch, time, 1)
        weights = ops.softmax(scores, axis=1)
        return ops.sum(ops.multiply(weights, inputs), axis=1)  # (batch, features)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])


def huber(y_true, y_pred, delta=1.0):
    error = ops.subtract(ops.cast(y_true, "float32"), y_pred)
    small = ops.less_equal(ops.abs(error), delta)
    quadratic = 0.5 * ops.square(error)
    linear = delta * ops.abs(error) - 0.5 * delta**2
    return ops.mean(ops.where(small, quadratic, linear), axis=-1)


def accuracy_of(model, x, labels):
    predicted = ops.argmax(model.predict(x, verbose=0), axis=-1)
    return float(ops.convert_to_numpy(ops.mean(ops.cast(ops.equal(predicted, labels), "float32"))))


rng = np.random.default_rng(2)
x = rng.normal(size=(400, 12, 4)).astype("float32")
labels = (x[:, :, 0].sum(axis=1) > 0).astype("int32")
targets = ops.convert_to_numpy(ops.one_hot(labels, 2))
print("one-hot targets:", targets.dtype, targets.shape)

inputs = keras.Input(shape=(12, 4))
hidden = keras.layers.LSTM(16, return_sequences=True)(inputs)
pooled = AttentionPooling()(hidden)
outputs = keras.layers.Dense(2, activation="softmax")(pooled)
model = keras.Model(inputs, outputs)
model.compile(optimizer=keras.optimizers.Adam(0.01), loss=huber)

before = accuracy_of(model, x[300:], labels[300:])
history = model.fit(x[:300], targets[:300], batch_size=32, epochs=5, verbose=2)
after = accuracy_of(model, x[300:], labels[300:])
print("held-out accuracy before %.3f, after %.3f" % (before, after))
assert history.history["loss"][-1] < history.history["loss"][0]
assert after > 0.8 and after > before

top = ops.top_k(ops.convert_to_tensor(model.predict(x[:4], verbose=0)), k=1)
print("top-1 class of the first samples:", ops.convert_to_numpy(top[1]).ravel())
assert ops.shape(top[1]) == (4, 1)
