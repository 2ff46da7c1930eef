"""A Korean movie-review sentiment classifier, shaped like the NSMC chapter of the wikidocs tutorial
"딥 러닝을 이용한 자연어 처리 입문": Tokenizer(num_words, oov_token) -> texts_to_sequences ->
pad_sequences(maxlen) -> Embedding -> LSTM -> Dense(sigmoid) -> fit -> a predict function for a new
review. The reviews are written for this program (1 = positive, 0 = negative); Keras splits Korean
text on spaces after removing punctuation, so the words here are space-separated eojeol."""

import numpy as np

import rnnkit as keras
from rnnkit.layers import LSTM, Dense, Embedding
from rnnkit.models import Sequential
from rnnkit.preprocessing.sequence import pad_sequences
from rnnkit.preprocessing.text import Tokenizer

keras.utils.set_random_seed(4)

reviews = [
    ("정말 재미있어요 강력 추천합니다", 1), ("배우들 연기가 최고였다", 1), ("다시 보고 싶은 최고의 영화", 1),
    ("음악도 좋고 영상도 아름다워요", 1), ("시간 가는 줄 모르고 봤어요 재미있어요", 1), ("감동적인 이야기 최고", 1),
    ("올해 본 영화 중 최고!", 1), ("연출이 훌륭하고 재미있어요", 1), ("가족과 함께 보기 좋은 영화 추천", 1),
    ("웃기고 감동적이고 재미있어요^^", 1), ("명작입니다 꼭 보세요", 1), ("배우 연기 최고 스토리 최고", 1),
    ("마지막 장면이 아름다워요", 1), ("기대 이상으로 좋았어요", 1), ("완전 추천 재미있어요", 1),
    ("두 번 봐도 좋은 영화", 1),
    ("정말 지루하고 재미없어요", 0), ("시간 낭비였다 최악", 0), ("스토리가 엉망이고 지루해요", 0),
    ("돈이 아까운 영화 최악", 0), ("연기가 어색하고 재미없다", 0), ("보다가 잠들었어요 지루해요", 0),
    ("다시는 안 볼 영화", 0), ("최악의 결말 실망했어요", 0), ("기대했는데 너무 실망", 0),
    ("지루하고 뻔한 이야기", 0), ("재미없어요 비추천", 0), ("배우가 아까운 최악의 영화", 0),
    ("이게 영화냐 시간 낭비", 0), ("중간에 나왔어요 재미없어요", 0), ("스토리 엉망 연출 엉망", 0),
    ("별로예요 실망 지루해요", 0),
]
texts = [text for text, _ in reviews]
labels = np.array([label for _, label in reviews], dtype="float32")

tokenizer = Tokenizer(num_words=60, oov_token="OOV")
tokenizer.fit_on_texts(texts)
print("words:", len(tokenizer.word_index), "kept:", tokenizer.num_words)
print("most frequent:", list(tokenizer.word_index.items())[:6])
assert tokenizer.word_index["OOV"] == 1
assert "최고!" not in tokenizer.word_index and "최고" in tokenizer.word_index  # punctuation filtered first

X = tokenizer.texts_to_sequences(texts)
max_len = max(len(s) for s in X)
X = pad_sequences(X, maxlen=max_len)
print("padded shape:", X.shape)

model = Sequential([Embedding(60, 16, mask_zero=True), LSTM(32), Dense(1, activation="sigmoid")])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy", metrics=["acc"])
history = model.fit(X, labels, epochs=20, batch_size=8, verbose=0)
print("loss %.3f -> %.3f, acc %.3f" % (history.history["loss"][0], history.history["loss"][-1], history.history["acc"][-1]))
assert history.history["acc"][-1] >= 0.9


def sentiment_predict(new_sentence):
    encoded = tokenizer.texts_to_sequences([new_sentence])
    padded = pad_sequences(encoded, maxlen=max_len)
    score = float(model.predict(padded, verbose=0)[0, 0])
    print("%s -> %.2f%% %s" % (new_sentence, score * 100, "긍정" if score > 0.5 else "부정"))
    return score


assert sentiment_predict("연기 최고 정말 재미있어요 추천") > 0.5
assert sentiment_predict("너무 지루하고 최악 재미없어요") < 0.5
sentiment_predict("처음 보는 단어들만 있는 리뷰")  # unknown words become OOV, still a prediction
