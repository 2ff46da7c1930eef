"""Each word as three ids: the lowercased word, its last three letters, and its shape.

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
    """Vocabularies of words, suffixes and shapes; ``encode(words)`` gives ``[[word, suffix, shape], ...]``."""

    def __init__(self, words: list[str], suffixes: list[str], shapes: list[str]):
        self.words, self.suffixes, self.shapes = words, suffixes, shapes
        self.index = [{w: i for i, w in enumerate(v)} for v in (words, suffixes, shapes)]

    @classmethod
    def train(cls, sentences: list[list[str]], min_frequency: int = 1, max_vocab: int | None = None) -> "WordFeatures":
        counts = collections.Counter(w.lower() for words in sentences for w in words)
        ranked = sorted((w for w, n in counts.items() if n >= min_frequency), key=lambda w: (-counts[w], w))
        if max_vocab is not None:
            ranked = ranked[: max(1, max_vocab - 2)]
        suffixes = sorted({w.lower()[-3:] for words in sentences for w in words})
        shapes = ["Xx", "x", "X", "d", "p", "dm", "m"]
        return cls([PAD, UNK, *ranked], [PAD, UNK, *suffixes], [PAD, UNK, *shapes])

    @property
    def sizes(self) -> tuple[int, int, int]:
        return len(self.words), len(self.suffixes), len(self.shapes)

    def encode(self, words: list[str]) -> list[list[int]]:
        words_index, suffix_index, shape_index = self.index
        return [[words_index.get(w.lower(), 1), suffix_index.get(w.lower()[-3:], 1), shape_index.get(word_shape(w), 1)] for w in words]

    def to_json(self) -> dict[str, Any]:
        return {"words": self.words, "suffixes": self.suffixes, "shapes": self.shapes}

    @classmethod
    def from_json(cls, state: dict[str, Any]) -> "WordFeatures":
        return cls(state["words"], state["suffixes"], state["shapes"])
