"""A custom recurrent cell as the Keras RNN guide writes one, inside keras.layers.RNN.

The cell keeps one state; RNN(cell) runs it over time, and RNN([cell, cell]) stacks two. The
task: say whether the running sum of a noisy sequence ends above zero.
"""

import numpy as np

import rnnkit as keras
from rnnkit.layers import RNN, Dense


class MinimalRNNCell(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="uniform", name="kernel")
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, self.units), initializer="uniform", name="recurrent_kernel"
        )
        self.built = True

    def call(self, inputs, states):
        prev_output = states[0]
        h = inputs @ self.kernel
        output = keras.activations.get("tanh")(h + prev_output @ self.recurrent_kernel)
        return output, [output]


rng = np.random.default_rng(0)
x_train = rng.normal(size=(256, 12, 3)).astype("float32")
y_train = (x_train[:, :, 0].sum(axis=1) > 0).astype("float32")

inputs = keras.Input((None, 3))
hidden = RNN(MinimalRNNCell(16))(inputs)
outputs = Dense(1, activation="sigmoid")(hidden)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=6, batch_size=32, verbose=2)
losses = history.history["loss"]
print("loss per epoch:", [round(v, 4) for v in losses])
assert losses[-1] < losses[0], losses

stacked = keras.Sequential([
    keras.Input((None, 3)),
    RNN([MinimalRNNCell(16), MinimalRNNCell(8)], return_sequences=True),
    Dense(1),
])
sequence_out = stacked.predict(x_train[:4], verbose=0)
print("stacked cells output shape:", sequence_out.shape)
assert sequence_out.shape == (4, 12, 1)
print("custom cell weights:", [w.shape for w in model.layers[1].get_weights()])
assert [w.shape for w in model.layers[1].get_weights()] == [(3, 16), (16, 16)]
