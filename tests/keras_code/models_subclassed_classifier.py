"""A subclassed model, as the Keras guides write one: layers as attributes, a call(self, inputs).

Trains a small sequence classifier on generated data (is the sum of the first feature positive?),
prints its summary once built, evaluates, predicts, and saves its weights so that a new instance
of the class predicts the same.
"""

import numpy as np

import rnnkit as keras
from rnnkit import layers

rng = np.random.default_rng(42)
x_train = rng.normal(size=(256, 10, 4)).astype("float32")
y_train = (x_train[:, :, 0].sum(axis=1) > 0).astype("float32")
x_test = rng.normal(size=(64, 10, 4)).astype("float32")
y_test = (x_test[:, :, 0].sum(axis=1) > 0).astype("float32")


class SequenceClassifier(keras.Model):
    def __init__(self, units=16, **kwargs):
        super().__init__(**kwargs)
        self.lstm = layers.LSTM(units)
        self.dropout = layers.Dropout(0.1)
        self.classifier = layers.Dense(1, activation="sigmoid")

    def call(self, inputs, training=False):
        x = self.lstm(inputs)
        x = self.dropout(x, training=training)
        return self.classifier(x)


keras.utils.set_random_seed(0)
model = SequenceClassifier(name="sequence_classifier")
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, batch_size=32, epochs=3, validation_split=0.2, verbose=2)
model.summary()

loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"test loss {loss:.4f}, test accuracy {accuracy:.4f}")
assert history.history["loss"][-1] < history.history["loss"][0]
assert accuracy > 0.7, accuracy

probabilities = model.predict(x_test[:5], verbose=0)
assert probabilities.shape == (5, 1) and ((probabilities >= 0) & (probabilities <= 1)).all()
print("first predictions:", np.round(probabilities[:, 0], 3))

model.save_weights("sequence_classifier.weights.h5")
restored = SequenceClassifier(name="restored")
restored(x_test[:1])  # build the weights before loading into them
restored.load_weights("sequence_classifier.weights.h5")
np.testing.assert_allclose(restored.predict(x_test, verbose=0), model.predict(x_test, verbose=0), rtol=1e-6)
print("restored model predicts the same")
