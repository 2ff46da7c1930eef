"""Keras 3 reference fixtures for the layers that sit around recurrent layers.

Run by hand with real Keras 3 (TensorFlow backend), never by CI or the tests:

    /work/kerasvenv/bin/python scripts/make_keras_fixtures_layers.py [--only CASE,...] [--out DIR]

For every case it writes into ``tests/fixtures/keras_layers/`` (or ``--out DIR``):

* ``CASE.keras`` and ``CASE.h5``: the model as Keras saves it (archive and legacy HDF5);
* ``CASE.npz``: inputs ``x0, x1, ...``, outputs ``y0, y1, ...`` (``model.predict``),
  ``m<i>`` the mask output ``i`` carries when the model runs eagerly (a MultiHeadAttention call
  takes the masks off its inputs at run time, so these can differ from ``symbolic_mask``),
  and the weights ``w0, w1, ...`` in ``model.get_weights()`` order;
* ``CASE.json``: per-layer class, name, output shape and parameter count, the weight paths,
  the ``summary()`` text and the total/trainable/non-trainable parameter counts.

Weights are drawn from ``np.random.default_rng(seed)`` (normal, std 0.5; variances uniform in
[0.5, 1.5]); adapted ``Normalization`` layers keep what ``adapt`` computed.

``--check-rnnkit-files DIR`` instead loads the ``CASE.keras`` files rnnkit wrote into ``DIR``
(one per case, from the same weights) with Keras and prints how far its outputs are from the
fixture's.

``layer_steps.npz`` holds single-layer checks that a model file cannot express: a
BatchNormalization training step (outputs and updated moving statistics, with and without a
mask), ``Normalization.adapt`` results, and ``Dot``/``Softmax`` with explicit masks.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import keras
from keras import layers

ROOT = Path(__file__).resolve().parents[1]
# The models the tests rebuild in rnnkit are defined once, in tests/helpers/keras_models.py.
sys.path.insert(0, str(ROOT / "tests"))
from helpers import keras_models  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "keras_layers"
BATCH = 4
CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


def ids(rng, vocab, T, lengths):
    x = rng.integers(1, vocab, size=(len(lengths), T))
    for i, n in enumerate(lengths):
        x[i, n:] = 0
    return x.astype(np.int32)


def normal(rng, *shape):
    return rng.normal(0.0, 1.0, shape).astype(np.float32)


# ----------------------------------------------------------------------------- cases
@case
def conv_lstm_classifier(rng):
    """Embedding(mask_zero) -> Conv1D(same, relu) -> MaxPooling1D -> LSTM -> Dense: the mask stops at Conv1D."""
    x = keras.Input((12,), dtype="int32")
    h = layers.Embedding(30, 8, mask_zero=True)(x)
    h = layers.Conv1D(6, 3, padding="same", activation="relu")(h)
    h = layers.MaxPooling1D(2)(h)
    h = layers.LSTM(5)(h)
    y = layers.Dense(1, activation="sigmoid")(h)
    return keras.Model(x, y), [ids(rng, 30, 12, [12, 9, 5, 2])]


@case
def conv_options(rng):
    """Conv1D causal/dilated, strided same with groups and no bias, valid strided; pooling same/valid."""
    return keras_models.conv_options(keras), [normal(rng, BATCH, 16, 4)]


@case
def seq2seq_repeat(rng):
    """The addition example's shape: LSTM encoder -> RepeatVector -> LSTM decoder -> TimeDistributed(Dense)."""
    return keras_models.seq2seq_repeat(keras), [normal(rng, BATCH, 7, 3)]


@case
def bilstm_attention(rng):
    """BiLSTM over masked ids with Attention, Attention(scale, concat, causal) and AdditiveAttention."""
    return keras_models.bilstm_attention(keras), [ids(rng, 25, 10, [10, 7, 4, 1])]


@case
def attention_unmasked(rng):
    """Attention and AdditiveAttention over BiGRU outputs of float inputs (loadable from files)."""
    x = keras.Input((8, 3))
    h = layers.Bidirectional(layers.GRU(4, return_sequences=True))(x)
    a = layers.Attention(use_scale=True)([h, h])
    c = layers.AdditiveAttention()([h, h])
    d = layers.Attention(score_mode="concat")([h, x, h])
    pooled = layers.GlobalAveragePooling1D()(layers.Concatenate()([a, c, d]))
    y = layers.Dense(2, activation="softmax")(pooled)
    return keras.Model(x, y), [normal(rng, BATCH, 8, 3)]


@case
def mha_lstm(rng):
    """MultiHeadAttention over masked LSTM outputs, residual Add, LayerNormalization; causal and scores variants."""
    return keras_models.mha_lstm(keras), [ids(rng, 20, 9, [9, 6, 3, 1])]


@case
def mha_self_attention(rng):
    """Unmasked self-attention block (fast path of Keras) with output_shape and a causal mask."""
    x = keras.Input((6, 5))
    h = layers.GRU(6, return_sequences=True)(x)
    a = layers.MultiHeadAttention(num_heads=2, key_dim=3)(h, h, use_causal_mask=True)
    b = layers.MultiHeadAttention(num_heads=2, key_dim=2, value_dim=3, output_shape=(4,))(a, h)
    return keras.Model(x, [a, b]), [normal(rng, BATCH, 6, 5)]


@case
def batchnorm_inference(rng):
    """BatchNormalization (inference) before and after an LSTM, with center/scale off; LayerNormalization on 2 axes."""
    return keras_models.batchnorm_inference(keras), [normal(rng, BATCH, 9, 4)]


@case
def merges(rng):
    """Two LSTM branches, one masked by Embedding(mask_zero), one by Masking, merged every Keras way."""
    return keras_models.merges(keras), [ids(rng, 15, 6, [6, 4, 2, 1]), _with_zero_steps(rng)]


def _with_zero_steps(rng):
    x = normal(rng, BATCH, 6, 3)
    x[0, 5:] = 0
    x[1, 3:] = 0
    x[2, 0] = 0
    return x


@case
def activations_noise(rng):
    """Activation layers, noise layers (identity at inference), Permute, Identity, Lambda-free reshaping."""
    x = keras.Input((5, 4), dtype="float32")
    m = layers.Masking()(x)
    h = layers.Dense(6)(m)
    h = layers.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.2)(h)
    h = layers.LeakyReLU()(h)
    h = layers.PReLU(shared_axes=[1])(h)
    h = layers.ELU(alpha=0.5)(h)
    h = layers.ReLU()(h)
    g = layers.LeakyReLU(negative_slope=0.05)(layers.Dense(6)(m))
    h = layers.Softmax(axis=1)(layers.Permute((1, 2))(layers.Add()([h, g])))  # Permute drops the mask
    h = layers.GaussianNoise(0.1)(h)
    h = layers.GaussianDropout(0.2)(h)
    h = layers.SpatialDropout1D(0.3)(h)
    h = layers.Identity()(h)
    h = layers.PReLU()(h)
    h = layers.ReLU(max_value=6.0)(h)
    p = layers.Permute((2, 1))(h)
    y = layers.LSTM(3)(h)
    return keras.Model(x, [y, h, p, layers.Softmax()(p)]), [_five_steps(rng)]


def _five_steps(rng):
    x = normal(rng, BATCH, 5, 4)
    x[0, 3:] = 0
    x[2, 1] = 0
    return x


@case
def normalization_lstm(rng):
    """Normalization adapted on data (per feature), one with given mean/variance and invert=True."""
    data = rng.normal(2.0, 3.0, (50, 8, 3)).astype(np.float32)
    norm = layers.Normalization(axis=-1)
    norm.adapt(data)
    x = keras.Input((8, 3))
    h = norm(x)
    h = layers.LSTM(4, return_sequences=True)(h)
    inv = layers.Normalization(mean=[1.0, -2.0, 0.5, 3.0], variance=[4.0, 0.25, 1.0, 9.0], invert=True)(h)
    full = layers.Normalization(axis=None, mean=0.5, variance=2.0)(x)
    y = layers.Dense(1)(layers.Flatten()(inv))
    return keras.Model(x, [y, inv, full]), [normal(rng, BATCH, 8, 3) * 3 + 2]


# ----------------------------------------------------------------------------- writing
def _padded_ids(rng, vocab=20, T=7):
    """Trailing padding, leading padding, a hole inside, and a full row."""
    x = rng.integers(1, vocab, size=(BATCH, T)).astype(np.int32)
    x[0, 4:] = 0
    x[1, :2] = 0
    x[2, 3] = 0
    return x


def _graph_case(builder, inputs):
    def build(rng):
        return builder(keras), [inputs(rng)]
    build.__name__, build.__doc__ = builder.__name__, builder.__doc__
    return case(build)


for _builder in keras_models.GRAPH_MASK_CASES.values():
    if _builder is keras_models.graph_masking_layer:
        def _floats(rng):
            x = normal(rng, BATCH, 7, 3)
            x[0, 4:] = 0.0
            x[1, :2] = 0.0
            return x
        _graph_case(_builder, _floats)
    else:
        _graph_case(_builder, _padded_ids)


def randomize(model, rng):
    weights = []
    for w in model.weights:
        owner = w.path.split("/")[0]
        layer = next((l for l in model.layers if l.name == owner), None)
        value = np.asarray(w.numpy())
        if isinstance(layer, layers.Normalization):
            weights.append(value)
        elif "variance" in w.path:
            weights.append(rng.uniform(0.5, 1.5, value.shape).astype(np.float32))
        else:
            weights.append(rng.normal(0.0, 0.5, value.shape).astype(np.float32))
    model.set_weights(weights)  # get_weights() follows model.weights


def summary_text(model):
    lines = []
    model.summary(print_fn=lambda s, **kw: lines.append(s), line_length=None)
    return "\n".join(lines) + "\n"


def shape_of(layer):
    out = layer.output
    if isinstance(out, (list, tuple)):
        return [list(t.shape) for t in out]
    return list(out.shape)


def write_case(name, build, seed, folder):
    keras.backend.clear_session()
    rng = np.random.default_rng(seed)
    model, xs = build(rng)
    randomize(model, rng)
    feed = xs[0] if len(xs) == 1 else xs
    ys = model.predict(feed, verbose=0, batch_size=BATCH)
    ys = list(ys) if isinstance(ys, (list, tuple)) else [ys]
    called = model(feed, training=False)
    called = list(called) if isinstance(called, (list, tuple)) else [called]
    arrays = {f"x{i}": x for i, x in enumerate(xs)}
    has_mask = []
    for i, (y, c) in enumerate(zip(ys, called)):
        arrays[f"y{i}"] = np.asarray(y, np.float32)
        mask = getattr(c, "_keras_mask", None)
        has_mask.append(getattr(model.outputs[i], "_keras_mask", None) is not None)
        if mask is not None:
            arrays[f"m{i}"] = np.asarray(mask).astype(bool)
    for i, w in enumerate(model.get_weights()):
        arrays[f"w{i}"] = w
    # Keras 3 records the mask computations of functional models as operations (NotEqual
    # nodes and explicit mask= arguments): rnnkit.layers.operations runs them.
    operations = sorted({l["class_name"] for l in model.get_config()["layers"] if not l["module"].startswith("keras.layers")})
    files = [folder / f"{name}.keras", folder / f"{name}.h5"]
    model.save(files[0])
    with contextlib.redirect_stderr(io.StringIO()):
        model.save(files[1])
    keras_cannot_reload = []
    for path in files:
        try:
            again = keras.saving.load_model(path, compile=False)
        except (TypeError, ValueError) as error:  # Keras's own legacy-h5 reader fails on some configs
            keras_cannot_reload.append(f"{path.name}: {type(error).__name__}: {str(error)[:200]}")
            continue
        got = again.predict(feed, verbose=0, batch_size=BATCH)
        got = list(got) if isinstance(got, (list, tuple)) else [got]
        assert all(np.allclose(a, b, atol=1e-6) for a, b in zip(ys, got)), path
    np.savez_compressed(folder / f"{name}.npz", **arrays)
    meta = {
        "description": build.__doc__,
        "keras_version": keras.__version__,
        "model_class": type(model).__name__,
        "layers": [
            {"class_name": type(l).__name__, "name": l.name, "output_shape": shape_of(l), "param_count": int(l.count_params())}
            for l in model.layers
        ],
        "weights": [{"path": w.path, "shape": list(w.shape), "trainable": bool(w.trainable)} for w in model.weights],
        "outputs": len(ys),
        "symbolic_mask": has_mask,  # whether Keras's graph tensors carry a mask (m<i>: run-time masks)
        "files": [p.name for p in files],
        "graph_operations": operations,
        "keras_cannot_reload": keras_cannot_reload,
        "summary": summary_text(model),
        "params": {
            "total": int(model.count_params()),
            "trainable": int(sum(np.prod(w.shape) for w in model.trainable_weights)),
            "non_trainable": int(sum(np.prod(w.shape) for w in model.non_trainable_weights)),
        },
    }
    (folder / f"{name}.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n")


def write_layer_steps(seed, folder):
    """Single-layer checks: BatchNormalization training, Normalization.adapt, Dot, Softmax with masks."""
    keras.backend.clear_session()
    rng = np.random.default_rng(seed)
    out = {}
    x = rng.normal(1.0, 2.0, (4, 6, 3)).astype(np.float32)
    mask = np.ones((4, 6), bool)
    mask[0, 4:] = False
    mask[2, 1:] = False
    for tag, m in (("nomask", None), ("mask", mask)):
        bn = layers.BatchNormalization(momentum=0.8, epsilon=0.01)
        bn.build(x.shape)
        start = [rng.normal(0, 0.5, (3,)).astype(np.float32) for _ in range(3)] + [rng.uniform(0.5, 1.5, (3,)).astype(np.float32)]
        bn.set_weights(start)
        y = bn(x, training=True, mask=m)
        out[f"bn_{tag}_start"] = np.stack(start)
        out[f"bn_{tag}_y"] = np.asarray(y)
        out[f"bn_{tag}_after"] = np.stack([np.asarray(w) for w in bn.get_weights()])
    out["bn_x"], out["bn_mask"] = x, mask
    data = rng.normal(-1.0, 2.0, (30, 5, 2)).astype(np.float32)
    for tag, axis in (("last", -1), ("time", 1), ("both", (1, 2))):
        norm = layers.Normalization(axis=axis)
        norm.adapt(data)
        out[f"adapt_{tag}_mean"], out[f"adapt_{tag}_variance"] = [np.asarray(w) for w in norm.get_weights()[:2]]
        out[f"adapt_{tag}_y"] = np.asarray(norm(data[:3]))
    batches = [data[:7], data[7:19], data[19:]]
    norm = layers.Normalization()
    norm.adapt(batches)
    out["adapt_batches_mean"], out["adapt_batches_variance"] = [np.asarray(w) for w in norm.get_weights()[:2]]
    out["adapt_data"] = data
    scores = rng.normal(0, 1, (2, 3, 4)).astype(np.float32)
    smask = rng.random((2, 3, 4)) > 0.4
    smask[0, 1] = False  # a fully masked row
    out["softmax_x"], out["softmax_mask"] = scores, smask
    out["softmax_y"] = np.asarray(layers.Softmax()(scores, mask=smask))
    out["softmax_y_axis1"] = np.asarray(layers.Softmax(axis=1)(scores, mask=smask[:, :, :1]))
    a = rng.normal(0, 1, (3, 5)).astype(np.float32)
    b = rng.normal(0, 1, (3, 5)).astype(np.float32)
    c = rng.normal(0, 1, (3, 4, 5)).astype(np.float32)
    out["dot_a"], out["dot_b"], out["dot_c"] = a, b, c
    out["dot_ab"] = np.asarray(layers.Dot(axes=1)([a, b]))
    out["dot_ac"] = np.asarray(layers.Dot(axes=(1, 2))([a, c]))
    out["dot_ca_norm"] = np.asarray(layers.Dot(axes=(2, 1), normalize=True)([c, a]))
    np.savez_compressed(folder / "layer_steps.npz", **out)


MASK_PROBES = keras_models.mask_probes(keras)


def write_mask_probes(seed, folder):
    """Each layer called eagerly on an Embedding(mask_zero) output: the mask it passes on, if any."""
    import warnings

    keras.backend.clear_session()
    rng = np.random.default_rng(seed)
    x = ids(rng, 12, 7, [7, 5, 3, 1])
    embedding = layers.Embedding(12, 4, mask_zero=True)
    out = {"x": x, "embedding_mask": np.asarray(embedding(x)._keras_mask)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, probe in MASK_PROBES.items():
            e = embedding(x)  # a fresh tensor each time: MultiHeadAttention takes the mask off its inputs
            mask = getattr(probe(e), "_keras_mask", None)
            if mask is not None:
                out[f"mask_{name}"] = np.asarray(mask)
    meta = {"passes_mask": sorted(k[5:] for k in out if k.startswith("mask_")), "probed": sorted(MASK_PROBES)}
    np.savez_compressed(folder / "mask_probes.npz", **out)
    (folder / "mask_probes.json").write_text(json.dumps(meta, indent=1) + "\n")


def check_rnnkit_files(folder):
    """Load every ``CASE.keras`` in ``folder`` (written by rnnkit) with Keras; print the largest
    difference from the fixture's outputs (``CASE.npz``)."""
    import warnings

    warnings.filterwarnings("ignore")
    for path in sorted(Path(folder).glob("*.keras")):
        data = np.load(OUT / f"{path.stem}.npz")
        xs = [data[f"x{i}"] for i in range(sum(k.startswith("x") for k in data.files))]
        try:
            model = keras.saving.load_model(path, compile=False)
        except (TypeError, ValueError) as error:
            print(path.stem, "Keras cannot load it:", str(error)[:300])
            continue
        ys = model.predict(xs[0] if len(xs) == 1 else xs, verbose=0)
        ys = list(ys) if isinstance(ys, (list, tuple)) else [ys]
        print(path.stem, "max |difference|", max(float(np.abs(y - data[f"y{i}"]).max()) for i, y in enumerate(ys)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="")
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder to write into (default {OUT})")
    parser.add_argument("--check-rnnkit-files", metavar="DIR", help="load rnnkit-written CASE.keras files with Keras instead")
    args = parser.parse_args()
    if args.check_rnnkit_files:
        check_rnnkit_files(args.check_rnnkit_files)
        return
    args.out.mkdir(parents=True, exist_ok=True)
    only = [n for n in args.only.split(",") if n]
    for i, (name, build) in enumerate(CASES.items()):
        if only and name not in only:
            continue
        write_case(name, build, 4000 + 7 * i, args.out)
        print("wrote", name)
    if not only or "mask_probes" in only:
        write_mask_probes(9100, args.out)
        print("wrote mask_probes")
    if not only or "layer_steps" in only:
        write_layer_steps(9000, args.out)
        print("wrote layer_steps")


if __name__ == "__main__":
    main()
