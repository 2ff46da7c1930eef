"""Check that real Keras 3 loads the .keras archives rnnkit writes, with the same predictions.

Never run by CI (it needs TensorFlow). Two steps, each in its own environment:

    .venv/bin/python scripts/check_keras_loads_rnnkit_files.py write /tmp/rnnkit_out
    /tmp/k/bin/python scripts/check_keras_loads_rnnkit_files.py check /tmp/rnnkit_out

``write`` loads every fixture in tests/fixtures (Keras files) plus a few models built in rnnkit,
saves each with ``model.save("CASE.keras")`` and stores rnnkit's predictions in ``CASE.npz``.
``check`` loads each archive with ``keras.saving.load_model`` and prints the largest difference
between Keras's and rnnkit's predictions; it exits with 1 if any exceeds 1e-5 or fails to load.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def models_built_in_rnnkit():
    import rnnkit as keras
    from rnnkit import layers as L

    x = keras.Input(shape=(6, 2))
    y = L.Bidirectional(L.GRU(3, return_sequences=True, reset_after=False), merge_mode="mul")(x)
    y = L.TimeDistributed(L.Dense(2, activation="swish"))(L.LSTM(4, return_sequences=True, go_backwards=True)(y))
    yield "rnnkit_functional", keras.Model(x, L.Flatten()(y)), [np.random.default_rng(5).normal(size=(3, 6, 2))]
    ids = keras.Input(shape=(7,), dtype="int32")
    seq = keras.Sequential([ids, L.Embedding(12, 4, mask_zero=True), L.Bidirectional(L.LSTM(3)), L.Dense(1, activation="sigmoid")])
    tokens = np.array([[1, 2, 3, 0, 0, 0, 0], [4, 5, 6, 7, 8, 9, 10], [11, 1, 0, 0, 0, 0, 0]])
    yield "rnnkit_masked_sequential", seq, [tokens]


def write(out: Path) -> None:
    import json

    from rnnkit.models import load_model

    out.mkdir(parents=True, exist_ok=True)
    cases = []
    for folder in ("keras", "saving"):
        for meta in sorted((ROOT / "tests" / "fixtures" / folder).glob("*.json")):
            if meta.stem == "MANIFEST":
                continue
            source = next(p for p in (meta.with_suffix(".keras"), meta.with_suffix(".h5")) if p.exists())
            data = np.load(meta.with_suffix(".npz"))
            xs = [data[k] for k in sorted(data.files) if k == "x" or (k.startswith("x") and k[1:].isdigit())]
            cases.append((meta.stem, load_model(source), xs))
    cases.extend(models_built_in_rnnkit())
    for name, model, xs in cases:
        model.save(out / f"{name}.keras")
        ys = model.predict(xs if len(xs) > 1 else xs[0])
        ys = ys if isinstance(ys, list) else [ys]
        np.savez(out / f"{name}.npz", **{f"x{i}": x for i, x in enumerate(xs)}, **{f"y{i}": y for i, y in enumerate(ys)})
    print(json.dumps({"written": len(cases), "folder": str(out)}))


def check(out: Path) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    failures = 0
    for archive in sorted(out.glob("*.keras")):
        data = np.load(archive.with_suffix(".npz"))
        xs = [data[f"x{i}"] for i in range(sum(k.startswith("x") for k in data.files))]
        try:
            model = keras.saving.load_model(archive)
            ys = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
        except Exception as error:  # report every archive, not just the first failure
            print(f"{archive.name}: Keras could not load it: {type(error).__name__}: {error}")
            failures += 1
            continue
        ys = ys if isinstance(ys, list) else [ys]
        worst = max(float(np.abs(np.asarray(y) - data[f"y{i}"]).max()) for i, y in enumerate(ys))
        ok = worst <= 1e-5 and len(ys) == sum(k.startswith("y") for k in data.files)
        failures += not ok
        print(f"{archive.name}: {'ok' if ok else 'MISMATCH'} max abs diff {worst:.3g}")
    print(f"keras {keras.__version__}: {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    step, folder = sys.argv[1], Path(sys.argv[2])
    if step == "write":
        write(folder)
    else:
        sys.exit(check(folder))
