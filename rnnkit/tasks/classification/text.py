"""Texts as id sequences for classification: id 0 pads (and is masked), id 1 is an unknown token.

It reuses :mod:`rnnkit.data.tokenizers`: words and BPE subwords keep those tokenizers' own ids
(``<pad>`` 0, ``<unk>`` 1, ``<eos>`` 2, dropped here); characters get a vocabulary whose first two
entries stand for padding and unknown characters, so a character never seen in training is not an
error at prediction time.
"""

from __future__ import annotations

from typing import Any

from ...data.tokenizers import CharTokenizer, normalize, tokenizer_from_json, train_tokenizer

PAD_ID, UNK_ID, EOS_ID = 0, 1, 2
CHAR_SPECIALS = ["\x00", "\x01"]  # stand-ins for padding and unknown characters in a CharTokenizer


class TextEncoder:
    """A trained tokenizer and the rule that turns a text into at most ``max_len`` ids."""

    def __init__(self, tokenizer: Any, max_len: int):
        self.tokenizer, self.max_len = tokenizer, max_len

    @classmethod
    def train(cls, kind: str, texts: list[str], max_len: int = 100, max_vocab: int | None = None, min_frequency: int = 1) -> "TextEncoder":
        if kind not in ("char", "word", "bpe"):
            raise ValueError(f"--tokens must be 'char', 'word' or 'bpe'; got {kind!r}")
        if not isinstance(max_len, int) or max_len < 1:
            raise ValueError(f"--max-len must be a positive integer; got {max_len!r}")
        text = "\n".join(texts)
        if kind == "char":
            counts: dict[str, int] = {}
            for c in normalize(text):
                counts[c] = counts.get(c, 0) + 1
            chars = sorted((c for c, n in counts.items() if n >= min_frequency and c not in CHAR_SPECIALS and c != "\n"),
                           key=lambda c: (-counts[c], c))
            if max_vocab is not None:
                chars = chars[: max(1, max_vocab - 2)]
            return cls(CharTokenizer(CHAR_SPECIALS + chars), max_len)
        return cls(train_tokenizer(kind, text, min_frequency=min_frequency, max_size=max_vocab), max_len)

    @property
    def kind(self) -> str:
        return "char" if self.tokenizer.kind == "char" else "word" if self.tokenizer.kind == "word" else "bpe"

    @property
    def vocab_size(self) -> int:
        return self.tokenizer.vocab_size

    def tokens(self) -> list[str]:
        """The vocabulary in id order (for word vectors): ``<pad>``/``<unk>`` stand-ins first."""
        if self.tokenizer.kind == "char":
            return list(self.tokenizer.chars)
        if self.tokenizer.kind == "word":
            return list(self.tokenizer.words)
        vocab = self.tokenizer.hf.get_vocab()
        return sorted(vocab, key=vocab.get)

    def encode(self, text: str) -> list[int]:
        """Ids of ``text``'s first ``max_len`` tokens; never empty (an empty text is one unknown token)."""
        if self.tokenizer.kind == "char":
            index = self.tokenizer.index
            ids = [index.get(c, UNK_ID) for c in normalize(text).replace("\n", " ")]
        else:
            ids = [i for i in self.tokenizer.encode(text.replace("\n", " ")) if i != EOS_ID]
        return ids[: self.max_len] or [UNK_ID]

    def to_json(self) -> dict[str, Any]:
        return {"tokenizer": self.tokenizer.to_json(), "max_len": self.max_len}

    @classmethod
    def from_json(cls, state: dict[str, Any]) -> "TextEncoder":
        return cls(tokenizer_from_json(state["tokenizer"]), int(state["max_len"]))
