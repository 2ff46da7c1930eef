"""A many-to-many character model: SimpleRNN(return_sequences=True) learns the next character.

Input and target are the same window shifted by one character, both one-hot encoded with NumPy
(what to_categorical does), so every step is trained. Text is then generated with a sampling
loop in NumPy over model.predict, reweighting the probabilities by a temperature.
"""

import numpy as np

import rnnkit as keras
from rnnkit.layers import Dense, SimpleRNN, TimeDistributed
from rnnkit.models import Sequential

keras.utils.set_random_seed(8)

text = "hello world, hello keras, hello rnn. " * 40
chars = sorted(set(text))
char_to_index = {c: i for i, c in enumerate(chars)}
index_to_char = dict(enumerate(chars))
vocab_size, seq_length = len(chars), 12
print(f"{len(text)} characters, {vocab_size} distinct: {''.join(chars)!r}")

encoded = np.array([char_to_index[c] for c in text])
starts = range(0, len(encoded) - seq_length - 1, 3)
inputs = np.stack([encoded[s:s + seq_length] for s in starts])
targets = np.stack([encoded[s + 1:s + seq_length + 1] for s in starts])
identity = np.eye(vocab_size, dtype="float32")
x, y = identity[inputs], identity[targets]  # one-hot: (samples, seq_length, vocab_size)
assert x.shape == y.shape == (len(starts), seq_length, vocab_size)
print("one-hot inputs", x.shape, "one-hot targets", y.shape)

model = Sequential([
    keras.Input(shape=(None, vocab_size)),
    SimpleRNN(64, return_sequences=True),
    TimeDistributed(Dense(vocab_size, activation="softmax")),
])
model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(0.01), metrics=["accuracy"])
model.summary()
history = model.fit(x, y, batch_size=32, epochs=5, verbose=2)
losses = history.history["loss"]
assert losses[-1] < losses[0] * 0.6, losses


def sample(probabilities, temperature):
    """One index drawn from probabilities sharpened (<1) or flattened (>1) by the temperature."""
    logits = np.log(np.asarray(probabilities, dtype="float64") + 1e-9) / temperature
    weights = np.exp(logits - logits.max())
    return int(np.random.choice(len(weights), p=weights / weights.sum()))


def generate(seed, length, temperature):
    generated = seed
    for _ in range(length):
        window = np.array([char_to_index[c] for c in generated[-seq_length:]])
        probabilities = model.predict(identity[window][None], verbose=0)[0, -1]  # the last step's guess
        generated += index_to_char[sample(probabilities, temperature)]
    return generated


for temperature in (0.2, 1.0):
    print(f"temperature {temperature}: {generate('hello ', 30, temperature)!r}")

greedy = generate("hello ", 30, 1e-3)  # almost argmax: the learned pattern itself
print("near-greedy:", repr(greedy))
known = {text[i:i + 3] for i in range(len(text) - 2)}
seen = np.mean([greedy[i:i + 3] in known for i in range(len(greedy) - 2)])
print(f"share of generated 3-grams that occur in the text: {seen:.2f}")
assert seen > 0.8, greedy
