"""TextVectorization inside a model, shaped like keras.io's "Text classification from scratch":
adapt a TextVectorization layer on raw texts, train a recurrent classifier on the integer
sequences it makes, then wrap both in an end-to-end model whose input is raw strings
(keras.Input(shape=(1,), dtype="string")) and predict on a NumPy array of new texts."""

import numpy as np

import rnnkit as keras
from rnnkit import layers

keras.utils.set_random_seed(11)

positive = ["a wonderful film with a moving story", "great acting and a great script", "I loved every minute of it",
            "beautiful, funny and moving", "the best film of the year!", "a great cast and wonderful music",
            "funny, clever and great fun", "I loved the story and the acting"]
negative = ["a boring film with a dull story", "terrible acting and a weak script", "I hated every minute of it",
            "dull, slow and boring", "the worst film of the year!", "a weak cast and awful music",
            "slow, silly and no fun", "I hated the story and the acting"]
texts = np.array(positive + negative)
labels = np.array([1] * len(positive) + [0] * len(negative), dtype="float32")

max_features = 50
sequence_length = 8
vectorize_layer = layers.TextVectorization(
    max_tokens=max_features, output_mode="int", output_sequence_length=sequence_length
)
vectorize_layer.adapt(texts)
vocabulary = vectorize_layer.get_vocabulary()
print("vocabulary size:", vectorize_layer.vocabulary_size(), "first tokens:", vocabulary[:8])
assert vocabulary[:2] == ["", "[UNK]"] and "film!" not in vocabulary  # punctuation stripped

x = vectorize_layer(texts)  # a torch int64 tensor (batch, sequence_length)
print("vectorized:", tuple(x.shape), x.dtype)
assert tuple(x.shape) == (16, sequence_length)

inputs = keras.Input(shape=(None,), dtype="int64")
h = layers.Embedding(max_features, 16, mask_zero=True)(inputs)
h = layers.Bidirectional(layers.GRU(16))(h)
predictions = layers.Dense(1, activation="sigmoid", name="predictions")(h)
model = keras.Model(inputs, predictions)
model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(learning_rate=0.01), metrics=["accuracy"])
history = model.fit(x.numpy(), labels, epochs=25, batch_size=4, verbose=0)
print("accuracy: %.3f -> %.3f" % (history.history["accuracy"][0], history.history["accuracy"][-1]))
assert history.history["accuracy"][-1] == 1.0

# The end-to-end model takes raw strings.
raw_input = keras.Input(shape=(1,), dtype="string")
indices = vectorize_layer(raw_input)
outputs = model(indices)
end_to_end_model = keras.Model(raw_input, outputs)
new_texts = np.array([["a great film, I loved the acting"], ["boring and slow, the worst script"]])
scores = end_to_end_model.predict(new_texts, verbose=0)
print("end-to-end scores:", scores.ravel().round(3))
assert scores.shape == (2, 1) and scores[0, 0] > 0.5 > scores[1, 0]
two_step = model.predict(vectorize_layer(new_texts).numpy(), verbose=0)
np.testing.assert_allclose(scores, two_step, rtol=1e-5)

# As the first layer of a Sequential model too.
sequential = keras.Sequential([keras.Input(shape=(1,), dtype="string"), vectorize_layer, model])
np.testing.assert_allclose(sequential.predict(new_texts[:, 0], verbose=0), scores, rtol=1e-5)
