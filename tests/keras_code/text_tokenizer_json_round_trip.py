"""Saving a fitted Tokenizer with to_json() next to the model's weights and loading both back with
tokenizer_from_json() and load_weights(), as tutorials do to serve a trained model later:
the reloaded tokenizer numbers new (Korean and English) texts exactly as the original did, and the
reloaded model predicts the same."""

import json

import numpy as np

import rnnkit as keras
from rnnkit.layers import GRU, Dense, Embedding
from rnnkit.models import Sequential
from rnnkit.preprocessing.sequence import pad_sequences
from rnnkit.preprocessing.text import Tokenizer, tokenizer_from_json

keras.utils.set_random_seed(5)

texts = ["배송이 빠르고 품질이 좋아요", "품질이 별로예요 환불 원해요", "fast delivery and great quality",
         "poor quality, I want a refund", "가격 대비 좋아요 추천", "고장나서 환불했어요", "great price, recommended",
         "broke after a week, refund please"]
labels = np.array([1, 0, 1, 0, 1, 0, 1, 0], dtype="float32")

tokenizer = Tokenizer(num_words=40, oov_token="<OOV>")
tokenizer.fit_on_texts(texts)
X = pad_sequences(tokenizer.texts_to_sequences(texts), maxlen=6, padding="post", truncating="post")


def build():
    model = Sequential([Embedding(40, 8, mask_zero=True), GRU(16), Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.build((None, 6))
    return model


model = build()
history = model.fit(X, labels, epochs=30, batch_size=4, verbose=0)
assert history.history["loss"][-1] < history.history["loss"][0]

tokenizer_json = tokenizer.to_json()
with open("tokenizer.json", "w", encoding="utf-8") as f:
    f.write(json.dumps(tokenizer_json, ensure_ascii=False))
model.save_weights("review.weights.h5")
print("saved", len(tokenizer_json), "characters of tokenizer JSON")

# ... later, in another program:
with open("tokenizer.json", encoding="utf-8") as f:
    loaded_tokenizer = tokenizer_from_json(json.load(f))
loaded_model = build()
loaded_model.load_weights("review.weights.h5")

new_texts = ["품질이 좋아요 빠른 배송", "refund please, poor quality", "완전히 새로운 단어"]
original = tokenizer.texts_to_sequences(new_texts)
reloaded = loaded_tokenizer.texts_to_sequences(new_texts)
print(original, reloaded)
assert original == reloaded
assert loaded_tokenizer.word_index == tokenizer.word_index and loaded_tokenizer.num_words == 40
assert loaded_tokenizer.word_counts == tokenizer.word_counts and loaded_tokenizer.document_count == len(texts)
np.testing.assert_array_equal(loaded_tokenizer.texts_to_matrix(new_texts, mode="tfidf"),
                              tokenizer.texts_to_matrix(new_texts, mode="tfidf"))

x_new = pad_sequences(reloaded, maxlen=6, padding="post", truncating="post")
np.testing.assert_allclose(loaded_model.predict(x_new, verbose=0), model.predict(x_new, verbose=0), rtol=1e-6)
print(loaded_tokenizer.sequences_to_texts(reloaded))
