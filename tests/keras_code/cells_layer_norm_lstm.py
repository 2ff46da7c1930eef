"""A sequence classifier as a Keras tutorial writes it, with LayerNormLSTM in place of LSTM.

The task: does a noisy sequence of 10 to 20 steps, zero-padded in front to 20, drift up or down?
A Masking layer skips the padding (LayerNormLSTM needs it: see its docstring). Saving uses
rnnkit's own format, since Keras has no LayerNormLSTM and a .keras file would be refused.
"""

import os
import tempfile

import numpy as np

import rnnkit as keras
from rnnkit import layers

keras.utils.set_random_seed(7)  # the same weights and batches on every run

rng = np.random.default_rng(0)
drift = rng.choice([-1.0, 1.0], size=(256, 1, 1))
x_train = (np.cumsum(0.2 * drift + rng.normal(0, 0.5, size=(256, 20, 1)), axis=1)).astype("float32")
lengths = rng.integers(10, 21, size=256)
for row, length in enumerate(lengths):
    x_train[row, : 20 - length] = 0.0  # "pre" padding, as pad_sequences does by default
y_train = (drift[:, 0] > 0).astype("float32")

model = keras.Sequential([
    keras.Input(shape=(20, 1)),
    layers.Masking(mask_value=0.0),
    layers.LayerNormLSTM(16, recurrent_dropout=0.1),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.summary()

history = model.fit(x_train, y_train, batch_size=32, epochs=3, verbose=2)
losses = history.history["loss"]
assert losses[-1] < losses[0], losses
loss, accuracy = model.evaluate(x_train, y_train, verbose=0)
print(f"loss {loss:.3f}, accuracy {accuracy:.3f}")
assert accuracy > 0.7, accuracy

folder = tempfile.mkdtemp()
path = os.path.join(folder, "drift.rnnkit")
model.save(path)
restored = keras.models.load_model(path)
np.testing.assert_allclose(restored.predict(x_train[:4], verbose=0), model.predict(x_train[:4], verbose=0))
try:
    model.save(os.path.join(folder, "drift.keras"))
except ValueError as error:
    print("as .keras:", error)
else:
    raise AssertionError("a .keras archive must refuse LayerNormLSTM")
