"""A subclassed model whose call takes only ``x`` (the Keras guide's way), trained with fit.

A GRU reads sequences of 0/1 bits and says whether more than half of them are ones; the model
is called on NumPy arrays directly and through predict.
"""

import numpy as np

import rnnkit as keras
from rnnkit import layers


class MajorityModel(keras.Model):
    def __init__(self, units=16):
        super().__init__()
        self.gru = layers.GRU(units)
        self.classifier = layers.Dense(2, activation="softmax")

    def call(self, x):
        return self.classifier(self.gru(x))


rng = np.random.default_rng(3)
bits = rng.integers(0, 2, size=(512, 6, 1))  # integers: cast to float by the GRU, as Keras does
labels = (bits.sum(axis=(1, 2)) > 3).astype("int64")

model = MajorityModel()
print("direct call on NumPy:", tuple(model(bits[:3]).shape))
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(bits, labels, epochs=8, batch_size=32, verbose=2)
losses = history.history["loss"]
assert losses[-1] < 0.8 * losses[0], losses
predictions = model.predict(bits[:8], verbose=0)
print("predicted classes:", predictions.argmax(axis=1), "true:", labels[:8])
assert predictions.shape == (8, 2)
