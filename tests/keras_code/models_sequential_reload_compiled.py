"""A Sequential model given no input shape: built by fit, saved, and loaded back compiled.

``load_model`` restores the compile configuration (optimizer with its state, loss, metrics), so
the reloaded model evaluates at once and continues training exactly where the original stands:
both models, trained one more epoch on the same batches, end with the same weights.
"""

import numpy as np

import rnnkit as keras
from rnnkit import layers

rng = np.random.default_rng(5)
x = rng.integers(1, 50, size=(320, 12))
y = (x[:, :3].mean(axis=1) > 25).astype("int64")

keras.utils.set_random_seed(11)
model = keras.Sequential([
    layers.Embedding(50, 16),
    layers.GRU(24),
    layers.Dense(2, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
history = model.fit(x, y, batch_size=32, epochs=3, verbose=2)
assert history.history["loss"][-1] < history.history["loss"][0]
model.summary()
model.save("classifier.keras")

reloaded = keras.models.load_model("classifier.keras")
loss, accuracy = reloaded.evaluate(x, y, verbose=0)
expected_loss, expected_accuracy = model.evaluate(x, y, verbose=0)
print(f"reloaded: loss {loss:.4f} accuracy {accuracy:.4f}")
assert abs(loss - expected_loss) < 1e-6 and abs(accuracy - expected_accuracy) < 1e-9

for m in (model, reloaded):
    m.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)
worst = max(float(np.abs(a - b).max()) for a, b in zip(model.get_weights(), reloaded.get_weights()))
print(f"after one more epoch the weights differ by at most {worst:.2e}")
assert worst < 1e-5
