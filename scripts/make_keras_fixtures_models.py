"""Compiled, trained models saved by real Keras 3, for tests/saving/test_compiled_files.py.

Run with the Keras environment (never by CI):

    /work/kerasvenv/bin/python scripts/make_keras_fixtures_models.py

Writes tests/fixtures/keras_models/: ``CASE.keras`` and ``CASE.h5`` of a Sequential model
(Embedding, LSTM, Dense) compiled with an optimizer (and, for ``rmsprop``, loss and metric
objects rather than names) and trained a few steps, and ``CASE.npz``
with the batch ``x``/``y``, the optimizer's step count, Keras's loss on the batch, and the
weights after one more ``train_on_batch(x, y)`` of the model loaded from ``CASE.keras``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "keras_models"


def optimizers():
    yield "sgd_momentum", keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)
    yield "rmsprop", keras.optimizers.RMSprop(learning_rate=0.01)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    x = rng.integers(1, 10, size=(8, 5)).astype("int32")
    y = (x[:, 0] > 5).astype("float32").reshape(-1, 1)
    made = []
    for name, optimizer in optimizers():
        keras.utils.set_random_seed(3)
        model = keras.Sequential([keras.Input(shape=(5,), dtype="int32"), keras.layers.Embedding(10, 3),
                                  keras.layers.LSTM(4), keras.layers.Dense(1, activation="sigmoid")])
        if name == "rmsprop":  # loss and metric as objects: the file holds their class configs
            model.compile(optimizer=optimizer, loss=keras.losses.BinaryCrossentropy(), metrics=[keras.metrics.BinaryAccuracy()])
        else:
            model.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=["accuracy"])
        model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
        model.save(OUT / f"{name}.keras")
        model.save(OUT / f"{name}.h5")
        loaded = keras.saving.load_model(OUT / f"{name}.keras")
        loss = float(loaded.evaluate(x, y, verbose=0, return_dict=True)["loss"])
        loaded.train_on_batch(x, y)
        np.savez(OUT / f"{name}.npz", x=x, y=y, iterations=int(model.optimizer.iterations.numpy()), loss=loss,
                 **{f"after{i}": w for i, w in enumerate(loaded.get_weights())})
        made.append(name)
    (OUT / "MANIFEST.json").write_text(json.dumps({"keras_version": keras.__version__, "cases": made}, indent=1))
    print(json.dumps({"written": made, "folder": str(OUT)}))


if __name__ == "__main__":
    main()
