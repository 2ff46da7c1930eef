"""Keras 3 files for rnnkit's layer-contract tests: recurrent layers over stacked cells, and
regularizers and constraints in a layer config.

Run by hand with real Keras 3 (TensorFlow backend) in a virtual environment outside the project,
never by CI or the tests::

    /work/kerasvenv/bin/python scripts/make_keras_fixtures_contract.py

It writes into ``tests/fixtures/keras_contract/`` for each case ``CASE.keras`` (``model.save``)
and ``CASE.npz`` (input ``x`` and Keras's ``model.predict`` output ``y``). Weights are drawn
from ``np.random.default_rng(0).normal(0, 0.5, shape)`` in ``get_weights()`` order.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "keras_contract"


def stacked_cells() -> keras.Model:
    return keras.Sequential([
        keras.Input((5, 3)),
        keras.layers.RNN([keras.layers.LSTMCell(4), keras.layers.GRUCell(3), keras.layers.LSTMCell(2)], return_sequences=True),
        keras.layers.Dense(1),
    ])


def regularized() -> keras.Model:
    return keras.Sequential([
        keras.Input((5, 3)),
        keras.layers.GRU(4, kernel_regularizer=keras.regularizers.L2(0.02), recurrent_constraint=keras.constraints.MaxNorm(1.5),
                         activity_regularizer=keras.regularizers.L1(0.01)),
        keras.layers.Dense(2, kernel_regularizer=keras.regularizers.L1L2(0.01, 0.03), bias_constraint=keras.constraints.NonNeg()),
    ])


CASES = {"stacked_cells": stacked_cells, "regularized": regularized}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in CASES.items():
        model = make()
        rng = np.random.default_rng(0)
        model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
        x = np.random.default_rng(1).normal(size=(2, 5, 3)).astype("float32")
        y = model.predict(x, verbose=0)
        model.save(OUT / f"{name}.keras")
        np.savez(OUT / f"{name}.npz", x=x, y=y)
        again = keras.models.load_model(OUT / f"{name}.keras")
        assert np.allclose(again.predict(x, verbose=0), y, atol=1e-6), name
        print(name, "written; keras reloads it", y.shape)


if __name__ == "__main__":
    main()
