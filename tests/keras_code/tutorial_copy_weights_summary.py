"""Moving trained weights between models with get_weights()/set_weights(), and reading summary().

A sentiment-style classifier (Embedding -> LSTM -> Dense) is trained on integer sequences. A new
model with the same architecture receives its weights with set_weights and predicts exactly the
same; then the trained Embedding and LSTM weights are copied layer by layer into a model with a
new head, frozen with trainable=False, and only the head is trained on a second task.
"""

import numpy as np

import rnnkit as keras
from rnnkit.layers import LSTM, Dense, Embedding
from rnnkit.models import Sequential

keras.utils.set_random_seed(4)

vocab_size, max_len = 30, 12
rng = np.random.default_rng(4)
x = rng.integers(1, vocab_size, size=(480, max_len))
positive_words, negative_words = np.arange(1, 8), np.arange(8, 15)
y = (np.isin(x, positive_words).sum(axis=1) > np.isin(x, negative_words).sum(axis=1)).astype("float32")
print("sequences", x.shape, "share positive", y.mean().round(3))


def build(head_units=1, head_activation="sigmoid"):
    return Sequential([
        keras.Input(shape=(max_len,)),
        Embedding(vocab_size, 8),
        LSTM(16),
        Dense(head_units, activation=head_activation),
    ])


model = build()
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
model.summary()
history = model.fit(x[:400], y[:400], epochs=5, batch_size=32, verbose=2)
assert history.history["loss"][-1] < history.history["loss"][0]

weights = model.get_weights()
print("weight arrays:", [w.shape for w in weights])
# Keras's order and layout: embeddings, LSTM kernel (in, 4*units), recurrent kernel, bias, Dense kernel and bias
assert [w.shape for w in weights] == [(vocab_size, 8), (8, 64), (16, 64), (64,), (16, 1), (1,)]
assert all(isinstance(w, np.ndarray) for w in weights)

copy = build()
assert not np.allclose(copy.predict(x[400:], verbose=0), model.predict(x[400:], verbose=0))
copy.set_weights(weights)
np.testing.assert_array_equal(copy.predict(x[400:], verbose=0), model.predict(x[400:], verbose=0))
print("the copy predicts exactly what the trained model predicts")

# transfer: the trained reader under a new 3-class head (how many positive words: 0-1, 2-3, 4+)
counts = np.isin(x, positive_words).sum(axis=1)
classes = np.digitize(counts, [2, 4])
transfer = build(head_units=3, head_activation="softmax")
for source, target in zip(model.layers[:2], transfer.layers[:2]):
    target.set_weights(source.get_weights())
    target.trainable = False
transfer.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
transfer.summary()
assert sum(int(np.prod(w.shape)) for w in transfer.trainable_weights) == 16 * 3 + 3
frozen = [w.copy() for w in transfer.layers[1].get_weights()]
history = transfer.fit(x[:400], classes[:400], epochs=4, batch_size=32, verbose=2)
assert history.history["loss"][-1] < history.history["loss"][0]
for before, after in zip(frozen, transfer.layers[1].get_weights()):
    np.testing.assert_array_equal(before, after)
print("the frozen LSTM did not change; held-out accuracy of the new head:",
      round(float((transfer.predict(x[400:], verbose=0).argmax(-1) == classes[400:]).mean()), 3))
