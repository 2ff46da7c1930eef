"""A CNN + LSTM sequence classifier: Embedding -> Conv1D -> MaxPooling1D -> LSTM -> Dense.

Synthetic "reviews": a sequence is positive when it holds the motif 7, 8, 9 somewhere. The
convolution can spot the motif, the pooling halves the sequence, the LSTM reads the rest.
"""

import numpy as np

import rnnkit as keras
from rnnkit import layers

keras.utils.set_random_seed(7)  # the same weights and batches on every run

VOCAB, LENGTH = 50, 40
rng = np.random.default_rng(0)
x = rng.integers(1, VOCAB, size=(600, LENGTH))
y = rng.integers(0, 2, size=(600,))
for row, label in zip(x, y):
    row[(row >= 7) & (row <= 9)] = 10
    if label:
        start = rng.integers(0, LENGTH - 3)
        row[start : start + 3] = [7, 8, 9]
    row[rng.integers(LENGTH // 2, LENGTH):] = 0  # padding at the end
y = y.astype("float32")

model = keras.Sequential([
    keras.Input(shape=(LENGTH,), dtype="int32"),
    layers.Embedding(VOCAB, 16),
    layers.Conv1D(32, 3, padding="same", activation="relu"),
    layers.MaxPooling1D(pool_size=2),
    layers.Dropout(0.2),
    layers.LSTM(16),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.summary()
history = model.fit(x[:500], y[:500], epochs=3, batch_size=32, validation_split=0.1, verbose=2)
assert history.history["loss"][-1] < history.history["loss"][0], history.history["loss"]

loss, accuracy = model.evaluate(x[500:], y[500:], verbose=0)
print(f"test loss {loss:.3f}, accuracy {accuracy:.3f}")
probabilities = model.predict(x[500:505])
assert probabilities.shape == (5, 1) and np.all((probabilities > 0) & (probabilities < 1))
