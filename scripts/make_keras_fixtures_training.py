"""Record Keras 3's training dynamics for rnnkit's tests (run by hand, never by CI or the tests).

    /work/kerasvenv/bin/python scripts/make_keras_fixtures_training.py   # Keras 3, TensorFlow backend

For each case in ``cases()`` it builds a small model (Dense; LSTM / GRU / SimpleRNN classifier;
Embedding(mask_zero=True) + LSTM over sequences), draws Keras's own initial weights (seeded),
then from those weights

* ``fit(x, y, batch_size=4, epochs=2, shuffle=False)``: ``fit_weights_i`` (``get_weights()``
  order) and ``fit_loss`` (the logged loss per epoch, Keras's running mean);
* ``train_on_batch`` on the same four batches twice, from the same initial weights, with a fresh
  optimizer: ``tob_weights_i`` and ``tob_loss`` (what each call returned).

Into ``tests/fixtures/keras_training/`` it writes ``CASE.npz`` (``x``, ``y``, optional
``sample_weight``, ``init_weights_i``, the results above) and ``cases.json``: per case the model
kind, the head, the optimizer and loss as Keras serializes them (``keras.optimizers.serialize``,
``keras.losses.serialize``), which rnnkit must read back. ``initializers.json`` holds the
statistics of Keras's default initializers per layer (see ``initializer_stats``), ``defaults.json``
the config of each optimizer and loss class built with no arguments.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import keras

ROOT = Path(__file__).resolve().parents[1]
# The models are defined once, in tests/helpers/keras_models.py, where the tests rebuild them in rnnkit.
sys.path.insert(0, str(ROOT / "tests"))
from helpers import keras_models  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "keras_training"
N, BATCH, EPOCHS = 16, 4, 2
T, FEATURES, VOCAB = keras_models.TRAINING_T, keras_models.TRAINING_FEATURES, keras_models.TRAINING_VOCAB
S = keras.optimizers.schedules


def heads():
    """Output head (units, activation) and target kind for each loss case."""
    return {
        "binary": (1, "sigmoid"), "binary_logits": (1, None), "onehot": (3, "softmax"), "onehot_logits": (3, None),
        "sparse": (3, "softmax"), "sparse_logits": (3, None), "regression": (2, None), "positive": (2, "softmax"),
        "away_from_zero": (2, None),
        "hinge": (1, "tanh"), "cat_hinge": (3, None),
    }


def optimizer_cases():
    o = keras.optimizers
    return {
        "sgd": lambda: o.SGD(learning_rate=0.1),
        "sgd_momentum": lambda: o.SGD(learning_rate=0.05, momentum=0.9),
        "sgd_nesterov": lambda: o.SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
        "adam": lambda: o.Adam(learning_rate=0.01),
        "adam_amsgrad": lambda: o.Adam(learning_rate=0.01, amsgrad=True),
        "adamw": lambda: o.AdamW(learning_rate=0.01, weight_decay=0.05),
        "rmsprop": lambda: o.RMSprop(),
        "rmsprop_momentum": lambda: o.RMSprop(learning_rate=0.005, momentum=0.5),
        "rmsprop_centered": lambda: o.RMSprop(learning_rate=0.005, centered=True, rho=0.8),
        "adagrad": lambda: o.Adagrad(learning_rate=0.05),
        "adadelta": lambda: o.Adadelta(learning_rate=1.0),
        "nadam": lambda: o.Nadam(learning_rate=0.01),
        "adamax": lambda: o.Adamax(learning_rate=0.01),
        "lion": lambda: o.Lion(learning_rate=0.003),
        "clipnorm": lambda: o.SGD(learning_rate=0.1, clipnorm=0.05),
        "clipvalue": lambda: o.Adam(learning_rate=0.01, clipvalue=0.01),
        "global_clipnorm": lambda: o.RMSprop(learning_rate=0.01, global_clipnorm=0.1),
        "weight_decay": lambda: o.SGD(learning_rate=0.1, weight_decay=0.1),
        "ema": lambda: o.Adam(learning_rate=0.02, use_ema=True, ema_momentum=0.5, ema_overwrite_frequency=3),
        "exponential_decay": lambda: o.SGD(learning_rate=S.ExponentialDecay(0.2, decay_steps=3, decay_rate=0.5)),
        "exponential_staircase": lambda: o.Adam(learning_rate=S.ExponentialDecay(0.02, 3, 0.5, staircase=True)),
        "piecewise": lambda: o.SGD(learning_rate=S.PiecewiseConstantDecay([2, 5], [0.2, 0.1, 0.02])),
        "cosine": lambda: o.SGD(learning_rate=S.CosineDecay(0.2, decay_steps=6, alpha=0.1)),
        "cosine_warmup": lambda: o.SGD(learning_rate=S.CosineDecay(0.05, 5, warmup_target=0.2, warmup_steps=3)),
        "inverse_time": lambda: o.SGD(learning_rate=S.InverseTimeDecay(0.2, decay_steps=2, decay_rate=1.0)),
        "polynomial": lambda: o.SGD(learning_rate=S.PolynomialDecay(0.2, decay_steps=5, end_learning_rate=0.01, power=2.0)),
        "polynomial_cycle": lambda: o.SGD(learning_rate=S.PolynomialDecay(0.2, 3, 0.01, cycle=True)),
    }


def loss_cases():
    """name -> (head, Keras loss class name, its arguments). The arguments go into cases.json too,
    because Keras's configs drop some of them (``Huber.get_config()`` has no ``delta``)."""
    return {
        "bce": ("binary", "BinaryCrossentropy", {}),
        "bce_logits": ("binary_logits", "BinaryCrossentropy", {"from_logits": True}),
        "bce_smoothing": ("binary", "BinaryCrossentropy", {"label_smoothing": 0.2}),
        "cce": ("onehot", "CategoricalCrossentropy", {}),
        "cce_logits": ("onehot_logits", "CategoricalCrossentropy", {"from_logits": True}),
        "cce_smoothing": ("onehot_logits", "CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}),
        "scce": ("sparse", "SparseCategoricalCrossentropy", {}),
        "scce_logits": ("sparse_logits", "SparseCategoricalCrossentropy", {"from_logits": True}),
        "mse": ("regression", "MeanSquaredError", {}),
        "mae": ("regression", "MeanAbsoluteError", {}),
        "huber": ("regression", "Huber", {"delta": 0.5}),
        "log_cosh": ("regression", "LogCosh", {}),
        "mape": ("away_from_zero", "MeanAbsolutePercentageError", {}),
        "msle": ("positive", "MeanSquaredLogarithmicError", {}),
        "kld": ("positive", "KLDivergence", {}),
        "poisson": ("positive", "Poisson", {}),
        "cosine_similarity": ("regression", "CosineSimilarity", {}),
        "hinge": ("hinge", "Hinge", {}),
        "squared_hinge": ("hinge", "SquaredHinge", {}),
        "categorical_hinge": ("cat_hinge", "CategoricalHinge", {}),
    }


def cases():
    """(name, model kind, head, optimizer factory, (loss class name, arguments), sample_weight?)."""
    opts, losses = optimizer_cases(), loss_cases()
    out = []
    for kind in ("dense", "lstm"):
        for name, make in opts.items():
            out.append((f"{kind}_{name}", kind, "sparse_logits", make, losses["scce_logits"][1:], False))
    for kind in ("gru", "simple_rnn"):
        for name in ("sgd_momentum", "adam", "rmsprop", "clipnorm"):
            out.append((f"{kind}_{name}", kind, "sparse_logits", opts[name], losses["scce_logits"][1:], False))
    for name, (head, *loss) in losses.items():
        out.append((f"loss_{name}", "dense", head, opts["sgd"], loss, False))
    for name in ("bce", "cce", "scce"):
        head, *loss = losses[name]
        out.append((f"lstm_loss_{name}", "lstm", head, opts["rmsprop"], loss, False))
    out.append(("dense_sample_weight", "dense", "sparse", opts["adam"], losses["scce"][1:], True))
    out.append(("lstm_sample_weight", "lstm", "binary", opts["rmsprop"], losses["bce"][1:], True))
    for name in ("sgd", "rmsprop", "adam", "adagrad", "adadelta", "nadam", "adamax", "lion", "clipnorm", "clipvalue", "global_clipnorm"):
        out.append((f"embed_lstm_{name}", "embed_lstm", "sparse_logits", opts[name], losses["scce_logits"][1:], False))
        out.append((f"embed_seq_{name}", "embed_seq", "sparse_logits", opts[name], losses["scce_logits"][1:], name == "rmsprop"))
    return out


def build(kind, head):
    return keras_models.training_model(keras, kind, *heads()[head])


def data(kind, head, seed):
    rng = np.random.default_rng(seed)
    if kind == "dense":
        x = rng.normal(0, 1, (N, FEATURES)).astype("float32")
    elif kind in ("embed_lstm", "embed_seq"):
        x = rng.integers(1, VOCAB, (N, T)).astype("int32")
        lengths = rng.integers(2, T + 1, N)
        for i, n in enumerate(lengths):
            x[i, n:] = 0  # post-padding, masked by mask_zero
    else:
        x = rng.normal(0, 1, (N, T, FEATURES)).astype("float32")
    steps = (T,) if kind == "embed_seq" else ()
    units = heads()[head][0]
    if head.startswith("binary"):
        y = rng.integers(0, 2, (N, *steps, 1)).astype("float32")
    elif head.startswith("onehot") or head == "cat_hinge":
        y = np.eye(3, dtype="float32")[rng.integers(0, 3, (N, *steps))]
    elif head.startswith("sparse"):
        y = rng.integers(0, 3, (N, *steps)).astype("int32")
    elif head == "positive":
        y = rng.dirichlet(np.ones(units), (N, *steps)).astype("float32")
    elif head == "away_from_zero":  # MAPE divides by |y|: targets near 0 would make it ill-conditioned
        y = rng.uniform(0.5, 2.0, (N, *steps, units)).astype("float32")
    elif head == "hinge":
        y = rng.integers(0, 2, (N, *steps, 1)).astype("float32")
    else:
        y = rng.normal(0, 1, (N, *steps, units)).astype("float32")
    return x, y


def run_case(name, kind, head, make_opt, loss, weighted, seed):
    loss_class, loss_args = loss

    def make_loss():
        return getattr(keras.losses, loss_class)(**loss_args)

    x, y = data(kind, head, seed)
    weight_shape = (N, T) if kind == "embed_seq" else (N,)  # Keras takes per-step weights for sequence outputs
    sample_weight = np.random.default_rng(seed + 7).uniform(0.0, 2.0, weight_shape).astype("float32") if weighted else None
    keras.utils.set_random_seed(seed)
    model = build(kind, head)
    init = model.get_weights()
    model.compile(optimizer=make_opt(), loss=make_loss())
    history = model.fit(x, y, sample_weight=sample_weight, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0)
    fit_weights = model.get_weights()
    optimizer = make_opt()
    record = {
        "kind": kind, "head": list(heads()[head]), "target": head,
        "optimizer": keras.optimizers.serialize(optimizer), "loss": keras.losses.serialize(make_loss()), "loss_args": loss_args,
        "epochs": EPOCHS, "batch_size": BATCH, "seed": seed, "sample_weight": weighted,
    }
    model = build(kind, head)
    model.set_weights(init)
    model.compile(optimizer=optimizer, loss=make_loss())
    tob = []
    for _ in range(EPOCHS):
        for start in range(0, N, BATCH):
            sw = None if sample_weight is None else sample_weight[start : start + BATCH]
            tob.append(float(model.train_on_batch(x[start : start + BATCH], y[start : start + BATCH], sample_weight=sw)))
    arrays = {"x": x, "y": y, "fit_loss": np.array(history.history["loss"], "float64"), "tob_loss": np.array(tob, "float64")}
    if sample_weight is not None:
        arrays["sample_weight"] = sample_weight
    for prefix, weights in (("init", init), ("fit", fit_weights), ("tob", model.get_weights())):
        arrays.update({f"{prefix}_weights_{i}": w for i, w in enumerate(weights)})
    np.savez_compressed(OUT / f"{name}.npz", **arrays)
    return record


def orthogonality_error(k):
    """max |K K^T - I| for a (units, n*units) recurrent kernel (Keras's Orthogonal on the whole matrix)."""
    return float(np.abs(k @ k.T - np.eye(k.shape[0])).max())


def initializer_stats():
    """Mean/std/min/max of every weight of each layer at Keras's default initializers, over 5 seeds."""
    builds = keras_models.initializer_models(keras)
    out = {}
    for name, make in builds.items():
        per_seed = []
        for seed in range(5):
            keras.utils.set_random_seed(seed)
            weights = make().get_weights()
            stats = []
            for i, w in enumerate(weights):
                entry = {"shape": list(w.shape), "mean": float(w.mean()), "std": float(w.std()), "min": float(w.min()), "max": float(w.max())}
                if name in ("lstm", "gru", "simple_rnn") and i == 1:
                    entry["orthogonality_error"] = orthogonality_error(w)
                if name == "lstm" and i == 2:
                    entry["forget_block"] = [float(v) for v in np.unique(w[32:64])]
                    entry["other_blocks"] = [float(v) for v in np.unique(np.concatenate([w[:32], w[64:]]))]
                stats.append(entry)
            per_seed.append(stats)
        out[name] = per_seed
    return out


def write_defaults():
    """defaults.json: ``get_config()`` of every optimizer and loss class rnnkit names, built with no arguments."""
    optimizers = ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Nadam", "Adamax", "Lion")
    loss_classes = sorted({loss_class for _, loss_class, _ in loss_cases().values()})
    configs = {
        "optimizers": {name: getattr(keras.optimizers, name)().get_config() for name in optimizers},
        "losses": {name: getattr(keras.losses, name)().get_config() for name in loss_classes},
    }
    (OUT / "defaults.json").write_text(json.dumps(configs, indent=1, sort_keys=True) + "\n")


def write_manifest(manifest, path):
    """cases.json with one line per case, so a regenerated case shows as a one-line change."""
    lines = [f" {json.dumps(name)}: {json.dumps(case, sort_keys=True)}" for name, case in sorted(manifest["cases"].items())]
    head = {key: value for key, value in manifest.items() if key != "cases"}
    path.write_text(json.dumps(head, sort_keys=True)[:-1] + ', "cases": {\n' + ",\n".join(lines) + "\n}}\n")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    manifest = {"keras": keras.__version__, "backend": keras.backend.backend(), "cases": {}}
    for i, (name, kind, head, make_opt, loss, weighted) in enumerate(cases()):
        manifest["cases"][name] = run_case(name, kind, head, make_opt, loss, weighted, seed=100 + i)
        print(name, manifest["cases"][name]["optimizer"]["class_name"])
    write_manifest(manifest, OUT / "cases.json")
    write_defaults()
    (OUT / "initializers.json").write_text(json.dumps({"keras": keras.__version__, "layers": initializer_stats()}, indent=1))


if __name__ == "__main__":
    main()
