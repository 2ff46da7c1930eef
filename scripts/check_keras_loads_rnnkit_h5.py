"""Check that real Keras 3 loads the legacy .h5 files rnnkit writes: predictions, compile state, training.

Never run by CI (it needs TensorFlow). Two steps, each in its own environment:

    /work/venv/bin/python scripts/check_keras_loads_rnnkit_h5.py write /tmp/rnnkit_h5
    /work/kerasvenv/bin/python scripts/check_keras_loads_rnnkit_h5.py check /tmp/rnnkit_h5

``write`` builds, compiles and trains small rnnkit models (functional with states passed on,
masked Sequential, Bidirectional, TimeDistributed; each optimizer rnnkit maps to Keras), saves
each with ``model.save("CASE.h5")`` and also through ``ModelCheckpoint("CASE_best.h5",
save_best_only=True)``, and stores in ``CASE.npz`` the inputs, rnnkit's predictions, the
optimizer's step count, and the weights after one more ``train_on_batch``; it also saves
``CASE.keras``. ``check`` loads each file with ``keras.saving.load_model`` (compiled) and compares
the predictions and the optimizer's class and step count. For the ``.keras`` file it then runs the
same ``train_on_batch`` in Keras and compares the weights: equal optimizer state gives equal
updates (up to where each puts epsilon). Keras 3 itself cannot continue training a model loaded
from a legacy .h5 (its loader restores only the step count and learning rate, and the first
``train_on_batch`` fails with "Unknown variable", also on files Keras wrote), so the .h5 files
are not trained further. Exits 1 on any failure.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np

PREDICTION_TOLERANCE = 1e-5
UPDATE_TOLERANCE = 1e-4
# Adam's update puts epsilon differently in torch (after the bias correction) and Keras (before
# it), so with few steps and small gradients one more step differs by up to a few percent of the
# step itself (the recurrent kernels, whose gradients are smallest, differ most).
ADAM_RELATIVE_TOLERANCE = 0.1


def cases():
    import rnnkit as keras
    from rnnkit import layers as L

    rng = np.random.default_rng(0)
    x = keras.Input(shape=(6, 3))
    _, h, c = L.LSTM(5, return_state=True, name="encoder")(x)
    d = keras.Input(shape=(4, 2))
    y = L.LSTM(5, return_sequences=True, name="decoder")(d, initial_state=[h, c])
    seq2seq = keras.Model([x, d], L.Dense(3, activation="softmax", name="head")(y))
    xs = [rng.normal(size=(8, 6, 3)).astype("float32"), rng.normal(size=(8, 4, 2)).astype("float32")]
    yield "seq2seq_adam", seq2seq, keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy", xs, rng.integers(0, 3, (8, 4))

    tokens = rng.integers(1, 12, size=(8, 7))
    tokens[:, 5:] = 0
    masked = keras.Sequential([L.Embedding(12, 4, mask_zero=True), L.Bidirectional(L.GRU(3)), L.Dense(1, activation="sigmoid")])
    yield "masked_sgd_momentum", masked, keras.optimizers.SGD(0.1, momentum=0.9), "binary_crossentropy", tokens, rng.integers(0, 2, (8, 1)).astype("float32")

    series = rng.normal(size=(8, 5, 2)).astype("float32")
    tagger = keras.Sequential([keras.Input(shape=(5, 2)), L.SimpleRNN(4, return_sequences=True), L.TimeDistributed(L.Dense(2))])
    yield "tagger_rmsprop", tagger, keras.optimizers.RMSprop(0.01), "mse", series, rng.normal(size=(8, 5, 2)).astype("float32")

    stacked = keras.Sequential([keras.Input(shape=(5, 2)), L.LSTM(4, return_sequences=True), L.LSTM(3), L.Dense(1)])
    yield "stacked_adagrad", stacked, keras.optimizers.Adagrad(0.05), "mae", series, rng.normal(size=(8, 1)).astype("float32")


def write(out: Path) -> None:
    import warnings

    import torch

    import rnnkit as keras

    out.mkdir(parents=True, exist_ok=True)
    warnings.simplefilter("ignore", UserWarning)  # the legacy-format warning, once per file
    names = []
    for name, model, optimizer, loss, x, y in cases():
        torch.manual_seed(1)
        model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"] if "crossentropy" in loss else ["mae"])
        checkpoint = keras.callbacks.ModelCheckpoint(str(out / f"{name}_best.h5"), monitor="loss", save_best_only=True)
        model.fit(x, y, epochs=3, batch_size=4, verbose=0, shuffle=False, callbacks=[checkpoint])
        model.save(out / f"{name}.h5")
        model.save(out / f"{name}.keras")
        prediction = model.predict(x, verbose=0)
        predictions = prediction if isinstance(prediction, list) else [prediction]
        iterations = model.optimizer.iterations
        model.train_on_batch(x, y)
        xs = x if isinstance(x, list) else [x]
        np.savez(
            out / f"{name}.npz",
            **{f"x{i}": v for i, v in enumerate(xs)}, target=y, **{f"y{i}": p for i, p in enumerate(predictions)},
            **{f"after{i}": w for i, w in enumerate(model.get_weights())}, iterations=iterations,
        )
        names.append(name)
    (out / "cases.json").write_text(json.dumps({"cases": names}))
    print(json.dumps({"written": len(names), "folder": str(out)}))


def check(out: Path) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    failures = 0
    for name in json.loads((out / "cases.json").read_text())["cases"]:
        data = np.load(out / f"{name}.npz")
        xs = [data[f"x{i}"] for i in range(sum(k.startswith("x") for k in data.files))]
        x = xs if len(xs) > 1 else xs[0]
        for path in (out / f"{name}.h5", out / f"{name}_best.h5", out / f"{name}.keras"):
            try:
                model = keras.saving.load_model(path)
                prediction = model.predict(x, verbose=0)
            except Exception as error:  # report every file, not just the first failure
                print(f"{path.name}: Keras could not load it: {type(error).__name__}: {error}")
                failures += 1
                continue
            predictions = prediction if isinstance(prediction, list) else [prediction]
            worst = max(float(np.abs(np.asarray(p) - data[f"y{i}"]).max()) for i, p in enumerate(predictions))
            line = f"{path.name}: predictions max abs diff {worst:.2g}"
            best = path.name.endswith("_best.h5")  # the best epoch may be an earlier one: loads, compiled
            steps = int(model.optimizer.iterations.numpy())
            ok = (best or worst <= PREDICTION_TOLERANCE and steps == int(data["iterations"])) and model.compiled
            line += f", {type(model.optimizer).__name__} at step {steps} (rnnkit {int(data['iterations'])})"
            if path.suffix == ".keras":
                before = [np.asarray(w) for w in model.get_weights()]
                model.train_on_batch(x, data["target"])
                after = model.get_weights()
                update = max(float(np.abs(w - data[f"after{i}"]).max()) for i, w in enumerate(after))
                if type(model.optimizer).__name__ == "Adam":
                    largest_step = max(float(np.abs(w - b).max()) for w, b in zip(after, before))
                    ok = ok and update <= ADAM_RELATIVE_TOLERANCE * largest_step
                else:
                    ok = ok and update <= UPDATE_TOLERANCE
                line += f", weights after one more step max abs diff {update:.2g}"
            print(f"{line}: {'ok' if ok else 'MISMATCH'}")
            failures += not ok
    print(f"keras {keras.__version__}: {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    step, folder = sys.argv[1], Path(sys.argv[2])
    if step == "write":
        write(folder)
    else:
        sys.exit(check(folder))
