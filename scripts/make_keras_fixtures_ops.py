"""Record what real Keras 3 returns for the ``keras.ops`` subset that rnnkit implements.

Run by hand with a throwaway Keras 3 environment (never by CI or the tests):

    /work/kerasvenv/bin/python scripts/make_keras_fixtures_ops.py

Writes ``tests/fixtures/keras_ops/ops.npz`` (every input array ``in_N`` and every output
``out_ID`` or ``out_ID_K`` for ops that return several arrays) and ``ops.json`` (one entry per
case: the op, its arguments with arrays replaced by ``{"array": "in_N"}``, and the output dtypes,
shapes or Python values). ``tests/ops/test_ops.py`` calls ``rnnkit.ops`` with the same arguments
and compares values and dtypes. Also records ``timeseries_dataset_from_array`` and
``to_categorical``/``normalize`` outputs into ``tests/fixtures/keras_ops/utils.npz``/``.json``,
and, for the dataset loaders, small cache files of random data in Keras's layout
(``keras_home/datasets/{imdb,reuters,boston_housing}.npz``) with what Keras's ``load_data``
returns from them in ``datasets.json``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
from keras import ops

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "keras_ops"
rng = np.random.default_rng(7)

arrays: dict[str, np.ndarray] = {}
cases: list[dict] = []


def arr(value, dtype="float32") -> np.ndarray:
    return np.asarray(value, dtype=dtype)


def randn(*shape, dtype="float32") -> np.ndarray:
    return rng.normal(size=shape).astype(dtype)


def encode(value):
    if isinstance(value, np.ndarray):
        key = f"in_{len(arrays)}"
        arrays[key] = value
        return {"array": key}
    if isinstance(value, (list, tuple)):
        return {"list" if isinstance(value, list) else "tuple": [encode(v) for v in value]}
    return value


def case(op: str, *args, **kwargs) -> None:
    ident = f"{len(cases):03d}_{op}"
    try:
        result = getattr(ops, op)(*args, **kwargs)
    except Exception as error:  # a case the TensorFlow backend refuses is left out, and said
        print(f"left out: {op}{tuple(type(a).__name__ for a in args)} {kwargs}: {type(error).__name__}")
        return
    entry = {"id": ident, "op": op, "args": [encode(a) for a in args], "kwargs": {k: encode(v) for k, v in kwargs.items()}}
    if op == "shape":
        entry["value"] = list(result)
    else:
        results = list(result) if isinstance(result, (list, tuple)) else [result]
        entry["several"] = isinstance(result, (list, tuple))
        entry["dtypes"] = []
        for k, r in enumerate(results):
            value = ops.convert_to_numpy(r)
            arrays[f"out_{ident}" + (f"_{k}" if entry["several"] else "")] = value
            entry["dtypes"].append(keras.backend.standardize_dtype(r.dtype))
    cases.append(entry)


def make_ops_cases() -> None:
    x = randn(2, 3, 4)
    m = randn(3, 4)
    v = randn(4)
    i32 = arr([[3, -1, 4], [1, 5, -9]], "int32")
    i64 = arr([2, 7, 1, 8], "int64")
    b = arr([[True, False, True], [False, False, True]], "bool")
    f64 = rng.normal(size=(3, 2))

    # conversion and dtypes
    case("convert_to_tensor", [1.5, 2.0])
    case("convert_to_tensor", [1, 2, 3])
    case("convert_to_tensor", 3)
    case("convert_to_tensor", 2.5)
    case("convert_to_tensor", True)
    case("convert_to_tensor", f64)
    case("convert_to_tensor", i64)
    case("convert_to_tensor", [1, 2], dtype="float32")
    case("convert_to_tensor", m, dtype="float16")
    case("convert_to_numpy", m)
    case("cast", m, "int32")
    case("cast", i32, "float32")
    case("cast", b, "float32")
    case("cast", f64, "bfloat16")
    case("shape", x)
    case("shape", 3.0)
    # shapes
    case("reshape", x, (4, -1))
    case("reshape", x, [-1])
    case("concatenate", [m, m * 2], axis=0)
    case("concatenate", [x, x], axis=-1)
    case("concatenate", [i32, arr([[1.5, 2, 3]])], axis=0)
    case("stack", [v, v + 1, v + 2], axis=1)
    case("stack", [m, m])
    case("expand_dims", m, 1)
    case("expand_dims", m, -1)
    case("expand_dims", m, (0, 2))
    case("squeeze", randn(1, 3, 1))
    case("squeeze", randn(1, 3, 1), axis=-1)
    case("squeeze", randn(1, 3, 1), axis=(0, 2))
    case("transpose", x)
    case("transpose", x, axes=(0, 2, 1))
    case("split", randn(6, 2), 3)
    case("split", randn(2, 7), [2, 5], axis=1)
    case("split", randn(5), [1, 1, 3])
    case("tile", m, (2, 1))
    case("tile", v, 3)
    case("tile", m, (2, 1, 2))
    case("repeat", m, 2)
    case("repeat", m, 2, axis=1)
    case("repeat", v, [1, 0, 2, 1], axis=0)
    case("flip", m)
    case("flip", x, axis=1)
    case("flip", x, axis=(0, 2))
    case("pad", m, ((1, 0), (2, 1)))
    case("pad", m, ((1, 1), (0, 0)), constant_values=-1.0)
    case("pad", m, ((1, 2), (2, 1)), mode="reflect")
    case("pad", m, ((1, 2), (2, 1)), mode="symmetric")
    case("pad", i32, ((0, 0), (1, 1)))
    case("slice", x, (0, 1, 1), (2, 2, 2))
    case("take", m, arr([0, 2], "int32"), axis=0)
    case("take", m, arr([[0, 3], [1, 1]], "int32"), axis=1)
    case("take", m, arr([5, -1], "int32"))
    case("take", m, arr([-1], "int32"), axis=0)
    case("take", m, 1, axis=1)
    case("take_along_axis", m, arr([[0], [3], [1]], "int32"), axis=1)
    case("take_along_axis", m, arr([[0, 1, 2, 2]], "int32"), axis=0)
    case("take_along_axis", m, arr([0, 11, 5], "int32"), axis=None)
    # creation
    case("arange", 5)
    case("arange", 1, 7, 2)
    case("arange", 0.0, 1.0, 0.25)
    case("arange", 3, dtype="float32")
    case("arange", 2, 5.0)
    case("zeros", (2, 3))
    case("zeros", 3, dtype="int32")
    case("ones", (2,))
    case("ones", (1, 2), dtype="bool")
    case("zeros_like", i32)
    case("ones_like", m)
    case("ones_like", m, dtype="int64")
    case("full", (2, 2), 7)
    case("full", (2,), 0.5)
    case("full", (2, 2), 3, dtype="float32")
    # linear algebra
    case("matmul", m, randn(4, 2))
    case("matmul", x, randn(4, 5))
    case("matmul", randn(3, 1, 2, 4), randn(5, 4, 2))
    case("matmul", v, randn(4, 3))
    case("matmul", i32, arr([[1], [2], [3]], "int32"))
    case("dot", v, v)
    case("dot", m, v)
    case("dot", x, randn(4, 2))
    case("dot", m, 2.0)
    case("dot", randn(2, 3, 4), randn(5, 4, 6))
    case("einsum", "ij,jk->ik", m, randn(4, 2))
    case("einsum", "bti,bsi->bts", x, randn(2, 5, 4))
    case("einsum", "ii", randn(3, 3))
    case("norm", m)
    case("norm", m, axis=1)
    case("norm", m, ord=1, axis=0, keepdims=True)
    case("norm", v, ord=np.inf)
    case("norm", m, ord="fro")
    case("norm", i32)
    # reductions
    case("sum", x)
    case("sum", x, axis=1)
    case("sum", x, axis=(0, 2), keepdims=True)
    case("sum", i32)
    case("sum", i32, axis=0)
    case("sum", b)
    case("sum", arr([1, 2, 3], "uint8"))
    case("sum", arr([1, 2, 3], "int8"))
    case("mean", x, axis=-1)
    case("mean", x, axis=[0, 1], keepdims=True)
    case("mean", i32)
    case("mean", i64, axis=0)
    case("mean", b)
    case("mean", randn(3, 2, dtype="float16"), axis=0)
    case("max", x)
    case("max", x, axis=1, keepdims=True)
    case("max", i32, axis=0)
    case("max", v, initial=5.0)
    case("min", x, axis=(1, 2))
    case("min", i32, axis=1, initial=-5)
    case("argmax", x)
    case("argmax", x, axis=-1)
    case("argmax", m, axis=0, keepdims=True)
    case("argmax", arr([1.0, 3.0, 3.0, 2.0]))
    case("argmin", m, axis=1)
    case("argmin", i32)
    case("cumsum", m)
    case("cumsum", m, axis=1)
    case("cumsum", i32, axis=0)
    case("cumsum", b, axis=1)
    case("cumsum", m, axis=0, dtype="float64")
    case("sort", m)
    case("sort", m, axis=0)
    case("sort", i32, axis=None)
    case("top_k", m, 2)
    case("top_k", arr([1.0, 5.0, 3.0, 5.0, 0.0]), 3)
    case("top_k", i32, 1)
    # elementwise
    for name in ("sigmoid", "tanh", "relu", "exp", "sqrt", "square", "abs"):
        case(name, m)
    case("log", np.abs(m) + 0.1)
    case("exp", i32)
    case("sqrt", arr([1, 4, 9], "int32"))
    case("square", i32)
    case("abs", i32)
    case("sigmoid", i32)
    case("tanh", i64)
    case("relu", i32)
    case("log", arr([1, 2, 3], "int64"))
    case("softmax", m)
    case("softmax", x, axis=1)
    case("softmax", x, axis=(1, 2))
    case("log_softmax", m)
    case("log_softmax", m, axis=0)
    case("softmax", i32)
    for name in ("add", "subtract", "multiply", "divide", "maximum", "minimum"):
        case(name, m, v)
        case(name, i32, 2)
        case(name, i32, 2.5)
        case(name, m, i32[:, :1].repeat(2, 0)[:3])
        case(name, 3, 4)
    case("add", i32, i64[:3])
    case("add", b, b)
    case("add", arr([1, 2], "uint8"), arr([3, 4], "int8"))
    case("add", randn(2, dtype="float16"), 1.5)
    case("add", randn(2, dtype="float16"), randn(2))
    case("add", f64[:, 0], m[:3, 0])
    case("add", arr([1, 2], "int8"), 1000)
    case("multiply", b, 2)
    case("multiply", b, 2.0)
    case("divide", i64, i64)
    case("divide", arr([1, 2], "int16"), 3)
    case("divide", arr([1, 2], "float16"), 3)
    case("clip", m, -0.5, 0.5)
    case("clip", i32, 0, 3)
    case("clip", i32, 0.5, 3.5)
    case("clip", b, 0, 1)
    for name in ("equal", "not_equal", "greater", "greater_equal", "less", "less_equal"):
        case(name, m, v)
        case(name, i32, 1)
        case(name, i32, 0.5)
    case("logical_and", b, b[::-1])
    case("logical_or", b, i32)
    case("logical_not", i32)
    case("logical_and", m, 1)
    case("where", b, i32, 0)
    case("where", b, i32, 0.5)
    case("where", m > 0, m, v[:1])
    case("where", b)
    case("where", m > 0, 1, 0)
    case("where", arr([1, 0, 2], "int32"))
    # one_hot
    case("one_hot", arr([0, 2, 1], "int32"), 3)
    case("one_hot", arr([[0, 3], [2, -1]], "int32"), 4)
    case("one_hot", arr([1, 5, 0], "int32"), 4)
    case("one_hot", arr([[0, 1], [2, 0]], "int32"), 3, axis=0)
    case("one_hot", arr([[0, 1], [2, 0]], "int32"), 3, axis=1)
    case("one_hot", arr([0, 1], "int64"), 2, dtype="int32")
    case("one_hot", arr([0.0, 2.0]), 3)


def make_utils_cases() -> dict:
    """to_categorical, normalize and timeseries_dataset_from_array, recorded batch by batch."""
    out: dict = {"to_categorical": [], "normalize": [], "timeseries": []}
    store: dict[str, np.ndarray] = {}
    for i, (labels, num_classes) in enumerate([
        ([0, 2, 1, 2], None), ([1, 0, 3], 5), ([[1], [2], [0]], None), ([[0, 1], [2, 1]], None), (np.array([2.0, 0.0]), 3),
    ]):
        y = keras.utils.to_categorical(labels, num_classes)
        store[f"cat_{i}"] = np.asarray(y)
        out["to_categorical"].append({"labels": np.asarray(labels).tolist(), "num_classes": num_classes, "dtype": str(np.asarray(y).dtype)})
    # Keras turns axis=0 into -1 (``axis or -1``), so axis 0 is not recorded; rnnkit honours it
    for i, (axis, order) in enumerate([(-1, 2), (1, 2), (1, 1), (-1, 3)]):
        data = rng.normal(size=(4, 3) if i != 1 else (2, 4, 3))
        store[f"norm_in_{i}"] = data
        store[f"norm_{i}"] = np.asarray(keras.utils.normalize(data, axis=axis, order=order))
        out["normalize"].append({"axis": axis, "order": order})
    store["norm_zero"] = np.asarray(keras.utils.normalize(np.zeros((2, 3)), axis=-1))

    series = np.arange(100, dtype="float64").reshape(50, 2)
    targets = np.arange(1000, 1050)
    settings = [
        dict(sequence_length=5, batch_size=4),
        dict(sequence_length=5, sequence_stride=3, sampling_rate=2, batch_size=3),
        dict(sequence_length=4, start_index=10, end_index=30, batch_size=5),
        dict(sequence_length=6, sampling_rate=3, batch_size=7, start_index=2),
        dict(sequence_length=3, batch_size=None, end_index=9),
        dict(sequence_length=5, batch_size=8, with_targets=False),
        dict(sequence_length=4, batch_size=6, short_targets=True),
        dict(sequence_length=7, batch_size=4, shuffle=True, seed=3),
        dict(sequence_length=3, sequence_stride=2, batch_size=5, shuffle=True, seed=11, start_index=5, end_index=40),
        dict(sequence_length=8, batch_size=16, univariate=True),
        dict(sequence_length=5, sampling_rate=2, batch_size=9, row_targets=True, start_index=3),
    ]
    for i, s in enumerate(settings):
        s = dict(s)
        with_targets = s.pop("with_targets", True)
        short = s.pop("short_targets", False)
        univariate = s.pop("univariate", False)
        row_targets = s.pop("row_targets", False)
        t = (targets[:20] if short else series * 10 if row_targets else targets) if with_targets else None
        ds = keras.utils.timeseries_dataset_from_array(series[:, 0] if univariate else series, t, **s)
        entry = {"settings": s, "with_targets": with_targets, "short_targets": short, "univariate": univariate,
                 "row_targets": row_targets, "batches": 0}
        for k, batch in enumerate(ds):
            if with_targets:
                xb, yb = batch
                store[f"ts_{i}_{k}_x"] = xb.numpy()
                store[f"ts_{i}_{k}_y"] = yb.numpy()
            else:
                store[f"ts_{i}_{k}_x"] = batch.numpy()
            entry["batches"] += 1
        entry["x_dtype"] = str(store[f"ts_{i}_0_x"].dtype)
        if with_targets:
            entry["y_dtype"] = str(store[f"ts_{i}_0_y"].dtype)
        out["timeseries"].append(entry)
    np.savez_compressed(OUT / "utils.npz", **store)
    return out


def ragged(count: int, vocabulary: int, longest: int) -> np.ndarray:
    texts = np.empty(count, dtype=object)
    for i in range(count):
        texts[i] = [int(w) for w in rng.integers(1, vocabulary, size=int(rng.integers(1, longest)))]
    return texts


def make_dataset_cases() -> dict:
    """Small files in Keras's cache layout (our own random data), and what Keras's loaders return."""
    from keras.src.datasets import boston_housing, imdb, reuters

    folder = OUT / "keras_home" / "datasets"
    folder.mkdir(parents=True, exist_ok=True)
    np.savez(folder / "imdb.npz", x_train=ragged(30, 40, 16), y_train=rng.integers(0, 2, 30),
             x_test=ragged(20, 40, 16), y_test=rng.integers(0, 2, 20))
    np.savez(folder / "reuters.npz", x=ragged(40, 60, 12), y=rng.integers(0, 5, 40))
    np.savez(folder / "boston_housing.npz", x=rng.normal(size=(25, 3)), y=rng.normal(size=25))
    (folder / "imdb_word_index.json").write_text(json.dumps({f"w{i}": i for i in range(1, 40)}))
    for module in (imdb, reuters, boston_housing):  # Keras would re-download files whose hash differs
        module.get_file = lambda fname, origin=None, **kw: str(folder / fname)
    out: dict = {"imdb": [], "reuters": [], "boston_housing": []}
    for kwargs in [{}, {"num_words": 20}, {"num_words": 25, "skip_top": 5}, {"maxlen": 10}, {"oov_char": None, "num_words": 15},
                   {"start_char": None, "index_from": 0}, {"start_char": None, "index_from": 2, "seed": 4}, {"seed": 1, "maxlen": 12, "num_words": 30, "skip_top": 2}]:
        (xa, ya), (xb, yb) = imdb.load_data(**kwargs)
        out["imdb"].append({"kwargs": kwargs, "x_train": [list(map(int, x)) for x in xa], "y_train": ya.tolist(),
                            "x_test": [list(map(int, x)) for x in xb], "y_test": yb.tolist()})
    for kwargs in [{}, {"num_words": 30, "test_split": 0.3}, {"maxlen": 8, "skip_top": 3}, {"oov_char": None, "num_words": 20, "seed": 9}]:
        (xa, ya), (xb, yb) = reuters.load_data(**kwargs)
        out["reuters"].append({"kwargs": kwargs, "x_train": [list(map(int, x)) for x in xa], "y_train": ya.tolist(),
                               "x_test": [list(map(int, x)) for x in xb], "y_test": yb.tolist()})
    for kwargs in [{}, {"test_split": 0.4, "seed": 3}]:
        (xa, ya), (xb, yb) = boston_housing.load_data(**kwargs)
        out["boston_housing"].append({"kwargs": kwargs, "x_train": xa.tolist(), "y_train": ya.tolist(),
                                      "x_test": xb.tolist(), "y_test": yb.tolist()})
    return out


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    make_ops_cases()
    np.savez_compressed(OUT / "ops.npz", **arrays)
    meta = {"keras": keras.__version__, "backend": keras.backend.backend(), "cases": cases}
    (OUT / "ops.json").write_text(json.dumps(meta, indent=1))
    utils = make_utils_cases()
    utils["keras"] = keras.__version__
    (OUT / "utils.json").write_text(json.dumps(utils, indent=1))
    (OUT / "datasets.json").write_text(json.dumps(make_dataset_cases()))
    print(f"{len(cases)} op cases and utils fixtures written to {OUT}")


if __name__ == "__main__":
    main()
