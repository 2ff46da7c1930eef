"""pad_sequences against real Keras 3 (tests/fixtures/keras_text/pad_sequences.json): every
maxlen/padding/truncating combination, values, dtypes (strings too), items that are vectors; the
bad inputs Keras refuses are refused here with a ValueError naming the argument. Also skipgrams
(tests/fixtures/keras_text/skipgrams.json: Keras's pairs under the same Python random seed) and
make_sampling_table."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import rnnkit
from rnnkit.data.padding import pad_sequences as data_pad_sequences
from rnnkit.preprocessing.sequence import make_sampling_table, pad_sequences, skipgrams

FIXTURE = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "keras_text" / "pad_sequences.json").read_text(encoding="utf-8"))
CALLS = FIXTURE["cases"]["calls"]


def _kwargs(recorded: dict) -> dict:
    kwargs = dict(recorded)
    if kwargs.get("dtype") == "<class 'object'>":
        kwargs["dtype"] = object
    if kwargs.get("value") == "nan":
        kwargs["value"] = np.nan
    return kwargs


@pytest.mark.parametrize("call", CALLS, ids=[f"{i}-{c['name']}" for i, c in enumerate(CALLS)])
def test_pad_sequences_matches_keras(call: dict) -> None:
    sequences = [np.array(s) for s in call["sequences"]] if call["name"] == "arrays" else call["sequences"]
    out = pad_sequences(sequences, **_kwargs(call["kwargs"]))
    expected = call["output"]
    assert str(out.dtype) == expected["dtype"]
    assert list(out.shape) == expected["shape"]
    values = out.tolist()
    if call["kwargs"].get("value") == "nan":
        values = [[("nan" if np.isnan(v) else v) for v in row] for row in values]
    assert values == expected["values"]


def test_one_implementation_at_every_path() -> None:
    assert rnnkit.utils.pad_sequences is pad_sequences
    assert rnnkit.preprocessing.sequence.pad_sequences is pad_sequences
    assert data_pad_sequences is pad_sequences


@pytest.mark.parametrize("label, args, kwargs, match", [
    ("not_iterable", 5, {}, "`sequences` must be a list of sequences"),
    ("ints_not_sequences", [1, 2, 3], {}, r"sequences\[0\] is int"),
    ("string_value_int_dtype", [[1], [2]], {"value": "x"}, "`dtype`"),
    ("bad_padding", [[1, 2]], {"padding": "middle"}, "`padding` must be 'pre' or 'post'"),
    ("bad_truncating", [[1, 2, 3]], {"truncating": "middle", "maxlen": 2}, "`truncating`"),
    ("mismatched_items", [[[1, 2]], [[1, 2, 3]]], {}, "sequence 1 have shape"),
])
def test_bad_input_raises_as_keras_does(label, args, kwargs, match) -> None:
    keras = {e["label"]: e["keras_error"] for e in FIXTURE["cases"]["errors"]}
    assert keras[label] == "ValueError"  # real Keras refuses it too
    with pytest.raises(ValueError, match=match):
        pad_sequences(args, **kwargs)


@pytest.mark.parametrize("args, match", [
    ([[1, [2, 3]]], r"sequences\[0\] is ragged"),
    (["abc", "de"], r"sequences\[0\] is str"),
    ([[1, 2], None], r"sequences\[1\] is NoneType"),
])
def test_ragged_or_non_sequences_are_refused(args, match) -> None:
    with pytest.raises(ValueError, match=match):
        pad_sequences(args)


@pytest.mark.parametrize("maxlen", [0, -1, 2.5, "3"])
def test_bad_maxlen_is_refused(maxlen) -> None:
    with pytest.raises(ValueError, match="`maxlen`"):
        pad_sequences([[1, 2]], maxlen=maxlen)


SKIPGRAMS = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "keras_text" / "skipgrams.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("name", list(SKIPGRAMS["calls"]))
def test_skipgrams_match_keras_under_the_same_python_seed(name: str) -> None:
    import random

    case = SKIPGRAMS["calls"][name]
    kwargs = dict(case["kwargs"])
    if kwargs.get("sampling_table") == "table":
        kwargs["sampling_table"] = make_sampling_table(12, sampling_factor=0.05)
    state = random.getstate()
    try:
        random.seed(SKIPGRAMS["python_seed"])
        couples, labels = skipgrams(SKIPGRAMS["sequence"], SKIPGRAMS["vocabulary_size"], **kwargs)
    finally:
        random.setstate(state)
    assert couples == case["couples"]
    assert labels == case["labels"]


@pytest.mark.parametrize("key", list(SKIPGRAMS["sampling_tables"]))
def test_make_sampling_table_matches_keras(key: str) -> None:
    size, factor = key.split("_")
    np.testing.assert_allclose(make_sampling_table(int(size), float(factor)), SKIPGRAMS["sampling_tables"][key], rtol=1e-15)


def test_skipgrams_bad_vocabulary_size() -> None:
    with pytest.raises(ValueError, match="`vocabulary_size`"):
        skipgrams([1, 2, 3], 1)
