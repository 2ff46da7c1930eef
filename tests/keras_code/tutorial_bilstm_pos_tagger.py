"""A part-of-speech tagger: Embedding(mask_zero=True) -> Bidirectional LSTM -> TimeDistributed softmax.

Sentences are integer word ids padded with 0, tags are integer ids per token (0 for padding), so
the loss is sparse_categorical_crossentropy over (batch, time, tags). Padding is left out of the
training loss with sample_weight, and the per-token accuracy is computed in NumPy from predict.
"""

import numpy as np

import rnnkit as keras
from rnnkit.layers import LSTM, Bidirectional, Dense, Embedding, TimeDistributed
from rnnkit.models import Sequential
from rnnkit.utils import pad_sequences

keras.utils.set_random_seed(5)

tag_names = ["<pad>", "DET", "NOUN", "VERB", "ADJ"]
# A small lexicon; "watch" and "run" are a NOUN after a determiner or adjective and a VERB otherwise.
lexicon = {"DET": ["the", "a", "my"], "NOUN": ["dog", "cat", "park", "ball", "watch", "run"],
           "VERB": ["sees", "likes", "watch", "run"], "ADJ": ["big", "red", "old"]}
words = sorted({w for group in lexicon.values() for w in group})
word_to_index = {w: i + 1 for i, w in enumerate(words)}  # 0 is padding
tag_to_index = {t: i for i, t in enumerate(tag_names)}


def noun_phrase(rng):
    phrase = [(rng.choice(lexicon["DET"]), "DET")]
    if rng.random() < 0.5:
        phrase.append((rng.choice(lexicon["ADJ"]), "ADJ"))
    return phrase + [(rng.choice(lexicon["NOUN"]), "NOUN")]


def sentence(rng):
    tagged = noun_phrase(rng) + [(rng.choice(lexicon["VERB"]), "VERB")]
    return tagged + noun_phrase(rng) if rng.random() < 0.7 else tagged


rng = np.random.default_rng(5)
tagged_sentences = [sentence(rng) for _ in range(600)]
print("example:", tagged_sentences[0])
x = pad_sequences([[word_to_index[w] for w, _ in s] for s in tagged_sentences], padding="post")
y = pad_sequences([[tag_to_index[t] for _, t in s] for s in tagged_sentences], padding="post")
max_len = x.shape[1]
print("padded words:", x.shape, "padded tags:", y.shape)
x_train, y_train, x_test, y_test = x[:500], y[:500], x[500:], y[500:]

vocab_size, tag_size = len(word_to_index) + 1, len(tag_names)
model = Sequential([
    keras.Input(shape=(max_len,), dtype="int32"),
    Embedding(vocab_size, 16, mask_zero=True),
    Bidirectional(LSTM(32, return_sequences=True)),
    TimeDistributed(Dense(tag_size, activation="softmax")),
])
model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.Adam(0.01), metrics=["accuracy"])
model.summary()

weights = (x_train != 0).astype("float32")  # (batch, time): padding counts for nothing
history = model.fit(x_train, y_train, sample_weight=weights, batch_size=32, epochs=4, validation_split=0.1, verbose=2)
losses = history.history["loss"]
print("loss per epoch:", [round(v, 4) for v in losses])
assert losses[-1] < losses[0] * 0.5, losses

probabilities = model.predict(x_test, verbose=0)
assert probabilities.shape == (len(x_test), max_len, tag_size)
assert np.allclose(probabilities.sum(axis=-1), 1.0, atol=1e-5)
predicted = probabilities.argmax(axis=-1)
real = x_test != 0
token_accuracy = float((predicted[real] == y_test[real]).mean())
print(f"per-token accuracy on held-out sentences (padding excluded): {token_accuracy:.3f}")
assert token_accuracy > 0.9, token_accuracy

ambiguous = [i for i, w in enumerate(words, start=1) if w in ("watch", "run")]
where = real & np.isin(x_test, ambiguous)
print(f"accuracy on 'watch'/'run' (NOUN or VERB by context): {(predicted[where] == y_test[where]).mean():.3f}")

index_to_word = {i: w for w, i in word_to_index.items()}
first = x_test[0][real[0]]
print("words:    ", [index_to_word[i] for i in first])
print("predicted:", [tag_names[t] for t in predicted[0][real[0]]])
print("real:     ", [tag_names[t] for t in y_test[0][real[0]]])
