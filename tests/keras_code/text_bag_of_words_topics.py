"""Topic classification on bag-of-words matrices, shaped like the wikidocs tutorial's newsgroups
chapter: Tokenizer(num_words) -> texts_to_matrix(mode='tfidf' / 'binary' / 'count' / 'freq') ->
a Dense network with softmax -> fit -> the argmax topic of new texts. Then the same texts as
character sequences through StringLookup into an LSTM, as keras.io's lookup-layer guides do."""

import numpy as np

import rnnkit as keras
from rnnkit import layers
from rnnkit.models import Sequential
from rnnkit.preprocessing.text import Tokenizer

keras.utils.set_random_seed(2)

topics = ["sports", "cooking", "computers"]
train = [
    ("the team won the match in the final minute", 0), ("a great goal by the striker", 0),
    ("the coach praised the players after the game", 0), ("fans cheered as the team scored", 0),
    ("bake the bread for forty minutes", 1), ("add salt and pepper to the soup", 1),
    ("slice the onions and fry them in butter", 1), ("the recipe needs flour eggs and sugar", 1),
    ("the laptop needs more memory", 2), ("install the new driver and restart the computer", 2),
    ("the program crashed with a memory error", 2), ("a faster processor runs the code quickly", 2),
]
texts = [t for t, _ in train]
y = np.array([label for _, label in train])

tokenizer = Tokenizer(num_words=60)
tokenizer.fit_on_texts(texts)
for mode in ("binary", "count", "tfidf", "freq"):
    print(mode, tokenizer.texts_to_matrix(texts[:1], mode=mode)[0, :8].round(3))
X = tokenizer.texts_to_matrix(texts, mode="tfidf")
assert X.shape == (12, 60) and X[:, 0].max() == 0  # column 0 is never a word

model = Sequential([keras.Input(shape=(60,)), layers.Dense(32, activation="relu"), layers.Dropout(0.2),
                    layers.Dense(3, activation="softmax")])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(X.astype("float32"), y, epochs=40, batch_size=4, verbose=0)
print("accuracy %.3f" % history.history["accuracy"][-1])
assert history.history["accuracy"][-1] == 1.0

new = ["the striker scored a goal", "fry the onions in butter", "restart the computer after the driver install"]
predicted = model.predict(tokenizer.texts_to_matrix(new, mode="tfidf").astype("float32"), verbose=0).argmax(axis=-1)
print([topics[i] for i in predicted])
assert predicted.tolist() == [0, 1, 2]

# Characters through StringLookup: each text as a (padded) row of characters.
chars = np.array([list(t[:24].ljust(24)) for t in texts])
lookup = layers.StringLookup(mask_token=" ")
lookup.adapt(chars)
ids = lookup(chars)
print("characters:", lookup.vocabulary_size(), lookup.get_vocabulary()[:6], tuple(ids.shape))
assert lookup.get_vocabulary()[:2] == [" ", "[UNK]"] and int(ids[0, 3]) == 0  # the space is the mask, index 0
inverse = layers.StringLookup(vocabulary=lookup.get_vocabulary(), mask_token=" ", invert=True)
assert "".join(inverse(ids[:1])[0]).rstrip() == texts[0][:24].rstrip()
char_model = Sequential([layers.Embedding(lookup.vocabulary_size(), 8, mask_zero=True), layers.LSTM(16),
                         layers.Dense(3, activation="softmax")])
char_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.02), loss="sparse_categorical_crossentropy")
char_history = char_model.fit(ids.numpy(), y, epochs=15, batch_size=4, verbose=0)
print("char loss %.3f -> %.3f" % (char_history.history["loss"][0], char_history.history["loss"][-1]))
assert char_history.history["loss"][-1] < char_history.history["loss"][0]
