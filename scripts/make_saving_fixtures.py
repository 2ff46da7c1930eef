"""Generate the extra Keras files used by tests/test_saving_keras_files.py (never run by CI).

The shared fixtures (tests/fixtures/keras) cover the layers and options; these add the file
shapes they lack: a tf.keras 2 functional model (initial state folded into the call's inputs,
a shared layer, GRU reset_after=False, Bidirectional GRU) written by tf_keras as .h5, the same
model as a tf_keras .keras archive, a Keras 3 functional model with a shared layer, compiled and
trained models (files with optimizer state and training config) and the generic RNN layer
around each built-in cell from both, and a real Keras 3
file holding a Lambda layer (which rnnkit must refuse).

    /tmp/k2/bin/python scripts/make_saving_fixtures.py --keras2   # tf_keras 2.x (+ h5py)
    /tmp/k/bin/python scripts/make_saving_fixtures.py             # keras 3 + tensorflow-cpu

Weights are np.random.default_rng(seed).normal(0, 0.5, shape) for each weight in get_weights()
order; inputs come from default_rng(seed + 1). Each CASE.npz holds the inputs x0, x1, ... and
the outputs y0, y1, ... of model.predict; CASE.json records the versions and the total params.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
KERAS2 = "--keras2" in sys.argv
if KERAS2:
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    import tf_keras as keras
else:
    import keras

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
# The models the tests rebuild in rnnkit are defined once, in tests/helpers/keras_models.py.
sys.path.insert(0, str(ROOT / "tests"))
from helpers import keras_models  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "saving"
L = keras.layers


def keras2_functional():
    enc, dec = keras.Input((5, 2)), keras.Input((4, 3))
    _, h, c = L.LSTM(3, return_state=True)(enc)
    seq = L.LSTM(3, return_sequences=True)(dec, initial_state=[h, c])
    shared = L.Dense(3, activation="tanh")
    g = L.GRU(2, reset_after=False)(shared(seq))
    b = L.Bidirectional(L.GRU(2, return_sequences=True), merge_mode="ave")(shared(seq))
    joined = L.Concatenate()([g, L.Flatten()(b)])
    return keras.Model([enc, dec], [L.Dense(1, activation="sigmoid")(joined), h])


def rnn_with_cells():
    """The generic RNN layer around each built-in cell."""
    x = keras.Input((5, 2))
    y = L.RNN(L.LSTMCell(3, recurrent_activation="sigmoid"), return_sequences=True)(x)
    y = L.RNN(L.GRUCell(3, reset_after=False), return_sequences=True, go_backwards=True)(y)
    return keras.Model(x, L.RNN(L.SimpleRNNCell(2, activation="relu"))(y))


def trained_model():
    """A compiled model after one epoch of fit: its files also hold optimizer state and training config."""
    model = keras.Sequential([keras.Input((5, 2)), L.GRU(4, return_sequences=True), L.LSTM(3), L.Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    rng = np.random.default_rng(7)
    model.fit(rng.normal(size=(16, 5, 2)), rng.normal(size=(16, 1)), epochs=1, verbose=0)
    return model


def lambda_model():
    x = keras.Input((4, 2))
    y = L.Lambda(lambda t: t * 2.0, name="double_it")(x)
    return keras.Model(x, L.SimpleRNN(2)(y))


def save_case(name, model, seed, formats):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(0, 0.5, w.shape).astype(np.float32) for w in model.get_weights()])
    data_rng = np.random.default_rng(seed + 1)
    xs = [data_rng.normal(0, 1, (4, *t.shape[1:])).astype(np.float32) for t in model.inputs]
    ys = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
    ys = ys if isinstance(ys, list) else [ys]
    arrays = {f"x{i}": x for i, x in enumerate(xs)} | {f"y{i}": y for i, y in enumerate(ys)}
    np.savez(OUT / f"{name}.npz", **arrays)
    for suffix in formats:
        if suffix == ".weights.h5":
            model.save_weights(OUT / f"{name}{suffix}")
        else:
            model.save(OUT / f"{name}{suffix}")
    meta = {"keras_version": keras.__version__, "seed": seed, "total_params": int(model.count_params())}
    (OUT / f"{name}.json").write_text(json.dumps(meta, indent=1) + "\n")
    print(name, meta)


OUT.mkdir(parents=True, exist_ok=True)
if KERAS2:
    save_case("keras2_functional", keras2_functional(), 3001, [".h5", ".keras"])
    save_case("keras2_trained", trained_model(), 3005, [".h5"])
    save_case("keras2_rnn_cells", rnn_with_cells(), 3009, [".h5"])
else:
    save_case("keras3_shared_gru", keras_models.keras3_shared_gru(keras), 3003, [".keras", ".h5", ".weights.h5"])
    save_case("keras3_trained", trained_model(), 3007, [".keras", ".h5"])
    save_case("keras3_rnn_cells", rnn_with_cells(), 3011, [".keras", ".h5"])
    lambda_model().save(OUT / "lambda_layer.keras")
