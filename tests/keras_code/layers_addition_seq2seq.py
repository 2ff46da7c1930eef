"""Learning to add: "12+7" -> "19" with an LSTM encoder, RepeatVector and an LSTM decoder.

The shape of the classic Keras addition example: one-hot characters in, an encoder's last
state repeated once per output character, a decoder with TimeDistributed(Dense(softmax)).
Tiny data and two epochs, so it only checks that the model trains and decodes.
"""

import numpy as np

import rnnkit as keras
from rnnkit import layers

keras.utils.set_random_seed(7)  # the same weights and batches on every run

DIGITS = 2
CHARS = "0123456789+ "
MAXLEN = DIGITS + 1 + DIGITS
ANSWER = DIGITS + 1
index = {c: i for i, c in enumerate(CHARS)}


def encode(text, length):
    x = np.zeros((length, len(CHARS)), dtype="float32")
    for i, c in enumerate(text.ljust(length)):
        x[i, index[c]] = 1.0
    return x


def decode(probabilities):
    return "".join(CHARS[i] for i in probabilities.argmax(axis=-1))


rng = np.random.default_rng(42)
pairs = rng.integers(0, 10**DIGITS, size=(1200, 2))
questions = [f"{a}+{b}" for a, b in pairs]
answers = [str(a + b) for a, b in pairs]
x = np.stack([encode(q, MAXLEN) for q in questions])
y = np.stack([encode(a, ANSWER) for a in answers])
print("questions:", x.shape, "answers:", y.shape)

model = keras.Sequential()
model.add(keras.Input(shape=(MAXLEN, len(CHARS))))
model.add(layers.LSTM(64))
model.add(layers.RepeatVector(ANSWER))
model.add(layers.LSTM(64, return_sequences=True))
model.add(layers.TimeDistributed(layers.Dense(len(CHARS), activation="softmax")))
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
model.summary()

history = model.fit(x[:1000], y[:1000], batch_size=64, epochs=3, validation_data=(x[1000:], y[1000:]), verbose=2)
losses = history.history["loss"]
assert losses[-1] < losses[0], losses

predictions = model.predict(x[1000:1005])
assert predictions.shape == (5, ANSWER, len(CHARS))
np.testing.assert_allclose(predictions.sum(axis=-1), 1.0, rtol=1e-5)
for question, answer, guess in zip(questions[1000:1005], answers[1000:1005], predictions):
    print("Q", question, "T", answer, "guess", decode(guess).strip())
