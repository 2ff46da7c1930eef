"""Tokenizers, vocabularies and corpora for language models."""

import json
import unicodedata

import pytest

from rnnkit.data import (
    CharTokenizer,
    SubwordTokenizer,
    WordTokenizer,
    default_corpus,
    read_text,
    tokenizer_from_json,
    train_tokenizer,
)

KOREAN = "안녕하세요, 세계!\n한국어 문장도 잘 됩니다.\n"


def roundtrip(tokenizer):
    return tokenizer_from_json(json.loads(json.dumps(tokenizer.to_json(), ensure_ascii=False)))


def test_char_tokenizer_round_trip_and_saved_state():
    tokenizer = CharTokenizer.train("hello world\n")
    assert tokenizer.chars == sorted(set("hello world\n"))
    ids = tokenizer.encode("world hello")
    assert tokenizer.decode(ids) == "world hello"
    assert roundtrip(tokenizer).encode("world hello") == ids
    assert tokenizer.start_id() == tokenizer.chars.index("\n")


def test_char_tokenizer_names_unknown_characters():
    tokenizer = CharTokenizer.train("abc")
    assert tokenizer.unknown("abxyx") == ["x", "y"]
    with pytest.raises(ValueError, match="'xy'"):
        tokenizer.encode("abxy")


def test_korean_composed_and_decomposed_text_give_the_same_ids():
    decomposed = unicodedata.normalize("NFD", KOREAN)
    assert decomposed != KOREAN  # the jamo really are separate code points
    tokenizer = CharTokenizer.train(decomposed)
    assert tokenizer.encode(decomposed) == tokenizer.encode(KOREAN)
    assert tokenizer.decode(tokenizer.encode(decomposed)) == KOREAN
    assert "안" in tokenizer.chars and len(tokenizer.chars) == len(set(KOREAN))


def test_word_tokenizer_specials_min_frequency_and_cap():
    text = "the cat sat. the cat ran.\nthe dog sat.\n"
    tokenizer = WordTokenizer.train(text, min_frequency=2)
    assert tokenizer.words[:3] == ["<pad>", "<unk>", "<eos>"]
    assert tokenizer.words[3:] == [".", "the", "cat", "sat"]  # by count, then alphabetically
    ids = tokenizer.encode("the dog sat.\n")
    assert ids == [4, 1, 6, 3, 2]  # dog is rare: <unk>; the line break is <eos>
    assert tokenizer.decode(ids) == "the <unk> sat.\n"
    capped = WordTokenizer.train(text, max_size=5)
    assert capped.vocab_size == 5 and capped.words[3:] == [".", "the"]
    assert roundtrip(tokenizer).words == tokenizer.words
    assert WordTokenizer.train(KOREAN).decode(WordTokenizer.train(KOREAN).encode(KOREAN)) == KOREAN


@pytest.mark.parametrize("kind", ["bpe", "unigram"])
def test_subword_tokenizers_round_trip_english_and_korean(kind):
    text = ("the quick brown fox jumps over the lazy dog\n" + KOREAN) * 20
    tokenizer = train_tokenizer(kind, text, max_size=120)
    assert isinstance(tokenizer, SubwordTokenizer) and tokenizer.vocab_size <= 120
    for sample in ("the lazy fox\njumps", unicodedata.normalize("NFD", "한국어 문장"), "한국어 문장"):
        assert tokenizer.decode(tokenizer.encode(sample)) == unicodedata.normalize("NFC", sample)
    again = roundtrip(tokenizer)
    assert again.encode("the brown dog\n안녕") == tokenizer.encode("the brown dog\n안녕")


def test_unknown_tokenizer_kind_is_refused():
    with pytest.raises(ValueError, match="tokens must be"):
        train_tokenizer("bytes", "abc")


def test_text_files_and_folders(tmp_path):
    (tmp_path / "b.txt").write_text("second\r\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text(unicodedata.normalize("NFD", "한글") + "\n", encoding="utf-8")
    (tmp_path / "skip.bin").write_bytes(b"\x00\x01")
    assert read_text(tmp_path) == "한글\n\nsecond\n"
    with pytest.raises(ValueError, match="no such file"):
        read_text(tmp_path / "missing.txt")


def test_default_corpus_is_shakespeare_bundled_with_the_package():
    text, description = default_corpus()
    assert "Shakespeare" in description and len(text) == 4_999_770
    assert "HAMLET:\nTo be, or not to be" in text
    assert "**" not in text
