"""TextVectorization against real Keras 3 (tests/fixtures/keras_text/text_vectorization.json):
vocabularies and outputs for every output mode, n-grams, standardize/split options, max_tokens,
sequence length, tf-idf weights, given vocabularies, on English and Korean texts; its use inside
Sequential and functional models on string inputs; and its bad inputs."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit.layers import TextVectorization
from rnnkit.layers import text_vectorization as module



def load(path: Path) -> dict:
    """The fixture's cases, with ``"@corpus"``-style references replaced by the shared text lists."""
    content = json.loads(path.read_text(encoding="utf-8"))

    def resolve(value):
        if isinstance(value, str) and value.startswith("@") and value[1:] in content["texts"]:
            return content["texts"][value[1:]]
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        return [resolve(v) for v in value] if isinstance(value, list) else value

    return resolve(content["cases"])


CASES = load(Path(__file__).resolve().parents[1] / "fixtures" / "keras_text" / "text_vectorization.json")


def expected_output(record: dict) -> np.ndarray:
    if "entries" in record:  # a sparse float matrix
        out = np.zeros(record["shape"], dtype=record["dtype"])
        for row, col, value in record["entries"]:
            out[row, col] = value
        return out
    return np.array(record["values"], dtype=record["dtype"]).reshape(record["shape"])


def layer_for(case: dict) -> TextVectorization:
    kwargs = dict(case["kwargs"])
    if isinstance(kwargs.get("ngrams"), list):
        kwargs["ngrams"] = tuple(kwargs["ngrams"])
    layer = TextVectorization(**kwargs)
    if "adapt_batches" in case:
        layer.adapt(batch for batch in case["adapt_batches"])
    elif "adapt" in case:
        layer.adapt(np.array(case["adapt"])[:, None] if case.get("adapt_column") else case["adapt"])
    return layer


@pytest.mark.parametrize("name", list(CASES))
def test_text_vectorization_matches_keras(name: str) -> None:
    case = CASES[name]
    layer = layer_for(case)
    assert layer.get_vocabulary() == case["vocabulary"]
    if "vocabulary_plain" in case:
        assert layer.get_vocabulary(include_special_tokens=False) == case["vocabulary_plain"]
    assert layer.vocabulary_size() == case["vocabulary_size"]
    probe = np.array(case["probe"])[:, None] if case.get("probe_column") else case["probe"]
    out = layer(probe)
    expected = expected_output(case["output"])
    int_mode = case["kwargs"].get("output_mode", "int") == "int"
    # Keras declares float32 for the bag modes (compute_output_spec) though TF's eager call returns
    # int64 counts; rnnkit gives the declared float32, with the same values.
    assert isinstance(out, torch.Tensor) and out.dtype == (torch.int64 if int_mode else torch.float32)
    assert tuple(out.shape) == expected.shape
    if "idf_weights" in case:
        np.testing.assert_allclose(layer._lookup_layer.idf_weights, case["idf_weights"], rtol=1e-6)
        np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)
    else:
        np.testing.assert_array_equal(out.numpy(), expected)


def test_numpy_string_bytes_and_object_inputs_agree() -> None:
    case = CASES["sequence_length_6"]
    layer = layer_for(case)
    expected = expected_output(case["output"])
    texts = case["probe"]
    for given in (np.array(texts), np.array(texts, dtype=object), np.array([t.encode() for t in texts], dtype=object),
                  np.array([t.encode() for t in texts]), np.array(texts)[:, None], tuple(texts)):
        np.testing.assert_array_equal(layer(given).numpy(), expected)
    assert layer(texts[0]).tolist() == expected[0].tolist()  # one string: one row, no batch axis


def test_callable_standardize_and_split() -> None:
    layer = TextVectorization(standardize=lambda x: np.char.upper(x), split=lambda x: [t.split("|") for t in x])
    layer.adapt(["a|b|b", "c|b"])
    assert layer.get_vocabulary() == ["", "[UNK]", "B", "C", "A"]
    assert layer(np.array(["b|a|z"])).tolist() == [[2, 4, 1]]


def test_set_vocabulary_and_config() -> None:
    layer = TextVectorization(output_sequence_length=3)
    layer.set_vocabulary(["영화", "좋다"])
    assert layer.get_vocabulary() == ["", "[UNK]", "영화", "좋다"]
    assert layer(["좋다 영화 별로"]).tolist() == [[3, 2, 1]]
    config = layer.get_config()
    assert config["output_sequence_length"] == 3 and config["vocabulary_size"] == 4 and config["output_mode"] == "int"


def test_in_a_sequential_model_on_strings() -> None:
    vectorize = TextVectorization(max_tokens=20, output_sequence_length=5)
    vectorize.adapt(["정말 재미있어요", "너무 지루해요", "정말 최고"])
    model = keras.Sequential([keras.Input(shape=(1,), dtype="string"), vectorize, keras.layers.Embedding(20, 4),
                              keras.layers.LSTM(3), keras.layers.Dense(1, activation="sigmoid")])
    texts = np.array([["정말 재미있어요"], ["별로 지루해요"]])
    probabilities = model.predict(texts, verbose=0)
    assert probabilities.shape == (2, 1)
    with torch.no_grad():
        direct = model.layers[-1](model.layers[-2](model.layers[-3](vectorize(texts))))
    np.testing.assert_allclose(probabilities, direct.numpy(), rtol=1e-6)
    np.testing.assert_allclose(model.predict(texts[:, 0], verbose=0), probabilities, rtol=1e-6)  # (N,) also accepted


def test_in_a_functional_model_on_strings() -> None:
    vectorize = TextVectorization(output_mode="multi_hot", max_tokens=10)
    vectorize.adapt(["good movie", "bad movie", "good good"])
    inputs = keras.Input(shape=(1,), dtype="string")
    outputs = keras.layers.Dense(2)(vectorize(inputs))
    model = keras.Model(inputs, outputs)
    assert vectorize.compute_output_shape((None, 1)) == (None, 4)  # [UNK], good, movie, bad
    out = model.predict(np.array(["good film", "bad"]), verbose=0)  # a flat batch fits shape (1,), as in Keras
    expected = vectorize(["good film", "bad"]) @ model.layers[-1].kernel.detach() + model.layers[-1].bias.detach()
    np.testing.assert_allclose(out, expected.numpy(), rtol=1e-6)


def test_docstring_examples_run() -> None:
    assert doctest.testmod(module, raise_on_error=True).attempted >= 1


@pytest.mark.parametrize("kwargs, match", [
    ({"standardize": "lowercase"}, "`standardize`"),
    ({"split": "space"}, "`split`"),
    ({"output_mode": "one_hot"}, "`output_mode`"),
    ({"output_mode": "count", "output_sequence_length": 4}, "`output_sequence_length` is only"),
    ({"output_sequence_length": 0}, "`output_sequence_length` must be"),
    ({"ngrams": "2"}, "`ngrams`"),
    ({"max_tokens": 1}, "`max_tokens`"),
    ({"output_mode": "tf_idf", "vocabulary": ["a"]}, "idf_weights"),
    ({"pad_to_max_tokens": True}, "max_tokens"),
])
def test_bad_arguments(kwargs, match) -> None:
    with pytest.raises(ValueError, match=match):
        TextVectorization(**kwargs)


def test_bad_inputs() -> None:
    layer = TextVectorization()
    with pytest.raises(ValueError, match="must hold only strings .*found int"):
        layer.adapt(["ok", 3])
    layer.adapt(["ok"])
    with pytest.raises(ValueError, match="torch has no string tensors"):
        layer(torch.tensor([1, 2]))
    with pytest.raises(ValueError, match=r"shape \(batch,\) or \(batch, 1\)"):
        layer(np.array([["a", "b"]]))
    with pytest.raises(ValueError, match="cannot adapt a layer given a fixed `vocabulary`"):
        TextVectorization(vocabulary=["a"]).adapt(["a b"])
    with pytest.raises(RuntimeError, match="set the vocabulary"):
        TextVectorization(output_mode="count")(["a"])


def test_unsplit_strings_keep_their_shape_as_in_keras() -> None:
    # Real Keras 3: adapt(['a', 'b', 'a']) then call on ['a', 'b', 'c'] gives [2, 3, 1] in 'int' mode
    # and the single bag [1, 1, 1] in 'multi_hot' mode; on [['a'], ['b']] 'count' gives two bags.
    layer = TextVectorization(split=None)
    layer.adapt(np.array(["a", "b", "a"]))
    assert layer(np.array(["a", "b", "c"])).tolist() == [2, 3, 1]
    bags = TextVectorization(split=None, output_mode="multi_hot")
    bags.adapt(np.array(["a", "b", "a"]))
    assert bags(np.array(["a", "b", "c"])).tolist() == [1, 1, 1]
    counts = TextVectorization(split=None, output_mode="count")
    counts.adapt(np.array(["a", "b", "a"]))
    assert counts(np.array([["a"], ["b"]])).tolist() == [[0, 1, 0], [0, 0, 1]]
    assert TextVectorization(vocabulary=["a", "b"])("a b c").tolist() == [2, 3, 1]  # one string: one row


def test_fit_and_evaluate_take_raw_strings_through_a_vectorization_layer():
    import rnnkit as keras

    keras.utils.set_random_seed(0)
    texts = np.array(["good movie", "bad film", "great acting", "awful plot"] * 8)
    labels = np.array([1, 0, 1, 0] * 8)
    vectorize = keras.layers.TextVectorization(max_tokens=20, output_sequence_length=4)
    vectorize.adapt(texts)
    model = keras.Sequential([keras.Input(shape=(1,), dtype="string"), vectorize, keras.layers.Embedding(20, 8),
                              keras.layers.GRU(8), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(texts, labels, epochs=8, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.evaluate(texts, labels, verbose=0)[1] == 1.0
    assert model.predict(np.array(["great movie", "awful film"]), verbose=0).ravel().round().tolist() == [1.0, 0.0]
