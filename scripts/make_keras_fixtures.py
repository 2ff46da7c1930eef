"""Generate Keras reference fixtures for rnnkit's tests.

This script is run by hand, in a throwaway virtual environment OUTSIDE the project,
never by CI and never by the test suite.  It needs real Keras 3 with the TensorFlow
backend (and, for the optional ``keras2_*`` cases, the legacy ``tf_keras`` package):

    # Keras 3 cases (and the Keras 3 cross-check of the keras2_* .h5 files):
    python3 -m venv /tmp/k && /tmp/k/bin/pip install tensorflow-cpu keras h5py
    /tmp/k/bin/python scripts/make_keras_fixtures.py

    # Keras 2 (tf_keras) cases, written by the legacy tf.keras; run this FIRST so the
    # Keras 3 run above can also check that Keras 3 loads those files:
    python3 -m venv /tmp/k2 && /tmp/k2/bin/pip install tf_keras h5py
    /tmp/k2/bin/python scripts/make_keras_fixtures.py --keras2

Options: ``--out DIR`` (default ``tests/fixtures/keras`` next to this script's
project root), ``--only NAME[,NAME...]`` to regenerate a few cases.

For every case it writes, into the output folder:

* ``CASE.keras``  Keras 3 archive (``model.save("CASE.keras")``; not for keras2_* cases)
* ``CASE.h5``     legacy full-model HDF5 (``model.save("CASE.h5")``)
* ``CASE.npz``    inputs ``x`` (one input) or ``x0, x1, ...`` (model input order),
                  expected outputs ``y0, y1, ...`` (model output order) and, for
                  multi-layer Sequential models, ``inter_<layer name>``: the output of
                  each non-final layer (inference mode, masks propagated)
* ``CASE.json``   description, versions, seeds, per-layer output shapes and param
                  counts, RNN configs, weight paths/shapes in ``get_weights()`` order,
                  the plain-text ``model.summary()``, and reload checks.

Weights are set exactly to ``np.random.default_rng(seed).normal(0, 0.5, shape)
.astype(float32)`` drawn for each weight in ``model.get_weights()`` order; inputs are
drawn from ``np.random.default_rng(seed + 1)``.  Expected outputs come from
``model.predict``; both saved files are reloaded by Keras and must reproduce them
within 1e-6.  ``MANIFEST.json`` in the output folder is merged (entries for the cases
made here are replaced, other entries are kept).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np

KERAS2 = "--keras2" in sys.argv
if KERAS2:
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    import tensorflow as tf
    import tf_keras as keras

    layers = keras.layers
else:
    import tensorflow as tf
    import keras
    from keras import layers

STD = 0.5
BATCH = 4
TOL = 1e-6
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "tests" / "fixtures" / "keras"
# The models are defined once, in tests/helpers/keras_models.py, where the tests rebuild them in rnnkit.
sys.path.insert(0, str(ROOT / "tests"))
from helpers import keras_models  # noqa: E402


# --------------------------------------------------------------------------- inputs
def normal(shape):
    return lambda rng: rng.normal(0.0, 1.0, shape).astype(np.float32)


def ids_trailing(vocab, T, lengths):
    """Integer ids in [1, vocab), zero-padded at the end to the given lengths."""

    def make(rng):
        x = rng.integers(1, vocab, size=(len(lengths), T)).astype(np.int32)
        for b, n in enumerate(lengths):
            x[b, n:] = 0
        return x

    return make


def ids_leading_and_hole(vocab, T):
    """Leading zero padding on rows 1 and 2, one zero in the middle of row 3."""

    def make(rng):
        x = rng.integers(1, vocab, size=(BATCH, T)).astype(np.int32)
        x[1, :3] = 0  # 3 leading pads, length 4
        x[2, :6] = 0  # 6 leading pads, length 1
        x[3, 3] = 0  # a hole in the middle
        return x

    return make


def float_with_zero_steps(T, I):
    """Normal floats; some time steps of some rows are all-zero vectors (masked)."""

    def make(rng):
        x = rng.normal(0.0, 1.0, (BATCH, T, I)).astype(np.float32)
        x[1, 4:] = 0.0  # trailing: last two steps
        x[2, 0] = 0.0  # leading step
        x[2, 3] = 0.0  # and a middle one
        x[3, 2:4] = 0.0  # two middle steps
        return x

    return make


# --------------------------------------------------------------------------- cases
CASES: list[dict] = []


def case(name, description, inputs, notes=(), keras2=False, build=None):
    """Register a case; its model is ``keras_models.<name>(keras)`` unless ``build`` is given."""
    CASES.append(
        dict(
            name=name,
            description=description,
            build=build or functools.partial(keras_models.RECURRENT_FIXTURES[name], keras),
            inputs=inputs,
            notes=list(notes),
            keras2=keras2,
        )
    )


case("go_backwards_lstm_seq",
     "Input(6,2) -> LSTM(3, return_sequences=True, go_backwards=True); output in processing order (not flipped back)",
     [normal((BATCH, 6, 2))])
case("go_backwards_gru_last", "Input(6,2) -> GRU(3, go_backwards=True) (last output = state after x_0)",
     [normal((BATCH, 6, 2))])
case("gru_reset_before", "Input(5,2) -> GRU(4, reset_after=False, return_sequences=True); bias (3H,)",
     [normal((BATCH, 5, 2))])
case("gru_reset_before_state",
     "functional Input(5,2) -> GRU(4, reset_after=False, return_state=True) -> [o, h]",
     [normal((BATCH, 5, 2))])
case("lstm_hard_sigmoid",
     "Input(5,2) -> LSTM(3, activation='relu', recurrent_activation='hard_sigmoid', return_sequences=True)",
     [normal((BATCH, 5, 2))],
     notes=["Keras 3 hard_sigmoid(x) = clip(x/6 + 0.5, 0, 1); relu is applied to both g and c_t"])
case("simple_rnn_relu_nobias",
     "Input(5,3) -> SimpleRNN(4, activation='relu', use_bias=False, return_sequences=True); no bias variable",
     [normal((BATCH, 5, 3))])
case("lstm_nobias", "Input(5,2) -> LSTM(3, use_bias=False); only kernel and recurrent_kernel",
     [normal((BATCH, 5, 2))])
case("bigru_state", "functional Input(6,2) -> Bidirectional(GRU(3, return_state=True)) -> [o, h_fw, h_bw]",
     [normal((BATCH, 6, 2))])
case("bilstm_seq_state",
     "functional Input(6,2) -> Bidirectional(LSTM(3, return_sequences=True, return_state=True)) -> [o, h_fw, c_fw, h_bw, c_bw]",
     [normal((BATCH, 6, 2))])
case("bi_merge_mul", "functional Input(6,2) -> Bidirectional(LSTM(3, return_sequences=True), merge_mode='mul')",
     [normal((BATCH, 6, 2))])
case("bi_merge_ave", "functional Input(6,2) -> Bidirectional(GRU(3, return_sequences=True), merge_mode='ave')",
     [normal((BATCH, 6, 2))])
case("bi_merge_none",
     "functional Input(6,2) -> Bidirectional(LSTM(3, return_sequences=True), merge_mode=None) -> [fw, bw] (bw in input time order)",
     [normal((BATCH, 6, 2))])


def _bi_simple_concat():
    with contextlib.redirect_stderr(io.StringIO()):
        try:
            m = keras_models.bi_simple_concat(keras)
            m.build((None, 5, 3)) if not m.built else None
            _bi_simple_concat.how = "Sequential([Bidirectional(SimpleRNN(4), input_shape=(5, 3))]) (input_shape on the wrapper accepted)"
            return m
        except Exception as e:  # pragma: no cover - depends on the Keras version
            _bi_simple_concat.how = f"input_shape on the wrapper rejected ({type(e).__name__}: {e}); built with Input((5,3))"
            return keras.Sequential([keras.Input((5, 3)), layers.Bidirectional(layers.SimpleRNN(4))])


case("bi_simple_concat", "Sequential Bidirectional(SimpleRNN(4), input_shape=(5,3)), merge_mode='concat' (default)",
     [normal((BATCH, 5, 3))], build=_bi_simple_concat)


case("masked_bilstm_seq",
     "Input(8,) int32 -> Embedding(20,4,mask_zero=True) -> Bidirectional(LSTM(3, return_sequences=True)) -> TimeDistributed(Dense(5, softmax)); trailing-zero padded ids, lengths [8,5,2,1]",
     [ids_trailing(20, 8, [8, 5, 2, 1])],
     notes=["trailing zero padding, lengths [8, 5, 2, 1]"])
case("masked_gru_seq_leading",
     "Input(7,) int32 -> Embedding(15,3,mask_zero=True) -> GRU(4, return_sequences=True); LEADING zero padding (row 1: 3 pads, row 2: 6 pads) and a zero in the middle of row 3 (t=3)",
     [ids_leading_and_hole(15, 7)],
     notes=["row 0 unpadded; row 1 ids[:3]=0; row 2 ids[:6]=0; row 3 ids[3]=0 (hole)"])
case("masked_go_backwards",
     "Input(7,) int32 -> Embedding(15,3,mask_zero=True) -> LSTM(3, return_sequences=True, go_backwards=True); trailing-zero padded ids, lengths [7,4,2,5]",
     [ids_trailing(15, 7, [7, 4, 2, 5])],
     notes=["trailing zero padding, lengths [7, 4, 2, 5]; output sequence is in processing (reversed) order"])
case("masking_layer_simple",
     "Input(6,2) float -> Masking(0.0) -> SimpleRNN(3, return_sequences=True) -> SimpleRNN(2); all-zero steps: row 1 t=4,5; row 2 t=0,3; row 3 t=2,3",
     [float_with_zero_steps(6, 2)],
     notes=["masked (all-zero) steps: row 0 none; row 1 t=4,5 (trailing); row 2 t=0 (leading) and t=3; row 3 t=2,3 (middle)"])
case("masked_bigru_last",
     "Input(8,) int32 -> Embedding(20,4,mask_zero=True) -> Bidirectional(GRU(3)) -> Dense(2, softmax); trailing-zero padded ids, lengths [8,6,3,1]",
     [ids_trailing(20, 8, [8, 6, 3, 1])],
     notes=["trailing zero padding, lengths [8, 6, 3, 1]"])
case("initial_state_lstm",
     "functional inputs x0=(6,2) sequence, x1=h0 (3,), x2=c0 (3,) -> LSTM(3, return_sequences=True)(x0, initial_state=[x1, x2])",
     [normal((BATCH, 6, 2)), normal((BATCH, 3)), normal((BATCH, 3))])
case("encoder_decoder",
     "functional inputs x0=encoder (5,2), x1=decoder (4,2): LSTM(3, return_state=True) on x0 gives [_, h, c]; LSTM(3, return_sequences=True)(x1, initial_state=[h, c]) -> Dense(2)",
     [normal((BATCH, 5, 2)), normal((BATCH, 4, 2))])
case("stacked_stock",
     "the issue's seed model scaled down: Input(6,3) -> LSTM(8,rs,'LSTM_0') -> LSTM(6,rs,'LSTM_1') -> LSTM(4,rs,'LSTM_2') -> LSTM(3,rs,'LSTM_3') -> Flatten -> Dense(5, swish) -> Dense(1, sigmoid)",
     [normal((BATCH, 6, 3))])
case("concat_two_branches",
     "functional inputs x0=(5,2), x1=(5,3): LSTM(3)(x0), GRU(2)(x1) -> Concatenate() -> Dense(1)",
     [normal((BATCH, 5, 2)), normal((BATCH, 5, 3))])
case("time_distributed_dense_relu",
     "Input(5,2) -> SimpleRNN(4, rs) -> TimeDistributed(Dense(3, relu)) -> Dropout(0.5) -> Reshape((15,)) -> Activation('tanh')",
     [normal((BATCH, 5, 2))],
     notes=["Dropout is the identity in inference mode"])
case("average_pooling_masked",
     "Input(7,) int32 -> Embedding(15,4,mask_zero=True) -> Bidirectional(LSTM(3, return_sequences=True)) -> GlobalAveragePooling1D -> Dense(2); trailing-zero padded ids, lengths [7,4,2,1]",
     [ids_trailing(15, 7, [7, 4, 2, 1])],
     notes=["the average skips masked steps"])
case("max_pooling_masked",
     "Input(7,) int32 -> Embedding(15,4,mask_zero=True) -> Bidirectional(GRU(3, return_sequences=True)) -> GlobalMaxPooling1D -> Dense(2); trailing-zero padded ids, lengths [7,4,2,1]",
     [ids_trailing(15, 7, [7, 4, 2, 1])],
     notes=["Keras 3's max ignores the mask: the zeros Bidirectional outputs at padded steps take part"])


# ---- Keras 2 (tf_keras) cases: only .h5 (+ npz/json), run with --keras2
case("keras2_gru_default",
     "saved by tf_keras (Keras 2): Sequential Input(5,2) -> GRU(3) with Keras 2's defaults",
     [normal((BATCH, 5, 2))], keras2=True)
case("keras2_lstm_seq_dense",
     "saved by tf_keras (Keras 2): Sequential Input(5,2) -> LSTM(4, return_sequences=True) -> Dense(2)",
     [normal((BATCH, 5, 2))], keras2=True)
case("keras2_bilstm",
     "saved by tf_keras (Keras 2): Sequential Input(6,2) -> Bidirectional(LSTM(3, return_sequences=True)) -> LSTM(2)",
     [normal((BATCH, 6, 2))], keras2=True)


# --------------------------------------------------------------------------- helpers
RNN_KEYS = {
    "SimpleRNN": ["units", "activation", "use_bias", "return_sequences", "return_state", "go_backwards",
                  "zero_output_for_mask"],
    "LSTM": ["units", "activation", "recurrent_activation", "use_bias", "return_sequences", "return_state",
             "go_backwards", "unit_forget_bias", "zero_output_for_mask"],
    "GRU": ["units", "activation", "recurrent_activation", "use_bias", "return_sequences", "return_state",
            "go_backwards", "reset_after", "zero_output_for_mask"],
}


def rnn_config(layer):
    cfg = layer.get_config()
    keys = RNN_KEYS[type(layer).__name__]
    return {k: cfg.get(k, getattr(layer, k, None)) for k in keys}


def shape_list(shape):
    return [None if d is None else int(d) for d in shape]


def _layer_outputs(layer):
    if KERAS2:
        return layer.output
    return layer._inbound_nodes[-1].output_tensors


def layer_output_shape(layer):
    out = _layer_outputs(layer)
    if isinstance(out, (list, tuple)):
        shapes = [shape_list(t.shape) for t in out]
        return shapes[0] if len(shapes) == 1 else shapes
    return shape_list(out.shape)


def layer_output_shape_str(layer):
    if KERAS2:
        return str(tuple(layer_output_shape(layer))) if not isinstance(layer.output, list) else str(
            [tuple(s) for s in layer_output_shape(layer)])
    from keras.src.utils import summary_utils

    return summary_utils.format_layer_shape(layer)


def layer_entry(layer):
    cls = type(layer).__name__
    e = {
        "class_name": cls,
        "name": layer.name,
        "output_shape": layer_output_shape(layer),
        "output_shape_str": layer_output_shape_str(layer),
        "param_count": int(layer.count_params()) if (layer.built or KERAS2) else 0,
    }
    if cls in RNN_KEYS:
        e["config"] = rnn_config(layer)
    if cls == "Bidirectional":
        e["forward_layer"] = layer.forward_layer.name
        e["backward_layer"] = layer.backward_layer.name
        e["merge_mode"] = layer.merge_mode
        e["wrapped_class_name"] = type(layer.forward_layer).__name__
        e["forward_config"] = rnn_config(layer.forward_layer)
        e["backward_config"] = rnn_config(layer.backward_layer)
    if cls == "TimeDistributed":
        e["wrapped_class_name"] = type(layer.layer).__name__
        e["wrapped_name"] = layer.layer.name
    return e


def weight_entries(model):
    out = []
    for w in model.weights:
        path = w.path if hasattr(w, "path") else w.name
        out.append({"path": path, "shape": shape_list(w.shape), "trainable": bool(w.trainable)})
    return out


def as_list(y):
    if isinstance(y, dict):
        raise TypeError("dict outputs are not used here")
    if isinstance(y, (list, tuple)):
        return [np.asarray(v) for v in y]
    return [np.asarray(y)]


def max_diff(a, b):
    return float(max(np.max(np.abs(np.asarray(u, np.float64) - np.asarray(v, np.float64))) for u, v in zip(a, b)))


def feed(xs):
    return xs[0] if len(xs) == 1 else list(xs)


def summary_text(model):
    lines = []
    model.summary(print_fn=lambda s, **kw: lines.append(s))
    return "\n".join(lines) + ("\n" if lines and not lines[-1].endswith("\n") else "")


def param_counts(model):
    tr = int(sum(int(np.prod(w.shape)) for w in model.trainable_weights))
    ntr = int(sum(int(np.prod(w.shape)) for w in model.non_trainable_weights))
    return tr + ntr, tr, ntr


def load(path):
    if KERAS2:
        return keras.models.load_model(path, compile=False)
    return keras.saving.load_model(path, compile=False)


# --------------------------------------------------------------------------- main
def make_case(spec, idx, out: Path):
    name = spec["name"]
    seed = 2000 + 2 * idx
    keras.backend.clear_session()  # fresh auto-names: sequential, lstm, lstm_1 ...
    build = spec["build"]
    model = build()
    notes = list(spec["notes"])
    if getattr(build, "how", None):
        notes.append(build.how)

    rng = np.random.default_rng(seed)
    new_w = [rng.normal(0.0, STD, w.shape).astype(np.float32) for w in model.get_weights()]
    model.set_weights(new_w)
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), new_w))

    irng = np.random.default_rng(seed + 1)
    xs = [make(irng) for make in spec["inputs"]]
    in_keys = ["x"] if len(xs) == 1 else [f"x{i}" for i in range(len(xs))]

    ys = as_list(model.predict(feed(xs), verbose=0, batch_size=BATCH))
    ys_call = as_list(model(feed(xs), training=False))
    pvc = max_diff(ys, ys_call)

    arrays = {k: v for k, v in zip(in_keys, xs)}
    arrays.update({f"y{i}": y.astype(np.float32) for i, y in enumerate(ys)})

    model_class = type(model).__name__
    inters = []
    if model_class == "Sequential" and len(model.layers) > 1:
        sub = keras.Model(model.inputs, [l.output for l in model.layers[:-1]])
        vals = as_list(sub.predict(feed(xs), verbose=0, batch_size=BATCH))
        for l, v in zip(model.layers[:-1], vals):
            key = f"inter_{l.name}"
            arrays[key] = v.astype(np.float32)
            inters.append({"key": key, "shape": list(v.shape)})

    files = []
    reload = {}
    if not KERAS2:
        kpath = out / f"{name}.keras"
        model.save(kpath)
        files.append(kpath.name)
    hpath = out / f"{name}.h5"
    with contextlib.redirect_stderr(io.StringIO()):
        model.save(hpath)
    files.append(hpath.name)
    np.savez(out / f"{name}.npz", **arrays)
    files += [f"{name}.npz", f"{name}.json"]

    for f in files[:-2]:
        kind = "keras" if f.endswith(".keras") else "h5"
        m2 = load(out / f)
        y2 = as_list(m2.predict(feed(xs), verbose=0, batch_size=BATCH))
        d = max_diff(ys, y2)
        w_same = all(np.array_equal(a, b) for a, b in zip(m2.get_weights(), new_w))
        reload[kind] = {"max_abs_diff": d, "ok": bool(d <= TOL and w_same and len(y2) == len(ys))}
        if not w_same:
            notes.append(f"reloaded {kind} weights differ from the ones set")

    total, tr, ntr = param_counts(model)
    meta = {
        "case": name,
        "description": spec["description"],
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "backend": "tensorflow",
        "model_class": model_class,
        "seed": seed,
        "weight_init": f"np.random.default_rng({seed}).normal(0, {STD}, shape) for each weight in model.get_weights() order",
        "input_init": f"np.random.default_rng({seed + 1}) (normal(0,1) float32, or integer ids)",
        "batch": BATCH,
        "total_params": total,
        "trainable_params": tr,
        "non_trainable_params": ntr,
        "inputs": [{"key": k, "shape": list(v.shape), "dtype": str(v.dtype)} for k, v in zip(in_keys, xs)],
        "outputs": [{"key": f"y{i}", "shape": list(y.shape), "dtype": "float32"} for i, y in enumerate(ys)],
        "intermediates": inters,
        "layers": [layer_entry(l) for l in model.layers],
        "weights": weight_entries(model),
        "predict_vs_call_max_abs_diff": pvc,
        "reload": reload,
        "notes": notes,
        "summary": summary_text(model),
    }
    if KERAS2:
        meta["saved_by"] = f"tf_keras {keras.__version__} (legacy Keras 2 / tf.keras), TensorFlow {tf.__version__}"
        meta["keras_version"] = keras.__version__
        meta["tf_keras_version"] = keras.__version__
    else:
        meta["saved_by"] = f"keras {keras.__version__} (Keras 3), TensorFlow {tf.__version__} backend"
    (out / f"{name}.json").write_text(json.dumps(meta, indent=2, ensure_ascii=True) + "\n")

    entry = {
        "case": name,
        "description": spec["description"],
        "files": files,
        "inputs": in_keys,
        "outputs": [f"y{i}" for i in range(len(ys))],
        "output_count": len(ys),
        "intermediates": [i["key"] for i in inters],
        "total_params": total,
        "reload": reload,
        "all_reloads_ok": all(r["ok"] for r in reload.values()),
        "notes": notes,
        "saved_by": meta["saved_by"],
        "generator": "scripts/make_keras_fixtures.py" + (" --keras2" if KERAS2 else ""),
    }
    return entry


def crosscheck_keras2(out: Path, entries_by_name: dict):
    """In the Keras 3 run: try to load each keras2_*.h5 with Keras 3 and compare with its npz.

    Recorded under "keras3_load" in the case's json (not under "reload", which is about
    the library that saved the file): "full_model" = keras.saving.load_model(h5);
    "weights_only" = the same architecture built by Keras 3, then model.load_weights(h5).
    """
    for spec in CASES:
        if not spec["keras2"]:
            continue
        name = spec["name"]
        h5, js, nz = out / f"{name}.h5", out / f"{name}.json", out / f"{name}.npz"
        if not (h5.exists() and js.exists() and nz.exists()):
            continue
        meta = json.loads(js.read_text())
        z = np.load(nz)
        xs = [z[i["key"]] for i in meta["inputs"]]
        ys = [z[o["key"]] for o in meta["outputs"]]
        res = {"loaded_by": f"keras {keras.__version__}"}
        for kind in ("full_model", "weights_only"):
            try:
                keras.backend.clear_session()
                with contextlib.redirect_stderr(io.StringIO()):
                    if kind == "full_model":
                        m = keras.saving.load_model(h5, compile=False)
                    else:
                        m = spec["build"]()
                        m.load_weights(h5)
                y2 = as_list(m.predict(feed(xs), verbose=0, batch_size=BATCH))
                d = max_diff(ys, y2)
                res[kind] = {"max_abs_diff": d, "ok": bool(d <= TOL)}
            except Exception as e:  # record, don't hide
                res[kind] = {"ok": False, "error": f"{type(e).__name__}: {e}"[:300]}
        meta["keras3_load"] = res
        js.write_text(json.dumps(meta, indent=2, ensure_ascii=True) + "\n")
        if name in entries_by_name:
            entries_by_name[name]["keras3_load"] = res
        print(f"  {name}: Keras 3 loading the tf_keras .h5: {res}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--only", default="")
    ap.add_argument("--keras2", action="store_true", help="make the keras2_* cases with tf_keras")
    args = ap.parse_args()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    only = {s for s in args.only.split(",") if s}

    man_path = out / "MANIFEST.json"
    manifest = json.loads(man_path.read_text()) if man_path.exists() else {"cases": []}
    by_name = {c["case"]: c for c in manifest["cases"]}
    order = [c["case"] for c in manifest["cases"]]

    failed = []
    for idx, spec in enumerate(CASES):
        if spec["keras2"] != KERAS2 or (only and spec["name"] not in only):
            continue
        entry = make_case(spec, idx, out)
        if spec["name"] not in by_name:
            order.append(spec["name"])
        by_name[spec["name"]] = entry
        print(f"{spec['name']:30s} params={entry['total_params']:5d} reload={entry['reload']}")
        if not entry["all_reloads_ok"]:
            failed.append(spec["name"])

    if not KERAS2:
        crosscheck_keras2(out, by_name)
        manifest.update({
            "keras_version": keras.__version__,
            "tensorflow_version": tf.__version__,
            "numpy_version": np.__version__,
            "backend": "tensorflow",
        })
    manifest.setdefault("tolerance", TOL)
    manifest.setdefault(
        "npz_keys",
        "x (single input) or x0,x1,... (multi-input, in model input order); y0,y1,... outputs in model output "
        "order; inter_<layer_name>: output of each non-final layer of multi-layer Sequential models "
        "(inference mode, masks propagated)")
    for c in by_name.values():  # entries this script did not make (the copied shared ones)
        c.setdefault("generator", "copied verbatim from shared/keras/fixtures (made with Keras 3.15.1); not by this script")
    order.sort(key=lambda n: n.startswith("keras2_"))  # stable: Keras 2 (tf_keras) cases last
    manifest["cases"] = [by_name[n] for n in order]
    man_path.write_text(json.dumps(manifest, indent=1, ensure_ascii=True) + "\n")
    if failed:
        print("RELOAD MISMATCH:", failed)
        sys.exit(1)


if __name__ == "__main__":
    main()
