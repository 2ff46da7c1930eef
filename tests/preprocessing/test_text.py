"""rnnkit.preprocessing.text against real Keras 3 (tests/fixtures/keras_text, made by
scripts/make_keras_fixtures_text.py): Tokenizer on English and Korean texts, text_to_word_sequence,
hashing_trick; plus the bad inputs of issue 14."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import numpy as np
import pytest

from rnnkit.preprocessing import text as text_module
from rnnkit.preprocessing.text import Tokenizer, hashing_trick, one_hot, text_to_word_sequence, tokenizer_from_json

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "keras_text"

def load(name: str) -> dict:
    """A fixture's cases, with ``"@corpus"``-style references replaced by the shared text lists."""
    content = json.loads((FIXTURES / name).read_text(encoding="utf-8"))

    def resolve(value):
        if isinstance(value, str) and value.startswith("@") and value[1:] in content["texts"]:
            return content["texts"][value[1:]]
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        return [resolve(v) for v in value] if isinstance(value, list) else value

    return resolve(content["cases"])


TOKENIZER = load("tokenizer.json")
FUNCTIONS = load("text_functions.json")
FITTED_ON_TEXTS = [name for name, case in TOKENIZER.items() if "fit" in case or "fit_batches" in case]


def dense(record: dict) -> np.ndarray:
    matrix = np.zeros(record["shape"], dtype=record["dtype"])
    for row, col, value in record["entries"]:
        matrix[row, col] = value
    return matrix


def fitted(case: dict) -> Tokenizer:
    tokenizer = Tokenizer(**case["kwargs"])
    for batch in case.get("fit_batches", [case.get("fit")]):
        tokenizer.fit_on_texts(batch)
    return tokenizer


def check_state(tokenizer: Tokenizer, case: dict) -> None:
    assert list(tokenizer.word_counts.items()) == [tuple(pair) for pair in case["word_counts"]]  # order too
    assert list(tokenizer.word_index.items()) == [tuple(pair) for pair in case["word_index"]]
    assert tokenizer.index_word == {index: word for word, index in case["word_index"]}  # Keras's definition
    assert dict(tokenizer.word_docs) == case["word_docs"]
    assert dict(tokenizer.index_docs) == {int(k): v for k, v in case["index_docs"].items()}
    assert tokenizer.document_count == case["document_count"]


@pytest.mark.parametrize("name", FITTED_ON_TEXTS)
def test_tokenizer_matches_keras(name: str) -> None:
    case = TOKENIZER[name]
    tokenizer = fitted(case)
    check_state(tokenizer, case)
    assert tokenizer.texts_to_sequences(case["probe"]) == case["sequences"]
    assert list(tokenizer.texts_to_sequences_generator(case["probe"])) == case["sequences"]
    assert tokenizer.sequences_to_texts(case["sequences"]) == case["texts_back"]
    for mode, expected in case["matrices"].items():
        got = tokenizer.texts_to_matrix(case["matrix_texts"], mode=mode)
        assert got.dtype == np.float64
        np.testing.assert_allclose(got, dense(expected), rtol=1e-13, atol=0, err_msg=mode)
    config = json.loads(tokenizer.to_json())["config"]
    assert {k: config[k] for k in case["config_settings"]} == case["config_settings"]


def test_fit_on_sequences_and_matrices_match_keras() -> None:
    case = TOKENIZER["fit_on_sequences"]
    tokenizer = Tokenizer(**case["kwargs"])
    tokenizer.fit_on_sequences(case["sequences_in"])
    assert tokenizer.document_count == case["document_count"]
    assert dict(tokenizer.index_docs) == {int(k): v for k, v in case["index_docs"].items()}
    for mode, expected in case["matrices"].items():
        np.testing.assert_allclose(tokenizer.sequences_to_matrix(case["sequences_in"], mode=mode), dense(expected), rtol=1e-13)


@pytest.mark.parametrize("name", [name for name, case in TOKENIZER.items() if "to_json" in case])
def test_keras_json_loads_and_round_trips(name: str) -> None:
    case = TOKENIZER[name]
    from_keras = tokenizer_from_json(case["to_json"])
    check_state(from_keras, case)
    assert from_keras.texts_to_sequences(case["probe"]) == case["sequences"]
    ours = fitted(case)
    again = tokenizer_from_json(ours.to_json())
    check_state(again, case)
    assert json.loads(ours.to_json())["config"]["word_counts"] == json.loads(case["to_json"])["config"]["word_counts"]
    assert again.texts_to_sequences(case["probe"]) == case["sequences"]
    again.fit_on_texts(["one more text"])  # the loaded counts keep working (Keras's loaded dicts would not)
    assert again.document_count == case["document_count"] + 1


@pytest.mark.parametrize("name", list(FUNCTIONS["text_to_word_sequence"]))
def test_text_to_word_sequence_matches_keras(name: str) -> None:
    case = FUNCTIONS["text_to_word_sequence"][name]
    assert [text_to_word_sequence(t, **case["kwargs"]) for t in case["texts"]] == case["words"]


@pytest.mark.parametrize("n", list(FUNCTIONS["hashing_trick_md5"]))
def test_hashing_trick_md5_matches_keras(n: str) -> None:
    expected = FUNCTIONS["hashing_trick_md5"][n]
    assert [hashing_trick(t, int(n), hash_function="md5") for t in FUNCTIONS["texts"]] == expected


def test_one_hot_is_the_hashing_trick_with_python_hash() -> None:
    text = "The cat sat on the mat, 고양이가 앉았다"
    indices = one_hot(text, 50)
    assert indices == hashing_trick(text, 50, hash_function=hash)
    assert len(indices) == 8 and all(1 <= i < 50 for i in indices)
    assert indices[0] == indices[4]  # "the" twice


def test_korean_splits_on_spaces_after_filtering() -> None:
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(["영화 정말 재미있어요!", "정말, 정말 최고"])
    assert tokenizer.word_index == {"정말": 1, "영화": 2, "재미있어요": 3, "최고": 4}


def test_docstring_examples_run() -> None:
    assert doctest.testmod(text_module, raise_on_error=True).attempted >= 1


@pytest.mark.parametrize("num_words", [0, -3, 2.5, "10", True])
def test_num_words_below_one_or_not_an_integer_is_refused(num_words) -> None:
    with pytest.raises(ValueError, match="num_words"):
        Tokenizer(num_words=num_words)


@pytest.mark.parametrize("texts, where", [([1, 2], r"texts\[0\] is int"), (["ok", None], r"texts\[1\] is NoneType"),
                                           ([b"bytes"], "bytes"), ([["tok", 3]], "list of tokens")])
def test_texts_that_are_not_strings_are_refused(texts, where) -> None:
    tokenizer = Tokenizer()
    with pytest.raises(ValueError, match=where):
        tokenizer.fit_on_texts(texts)
    tokenizer.fit_on_texts(["fine"])
    with pytest.raises(ValueError, match="texts"):
        tokenizer.texts_to_sequences(texts)


def test_other_bad_arguments() -> None:
    with pytest.raises(ValueError, match="input_text must be a string"):
        text_to_word_sequence(42)
    with pytest.raises(ValueError, match="`n`"):
        hashing_trick("a b", 1)
    with pytest.raises(ValueError, match="mode"):
        fitted({"kwargs": {}, "fit": ["a b"]}).texts_to_matrix(["a"], mode="tf-idf")
    with pytest.raises(ValueError, match="num_words"):
        Tokenizer().texts_to_matrix(["a"])
    with pytest.raises(TypeError, match="unexpected keyword"):
        Tokenizer(num_word=3)
    with pytest.raises(ValueError, match="to_json"):
        tokenizer_from_json('{"class_name": "Tokenizer"}')
