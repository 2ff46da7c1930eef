"""Next-word generation, shaped like the RNN language-model chapter of the Korean tutorial
"딥 러닝을 이용한 자연어 처리 입문" (wikidocs) with its tf.keras imports swapped for rnnkit:
Tokenizer -> texts_to_sequences -> every prefix of every line -> pad_sequences('pre') ->
Embedding -> LSTM -> Dense(softmax) -> fit -> a loop that predicts one word at a time."""

import numpy as np

import rnnkit as keras
from rnnkit.layers import LSTM, Dense, Embedding
from rnnkit.models import Sequential
from rnnkit.preprocessing.sequence import pad_sequences
from rnnkit.preprocessing.text import Tokenizer

keras.utils.set_random_seed(7)

text = """the river runs to the sea
the wind runs over the hills
a small boat sails on the river
the old man sails to the sea at dawn"""

tokenizer = Tokenizer()
tokenizer.fit_on_texts([text])
vocab_size = len(tokenizer.word_index) + 1
print("vocabulary size:", vocab_size)
print("word index:", tokenizer.word_index)
assert tokenizer.word_index["the"] == 1  # the most frequent word

sequences = []
for line in text.split("\n"):
    encoded = tokenizer.texts_to_sequences([line])[0]
    for i in range(1, len(encoded)):
        sequences.append(encoded[: i + 1])
print("training samples:", len(sequences))

max_len = max(len(s) for s in sequences)
sequences = pad_sequences(sequences, maxlen=max_len, padding="pre")
print(sequences[:3])
X = sequences[:, :-1]
y = np.eye(vocab_size, dtype="float32")[sequences[:, -1]]  # one-hot targets (keras.utils.to_categorical)

model = Sequential()
model.add(Embedding(vocab_size, 16))
model.add(LSTM(64))
model.add(Dense(vocab_size, activation="softmax"))
model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(learning_rate=0.02), metrics=["accuracy"])
history = model.fit(X, y, epochs=120, verbose=0)
print("loss: %.4f -> %.4f, accuracy %.3f" % (history.history["loss"][0], history.history["loss"][-1], history.history["accuracy"][-1]))
assert history.history["loss"][-1] < 0.3 * history.history["loss"][0]


def sentence_generation(model, tokenizer, current_word, n):
    """Append n predicted words to current_word, one prediction per word."""
    sentence = current_word
    for _ in range(n):
        encoded = tokenizer.texts_to_sequences([current_word])[0]
        encoded = pad_sequences([encoded], maxlen=max_len - 1, padding="pre")
        result = int(np.argmax(model.predict(encoded, verbose=0), axis=-1)[0])
        word = tokenizer.index_word[result]
        current_word = current_word + " " + word
        sentence = sentence + " " + word
    return sentence


generated = sentence_generation(model, tokenizer, "a small", 4)
print(generated)
assert generated == "a small boat sails on the", generated
print(sentence_generation(model, tokenizer, "the old", 5))
