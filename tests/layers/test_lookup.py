"""StringLookup and IntegerLookup against real Keras 3 (tests/fixtures/keras_text/lookup.json):
adapted vocabularies (ties, max_tokens, mask and OOV tokens), every output mode on 1-D and 2-D
inputs, tf-idf weights, floormod and FarmHash OOV buckets, inversion, given vocabularies; and bad inputs."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit.layers import IntegerLookup, StringLookup
from rnnkit.layers import lookup as module

CASES = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "keras_text" / "lookup.json")
                   .read_text(encoding="utf-8"))["cases"]


def layer_for(case: dict):
    layer = (StringLookup if case["kind"] == "string" else IntegerLookup)(**case["kwargs"])
    if "adapt" in case:
        layer.adapt(np.array(case["adapt"]))
    return layer


def check_output(out, record: dict, case: dict) -> None:
    expected = np.array(record["values"], dtype=object if record["dtype"] == "object" else record["dtype"])
    assert list(np.shape(out)) == record["shape"]
    if case["kwargs"].get("invert") and case["kind"] == "string":
        assert isinstance(out, np.ndarray) and out.dtype.kind == "U"
        assert out.tolist() == expected.tolist()
        return
    int_mode = case["kwargs"].get("output_mode", "int") == "int"
    assert isinstance(out, torch.Tensor) and out.dtype == (torch.int64 if int_mode else torch.float32)
    np.testing.assert_allclose(out.numpy(), expected.astype(np.float64), rtol=1e-6)


@pytest.mark.parametrize("name", list(CASES))
def test_lookup_matches_keras(name: str) -> None:
    case = CASES[name]
    layer = layer_for(case)
    assert layer.get_vocabulary() == case["vocabulary"]
    if "vocabulary_plain" in case:
        assert layer.get_vocabulary(include_special_tokens=False) == case["vocabulary_plain"]
    assert layer.vocabulary_size() == case["vocabulary_size"]
    check_output(layer(np.array(case["probe"])), case["output"], case)
    if "probe_flat" in case:
        check_output(layer(np.array(case["probe_flat"])), case["output_flat"], case)


def test_integer_lookup_takes_tensors_and_lists() -> None:
    case = CASES["integer_oov_3_mask"]
    layer = layer_for(case)
    expected = case["output"]["values"]
    assert layer(torch.tensor(case["probe"])).tolist() == expected
    assert layer(case["probe"]).tolist() == expected


def test_lookup_in_a_model() -> None:
    lookup = IntegerLookup(vocabulary=[12, 7, 3], output_mode="multi_hot")
    model = keras.Sequential([keras.Input(shape=(4,), dtype="int64"), lookup, keras.layers.Dense(1)])
    assert model.predict(np.array([[12, 3, 3, 99]]), verbose=0).shape == (1, 1)
    assert lookup.compute_output_shape((None, 4)) == (None, 4)


def test_adapt_from_batches_counts_across_them() -> None:
    layer = StringLookup()
    layer.adapt(iter([np.array(["b", "a"]), ["a", "c", "a"]]))
    assert layer.get_vocabulary() == ["[UNK]", "a", "c", "b"]  # a:3; b and c tie: larger token first


def test_docstring_examples_run() -> None:
    assert doctest.testmod(module, raise_on_error=True, extraglobs={"torch": torch}).attempted >= 2


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="num_oov_indices=0 every input must be in the vocabulary; found 'z'"):
        StringLookup(vocabulary=["a"], num_oov_indices=0)(["a", "z"])
    with pytest.raises(ValueError, match="must hold only strings .*found (int|Tensor)"):
        StringLookup(vocabulary=["a"])(["a", 5])
    with pytest.raises(ValueError, match="must be integers; got an array of float"):
        IntegerLookup(vocabulary=[1])(np.array([1.5]))
    with pytest.raises(ValueError, match="repeats"):
        StringLookup(vocabulary=["a", "b", "a"])
    with pytest.raises(ValueError, match="mask token"):
        StringLookup(vocabulary=["a", ""], mask_token="")
    with pytest.raises(ValueError, match="larger than max_tokens"):
        StringLookup(vocabulary=["a", "b", "c"], max_tokens=3)
    with pytest.raises(ValueError, match="invert=True needs output_mode='int'"):
        StringLookup(invert=True, output_mode="count")
    with pytest.raises(ValueError, match="`num_oov_indices`"):
        IntegerLookup(num_oov_indices=-1)
    with pytest.raises(ValueError, match="`salt`"):
        StringLookup(num_oov_indices=2, salt=7)
    with pytest.raises(ValueError, match="`oov_method`"):
        IntegerLookup(oov_method="sha1")
    with pytest.raises(ValueError, match="does not exist"):
        StringLookup(vocabulary="/nonexistent/vocabulary.txt")


def test_vocabulary_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.txt"
    path.write_text("영화\n좋다\n", encoding="utf-8")
    layer = StringLookup(vocabulary=str(path))
    assert layer.get_vocabulary() == ["[UNK]", "영화", "좋다"]
    assert layer(["좋다", "싫다"]).tolist() == [2, 0]


def test_mask_token_maps_to_zero_before_any_vocabulary() -> None:
    layer = StringLookup(mask_token="")
    assert layer(["", "x"]).tolist() == [0, 1]
    assert IntegerLookup(mask_token=0)(torch.tensor([0, 5])).tolist() == [0, 1]
