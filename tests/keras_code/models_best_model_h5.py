"""Korean-tutorial style binary classification: EarlyStopping, ModelCheckpoint('best_model.h5'),
then load_model('best_model.h5') and evaluate, as the wikidocs NLP chapters write it.

The "reviews" are generated sequences of word ids: positive ones use more ids from the upper half
of the vocabulary. The best epoch by validation accuracy is kept in a legacy HDF5 file.
"""

import warnings

import numpy as np

import rnnkit as keras
from rnnkit.callbacks import EarlyStopping, ModelCheckpoint
from rnnkit.layers import LSTM, Dense, Embedding
from rnnkit.models import Sequential, load_model

warnings.filterwarnings("ignore", message=".*legacy HDF5.*")  # Keras warns about .h5 too; the tutorials use it anyway

vocab_size, max_len = 200, 20
rng = np.random.default_rng(7)


def reviews(count):
    labels = rng.integers(0, 2, size=count)
    ids = np.where(rng.random((count, max_len)) < 0.5 + 0.3 * (labels[:, None] * 2 - 1),
                   rng.integers(vocab_size // 2, vocab_size, (count, max_len)), rng.integers(1, vocab_size // 2, (count, max_len)))
    lengths = rng.integers(8, max_len + 1, size=count)
    ids[np.arange(max_len)[None, :] >= lengths[:, None]] = 0  # post-padding, as pad_sequences(padding='post')
    return ids, labels.astype("float32")


X_train, y_train = reviews(600)
X_test, y_test = reviews(200)

keras.utils.set_random_seed(3)
embedding_dim, hidden_units = 32, 32
model = Sequential()
model.add(Embedding(vocab_size, embedding_dim, mask_zero=True))
model.add(LSTM(hidden_units))
model.add(Dense(1, activation="sigmoid"))

es = EarlyStopping(monitor="val_loss", mode="min", verbose=1, patience=4)
mc = ModelCheckpoint("best_model.h5", monitor="val_acc", mode="max", verbose=1, save_best_only=True)
model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
history = model.fit(X_train, y_train, epochs=5, callbacks=[es, mc], batch_size=64, validation_split=0.2)

loaded_model = load_model("best_model.h5")
test_loss, test_acc = loaded_model.evaluate(X_test, y_test)
print("\n 테스트 정확도: %.4f" % test_acc)
assert history.history["loss"][-1] < history.history["loss"][0]
assert test_acc > 0.7, test_acc

best = int(np.argmax(history.history["val_acc"]))
x_val, y_val = X_train[-120:], y_train[-120:]
assert abs(loaded_model.evaluate(x_val, y_val, verbose=0)[1] - history.history["val_acc"][best]) < 1e-6

new_review = X_test[:1]
score = float(loaded_model.predict(new_review, verbose=0)[0, 0])
print("{:.2f}% 확률로 {} 리뷰입니다.".format(score * 100 if score > 0.5 else (1 - score) * 100, "긍정" if score > 0.5 else "부정"))
