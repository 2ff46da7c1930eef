"""A BiLSTM text classifier with attention over its outputs, in the functional API.

Embedding(mask_zero) -> Bidirectional(LSTM, return_sequences) -> Attention([h, h]) ->
GlobalAveragePooling1D -> Dense, plus a MultiHeadAttention + LayerNormalization residual
block. The label is whether token 3 appears more often than token 4.
"""

import numpy as np

import rnnkit as keras
from rnnkit import layers

keras.utils.set_random_seed(7)  # the same weights and batches on every run

VOCAB, LENGTH = 30, 24
rng = np.random.default_rng(1)
lengths = rng.integers(8, LENGTH + 1, size=800)
x = np.zeros((800, LENGTH), dtype="int64")
for row, n in zip(x, lengths):
    row[:n] = rng.integers(1, VOCAB, size=n)
y = ((x == 3).sum(axis=1) > (x == 4).sum(axis=1)).astype("float32")

inputs = keras.Input(shape=(LENGTH,), dtype="int32")
embedded = layers.Embedding(VOCAB, 16, mask_zero=True)(inputs)
h = layers.Bidirectional(layers.LSTM(16, return_sequences=True))(embedded)
context, scores = layers.Attention(use_scale=True)([h, h], return_attention_scores=True)
block = layers.MultiHeadAttention(num_heads=2, key_dim=8)(h, h)
block = layers.LayerNormalization()(layers.Add()([h, block]))
merged = layers.Concatenate()([layers.GlobalAveragePooling1D()(context), layers.GlobalMaxPooling1D()(block)])
outputs = layers.Dense(1, activation="sigmoid")(merged)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.summary()

history = model.fit(x[:700], y[:700], epochs=3, batch_size=32, verbose=2)
assert history.history["loss"][-1] < history.history["loss"][0], history.history["loss"]

probe = keras.Model(inputs, scores)
weights = probe.predict(x[700:702])
assert weights.shape == (2, LENGTH, LENGTH)
np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=1e-5)
padded = lengths[700]
assert np.all(weights[0, :, padded:] < 1e-6), "padded steps get no attention"
print("attention of the first query step:", np.round(weights[0, 0, :padded], 3))
