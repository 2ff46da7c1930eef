"""A spam filter in the shape of the SMS-spam tutorials: Embedding -> SimpleRNN -> Dense(sigmoid), rmsprop.

The messages are made up here: token ids 1..vocab, where spam messages carry a few of ten
"spam words" (ids 1..10) and ham messages none, pre-padded with 0 to the longest message as
pad_sequences does. Trained with optimizer='rmsprop' and Keras's defaults, the loss must fall
every epoch and the filter must beat chance clearly on held-out messages.
"""

import numpy as np

import rnnkit as keras
from rnnkit.layers import Dense, Embedding, SimpleRNN
from rnnkit.models import Sequential

keras.utils.set_random_seed(7)
rng = np.random.default_rng(7)

vocab_size, max_len, count = 100, 30, 2400
lengths = rng.integers(6, max_len + 1, size=count)
labels = rng.integers(0, 2, size=count)
messages = []
for length, spam in zip(lengths, labels):
    words = rng.integers(11, vocab_size, size=length)
    if spam:
        where = rng.choice(length, size=rng.integers(2, 6), replace=False)
        words[where] = rng.integers(1, 11, size=len(where))
    messages.append(words)

padded = np.zeros((count, max_len), dtype="int64")
for row, words in enumerate(messages):
    padded[row, max_len - len(words):] = words  # padding='pre', as pad_sequences does by default
x_train, x_test = padded[:2000], padded[2000:]
y_train, y_test = labels[:2000].astype("float32"), labels[2000:].astype("float32")
print("train:", x_train.shape, "test:", x_test.shape)

embedding_dim, hidden_units = 32, 32
model = Sequential()
model.add(Embedding(vocab_size, embedding_dim))
model.add(SimpleRNN(hidden_units))
model.add(Dense(1, activation="sigmoid"))
model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])

history = model.fit(x_train, y_train, epochs=4, batch_size=64, validation_split=0.2, verbose=2)
losses = history.history["loss"]
print("loss per epoch:", [round(v, 4) for v in losses])
assert all(later < earlier for earlier, later in zip(losses, losses[1:])), f"loss did not fall every epoch: {losses}"

loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print("test accuracy: %.4f" % accuracy)
assert accuracy > 0.75, accuracy
probabilities = model.predict(x_test[:3], verbose=0)
assert probabilities.shape == (3, 1) and np.all((probabilities > 0) & (probabilities < 1))
