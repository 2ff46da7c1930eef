"""Tokenizers: text <-> integer ids, for characters, words, or trained subwords.

Every tokenizer normalises text to Unicode NFC first, so a Hangul syllable typed as one code
point or as its composing jamo becomes the same ids. Each one saves its whole state as plain JSON
(``to_json``/``tokenizer_from_json``), which is what checkpoints carry: no pickle anywhere.

- :class:`CharTokenizer`: one id per character seen in the training text.
- :class:`WordTokenizer`: words and punctuation marks, with ``<pad>`` (0), ``<unk>`` (1) and
  ``<eos>`` (2, written for each line break); ``min_frequency`` and ``max_size`` bound the vocabulary.
- :class:`SubwordTokenizer`: a BPE or unigram model trained by Hugging Face ``tokenizers``.
"""

from __future__ import annotations

import collections
import json
import re
import unicodedata
from typing import Any

from ..extras import require

PAD, UNK, EOS = "<pad>", "<unk>", "<eos>"


def normalize(text: str) -> str:
    """Unicode NFC, and ``\\r\\n``/``\\r`` line ends as ``\\n``."""
    return unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")


class CharTokenizer:
    """One id per distinct character, in sorted order."""

    kind = "char"

    def __init__(self, chars: list[str]):
        if not chars:
            raise ValueError("CharTokenizer: the vocabulary is empty (no training text?)")
        self.chars = list(chars)
        self.index = {c: i for i, c in enumerate(self.chars)}

    @classmethod
    def train(cls, text: str) -> "CharTokenizer":
        return cls(sorted(set(normalize(text))))

    @property
    def vocab_size(self) -> int:
        return len(self.chars)

    def unknown(self, text: str) -> list[str]:
        """The characters of ``text`` outside the vocabulary, each once, in order of appearance."""
        return list(dict.fromkeys(c for c in normalize(text) if c not in self.index))

    def encode(self, text: str) -> list[int]:
        missing = self.unknown(text)
        if missing:
            shown = "".join(missing[:20])
            raise ValueError(f"characters not in the model's vocabulary: {shown!r} (a character model knows only the characters it was trained on)")
        return [self.index[c] for c in normalize(text)]

    def decode(self, ids: list[int]) -> str:
        return "".join(self.chars[i] for i in ids)

    def start_id(self) -> int:
        """The id a text is conditioned on when there is no prime: a line break, else the first id."""
        return self.index.get("\n", 0)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "chars": self.chars}


WORD_PATTERN = re.compile(r"\n|\w+(?:['’]\w+)*|[^\w\s]")


class WordTokenizer:
    """Words and single punctuation marks; each line break is ``<eos>``; rare words are ``<unk>``."""

    kind = "word"

    def __init__(self, words: list[str]):
        if words[:3] != [PAD, UNK, EOS]:
            raise ValueError(f"WordTokenizer: the vocabulary must start with {PAD}, {UNK}, {EOS}")
        self.words = list(words)
        self.index = {w: i for i, w in enumerate(self.words)}

    @staticmethod
    def split(text: str) -> list[str]:
        return [EOS if piece == "\n" else piece for piece in WORD_PATTERN.findall(normalize(text))]

    @classmethod
    def train(cls, text: str, min_frequency: int = 1, max_size: int | None = None) -> "WordTokenizer":
        """The words seen at least ``min_frequency`` times, most frequent first, at most ``max_size`` ids in all."""
        if min_frequency < 1:
            raise ValueError(f"min_frequency must be >= 1; got {min_frequency}")
        if max_size is not None and max_size < 4:
            raise ValueError(f"max_size must be at least 4 (three special tokens and one word); got {max_size}")
        counts = collections.Counter(w for w in cls.split(text) if w != EOS)
        ranked = sorted((w for w, n in counts.items() if n >= min_frequency), key=lambda w: (-counts[w], w))
        if max_size is not None:
            ranked = ranked[: max_size - 3]
        return cls([PAD, UNK, EOS, *ranked])

    @property
    def vocab_size(self) -> int:
        return len(self.words)

    def unknown(self, text: str) -> list[str]:
        return list(dict.fromkeys(w for w in self.split(text) if w not in self.index))

    def encode(self, text: str) -> list[int]:
        unk = self.index[UNK]
        return [self.index.get(w, unk) for w in self.split(text)]

    def decode(self, ids: list[int]) -> str:
        out: list[str] = []
        space = False  # whether the next word gets a space before it
        for i in ids:
            word = self.words[i]
            if word == EOS:
                out.append("\n")
                space = False
            elif word != PAD:
                closing = len(word) == 1 and not word.isalnum() and word not in "([{\"'"
                out.append(" " + word if space and not closing else word)
                space = word not in "([{"
        return "".join(out)

    def start_id(self) -> int:
        return self.index[EOS]

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "words": self.words}


class SubwordTokenizer:
    """A Hugging Face ``tokenizers`` BPE or unigram model with NFC normalisation and ``▁`` for spaces."""

    kind = "subword"

    def __init__(self, hf_tokenizer: Any, algorithm: str):
        self.hf = hf_tokenizer
        self.algorithm = algorithm

    @classmethod
    def train(cls, text: str, algorithm: str = "bpe", vocab_size: int = 2000) -> "SubwordTokenizer":
        hf = require("tokenizers", "training a subword tokenizer")
        specials = [PAD, UNK, EOS]
        if algorithm == "bpe":
            tokenizer = hf.Tokenizer(hf.models.BPE(unk_token=UNK))
            trainer = hf.trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=specials, show_progress=False)
        elif algorithm == "unigram":
            tokenizer = hf.Tokenizer(hf.models.Unigram())
            trainer = hf.trainers.UnigramTrainer(vocab_size=vocab_size, special_tokens=specials, unk_token=UNK, show_progress=False)
        else:
            raise ValueError(f"subword algorithm must be 'bpe' or 'unigram'; got {algorithm!r}")
        tokenizer.normalizer = hf.normalizers.NFC()
        tokenizer.pre_tokenizer = hf.pre_tokenizers.Metaspace()
        tokenizer.decoder = hf.decoders.Metaspace()
        lines = normalize(text).split("\n")
        tokenizer.train_from_iterator(lines, trainer=trainer)
        return cls(tokenizer, algorithm)

    @property
    def vocab_size(self) -> int:
        return self.hf.get_vocab_size()

    def unknown(self, text: str) -> list[str]:
        unk = self.hf.token_to_id(UNK)
        text = normalize(text)
        encoding = self.hf.encode(text, add_special_tokens=False)
        return list(dict.fromkeys(text[a:b] for i, (a, b) in zip(encoding.ids, encoding.offsets) if i == unk))

    def encode(self, text: str) -> list[int]:
        """Line by line, with ``<eos>`` for each line break (the pre-tokenizer would drop them)."""
        eos = self.hf.token_to_id(EOS)
        ids: list[int] = []
        for number, line in enumerate(normalize(text).split("\n")):
            if number:
                ids.append(eos)
            if line:
                ids.extend(self.hf.encode(line, add_special_tokens=False).ids)
        return ids

    def decode(self, ids: list[int]) -> str:
        eos = self.hf.token_to_id(EOS)
        lines, current = [], []
        for i in ids:
            if i == eos:
                lines.append(current)
                current = []
            else:
                current.append(i)
        lines.append(current)
        return "\n".join(self.hf.decode(line) for line in lines)

    def start_id(self) -> int:
        return self.hf.token_to_id(EOS)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "algorithm": self.algorithm, "tokenizer": self.hf.to_str()}


Tokenizer = CharTokenizer | WordTokenizer | SubwordTokenizer


def train_tokenizer(kind: str, text: str, min_frequency: int = 1, max_size: int | None = None) -> Tokenizer:
    """A tokenizer of ``kind`` ('char', 'word', 'bpe' or 'unigram') fitted to ``text``.

    ``max_size`` caps the vocabulary of word models and sets that of subword models (default 2000).
    """
    if kind == "char":
        return CharTokenizer.train(text)
    if kind == "word":
        return WordTokenizer.train(text, min_frequency=min_frequency, max_size=max_size)
    if kind in ("bpe", "unigram"):
        return SubwordTokenizer.train(text, algorithm=kind, vocab_size=max_size or 2000)
    raise ValueError(f"tokens must be 'char', 'word', 'bpe' or 'unigram'; got {kind!r}")


def tokenizer_from_json(state: dict[str, Any]) -> Tokenizer:
    """Rebuild a tokenizer from what its ``to_json`` returned."""
    kind = state.get("kind")
    if kind == "char":
        return CharTokenizer(state["chars"])
    if kind == "word":
        return WordTokenizer(state["words"])
    if kind == "subword":
        hf = require("tokenizers", "a subword tokenizer")
        return SubwordTokenizer(hf.Tokenizer.from_str(state["tokenizer"]), state["algorithm"])
    raise ValueError(f"unknown tokenizer kind {kind!r} in saved state")


def save_tokenizer(tokenizer: Tokenizer, path: str) -> None:
    with open(path, "w", encoding="utf-8") as file:
        json.dump(tokenizer.to_json(), file, ensure_ascii=False)


def load_tokenizer(path: str) -> Tokenizer:
    with open(path, encoding="utf-8") as file:
        return tokenizer_from_json(json.load(file))
