"""Texts as id sequences for classification: id 0 pads (and is masked), id 1 is an unknown token.

It reuses :mod:`rnnkit.data.tokenizers`: words and BPE subwords keep those tokenizers' own ids
(``<pad>`` 0, ``<unk>`` 1, ``<eos>`` 2, dropped here); characters get a vocabulary whose first two
entries stand for padding and unknown characters, so a character never seen in training is not an
error at prediction time.

``bpe+char`` reads a text twice in one sequence: its BPE subwords, then its characters, the
character ids placed after the BPE vocabulary. One recurrent layer then sees both views: the
subwords' meaning and the characters' spelling (which carries over to words it never saw).
"""

from __future__ import annotations

from typing import Any

from ...data.tokenizers import CharTokenizer, normalize, tokenizer_from_json, train_tokenizer
from ..settings import SettingError

PAD_ID, UNK_ID, EOS_ID = 0, 1, 2
KINDS = ("char", "word", "bpe", "bpe+char")
CHAR_SPECIALS = ["\x00", "\x01"]  # stand-ins for padding and unknown characters in a CharTokenizer


class TextEncoder:
    """Trained tokenizers (one, or two read one after the other) and the rule that turns a text
    into ids: at most ``max_len`` per tokenizer."""

    def __init__(self, tokenizer: Any, max_len: int, more: tuple[Any, ...] = ()):
        self.tokenizers, self.max_len = [tokenizer, *more], max_len

    @classmethod
    def train(cls, kind: str, texts: list[str], max_len: int = 100, max_vocab: int | None = None, min_frequency: int = 1) -> "TextEncoder":
        if kind not in KINDS:
            raise SettingError("tokens", f"must be one of {', '.join(KINDS)}; got {kind!r}")
        if not isinstance(max_len, int) or max_len < 1:
            raise SettingError("max_len", f"must be a positive integer; got {max_len!r}")
        text = "\n".join(texts)
        tokenizers = [_train_one(part, text, max_vocab, min_frequency) for part in kind.split("+")]
        return cls(tokenizers[0], max_len, tuple(tokenizers[1:]))

    @property
    def kind(self) -> str:
        return "+".join("bpe" if t.kind not in ("char", "word") else t.kind for t in self.tokenizers)

    @property
    def vocab_size(self) -> int:
        return sum(t.vocab_size for t in self.tokenizers)

    def tokens(self) -> list[str]:
        """The vocabulary in id order (for word vectors): ``<pad>``/``<unk>`` stand-ins first."""
        return [token for tokenizer in self.tokenizers for token in _vocabulary(tokenizer)]

    def encode(self, text: str) -> list[int]:
        """Ids of ``text``'s first ``max_len`` tokens (per tokenizer); never empty (an empty text is one unknown token)."""
        ids, offset = [], 0
        for tokenizer in self.tokenizers:
            ids += [offset + i for i in (_encode_one(tokenizer, text)[: self.max_len] or [UNK_ID])]
            offset += tokenizer.vocab_size
        return ids

    def to_json(self) -> dict[str, Any]:
        state = {"tokenizer": self.tokenizers[0].to_json(), "max_len": self.max_len}
        if len(self.tokenizers) > 1:
            state["more_tokenizers"] = [t.to_json() for t in self.tokenizers[1:]]
        return state

    @classmethod
    def from_json(cls, state: dict[str, Any]) -> "TextEncoder":
        more = tuple(tokenizer_from_json(t) for t in state.get("more_tokenizers", []))
        return cls(tokenizer_from_json(state["tokenizer"]), int(state["max_len"]), more)


def _train_one(kind: str, text: str, max_vocab: int | None, min_frequency: int) -> Any:
    if kind != "char":
        return train_tokenizer(kind, text, min_frequency=min_frequency, max_size=max_vocab)
    counts: dict[str, int] = {}
    for c in normalize(text):
        counts[c] = counts.get(c, 0) + 1
    chars = sorted((c for c, n in counts.items() if n >= min_frequency and c not in CHAR_SPECIALS and c != "\n"),
                   key=lambda c: (-counts[c], c))
    if max_vocab is not None:
        chars = chars[: max(1, max_vocab - 2)]
    return CharTokenizer(CHAR_SPECIALS + chars)


def _encode_one(tokenizer: Any, text: str) -> list[int]:
    if tokenizer.kind == "char":
        index = tokenizer.index
        return [index.get(c, UNK_ID) for c in normalize(text).replace("\n", " ")]
    return [i for i in tokenizer.encode(text.replace("\n", " ")) if i != EOS_ID]


def _vocabulary(tokenizer: Any) -> list[str]:
    if tokenizer.kind == "char":
        return list(tokenizer.chars)
    if tokenizer.kind == "word":
        return list(tokenizer.words)
    vocab = tokenizer.hf.get_vocab()
    return sorted(vocab, key=vocab.get)
