"""Each word as three ids: the lowercased word, its last three letters, and its shape; optionally
also the ids of its characters (``char_len`` of them: the first and last halves of a long word).

The suffix and shape let the tagger guess the tag of a word it never saw in training ("-ing",
"-ly", a capital first letter, digits), which is where a word-only tagger loses most. Id 0 pads
(and is masked), id 1 is unknown.
"""

from __future__ import annotations

import collections
from typing import Any

PAD, UNK = "<pad>", "<unk>"


def word_shape(word: str) -> str:
    """A coarse spelling class: 'Xx' (capitalised), 'x', 'X', 'd' (digits), 'p' (punctuation), 'm' (mixed)."""
    if word.isdigit():
        return "d"
    if word.isalpha():
        return "X" if word.isupper() and len(word) > 1 else "Xx" if word[0].isupper() else "x"
    if not any(c.isalnum() for c in word):
        return "p"
    return "dm" if any(c.isdigit() for c in word) else "m"


class WordFeatures:
    """Vocabularies of words, suffixes, shapes (and characters); ``encode(words)`` gives
    ``[[word, suffix, shape, *chars], ...]``."""

    def __init__(self, words: list[str], suffixes: list[str], shapes: list[str], chars: list[str] | None = None, char_len: int = 0):
        self.words, self.suffixes, self.shapes = words, suffixes, shapes
        self.chars, self.char_len = list(chars or []), char_len
        self.index = [{w: i for i, w in enumerate(v)} for v in (words, suffixes, shapes, self.chars)]

    @classmethod
    def train(cls, sentences: list[list[str]], min_frequency: int = 1, max_vocab: int | None = None, char_len: int = 0) -> "WordFeatures":
        counts = collections.Counter(w.lower() for words in sentences for w in words)
        ranked = sorted((w for w, n in counts.items() if n >= min_frequency), key=lambda w: (-counts[w], w))
        if max_vocab is not None:
            ranked = ranked[: max(1, max_vocab - 2)]
        suffixes = sorted({w.lower()[-3:] for words in sentences for w in words})
        shapes = ["Xx", "x", "X", "d", "p", "dm", "m"]
        chars = sorted({c for words in sentences for w in words for c in w}) if char_len else []
        return cls([PAD, UNK, *ranked], [PAD, UNK, *suffixes], [PAD, UNK, *shapes], [PAD, UNK, *chars] if char_len else [], char_len)

    @property
    def sizes(self) -> tuple[int, int, int]:
        return len(self.words), len(self.suffixes), len(self.shapes)

    def encode(self, words: list[str]) -> list[list[int]]:
        words_index, suffix_index, shape_index, char_index = self.index
        rows = []
        for w in words:
            row = [words_index.get(w.lower(), 1), suffix_index.get(w.lower()[-3:], 1), shape_index.get(word_shape(w), 1)]
            if self.char_len:
                half = self.char_len // 2
                kept = w if len(w) <= self.char_len else w[:half] + w[len(w) - (self.char_len - half):]
                row += [char_index.get(c, 1) for c in kept] + [0] * (self.char_len - len(kept))
            rows.append(row)
        return rows

    def to_json(self) -> dict[str, Any]:
        return {"words": self.words, "suffixes": self.suffixes, "shapes": self.shapes, "chars": self.chars, "char_len": self.char_len}

    @classmethod
    def from_json(cls, state: dict[str, Any]) -> "WordFeatures":
        return cls(state["words"], state["suffixes"], state["shapes"], state.get("chars"), state.get("char_len", 0))
