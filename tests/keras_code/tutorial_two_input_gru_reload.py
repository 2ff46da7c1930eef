"""A functional GRU model with two inputs (a sequence and static features), saved and reloaded.

The sequence goes through a GRU, its summary is concatenated with a vector of per-sample
features, and a small head predicts one value. The model is saved as model.keras, loaded back
with keras.models.load_model, gives the same predictions and evaluates without compiling again.
"""

import numpy as np

import rnnkit as keras
from rnnkit import layers

keras.utils.set_random_seed(21)

rng = np.random.default_rng(21)
samples, timesteps = 512, 15
sequences = rng.normal(size=(samples, timesteps, 2)).astype("float32")
static = rng.normal(size=(samples, 3)).astype("float32")
# the target needs both inputs: the mean of the sequence's first channel plus a static term
target = (sequences[:, :, 0].mean(axis=1) * 2.0 + static[:, 0] - 0.5 * static[:, 2])[:, None].astype("float32")

sequence_input = keras.Input(shape=(timesteps, 2), name="sequence")
static_input = keras.Input(shape=(3,), name="static")
encoded = layers.GRU(16, name="encoder")(sequence_input)
merged = layers.Concatenate(name="merge")([encoded, static_input])
hidden = layers.Dense(16, activation="relu")(merged)
output = layers.Dense(1, name="prediction")(hidden)
model = keras.Model(inputs=[sequence_input, static_input], outputs=output, name="two_inputs")
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
model.summary()
assert model.input_shape == [(None, timesteps, 2), (None, 3)] and model.output_shape == (None, 1)

history = model.fit([sequences[:400], static[:400]], target[:400], batch_size=32, epochs=4, verbose=2)
losses = history.history["loss"]
print("loss per epoch:", [round(v, 4) for v in losses])
assert losses[-1] < losses[0] * 0.5, losses

test_inputs = [sequences[400:], static[400:]]
before = model.predict(test_inputs, verbose=0)
scores = model.evaluate(test_inputs, target[400:], verbose=0)
print("test mse and mae:", np.round(scores, 4))

model.save("model.keras")
restored = keras.models.load_model("model.keras")
restored.summary()
after = restored.predict(test_inputs, verbose=0)
print("largest difference after reloading:", float(np.abs(after - before).max()))
np.testing.assert_array_equal(after, before)
assert [layer.name for layer in restored.layers] == [layer.name for layer in model.layers]
np.testing.assert_allclose(restored.evaluate(test_inputs, target[400:], verbose=0), scores, rtol=1e-6)

# the inputs can also be given by name, as Keras allows for named Input layers
by_name = restored.predict({"sequence": sequences[400:], "static": static[400:]}, verbose=0)
np.testing.assert_array_equal(by_name, before)
