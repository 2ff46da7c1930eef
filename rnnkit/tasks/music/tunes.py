"""The tunes a music model learns from, their split, and the vocabulary of their tokens.

By default: O'Neill's *Music of Ireland* (1850), the ABC files that ship inside the ``music21``
package (``music21/corpus/oneills1850``), read as text from the installed package; nothing is
downloaded. Tunes that repeat (the collection's files overlap) are kept once, then the tunes are
split by tune (never inside one) into train, validation and test parts with a fixed seed.

A :class:`TuneVocabulary` numbers the tokens of :mod:`.abc_tokens` plus one separator,
``<tune>``, that ends a tune and starts the next: the model reads ``<tune> M:6/8 K:Dmaj d 2 ...
<tune> M:3/4 ...``, and sampling starts after a ``<tune>`` and stops at the next one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from ...extras import require
from .abc_tokens import Tune, key_token, meter_token, read_tunes

SEPARATOR = "<tune>"
SPLIT_FRACTIONS = (0.05, 0.05)  # validation, test


def bundled_folder() -> Path:
    """``music21/corpus/oneills1850`` of the installed music21 (the 'music' extra)."""
    music21 = require("music21", "the bundled O'Neill's tunes")
    return Path(music21.__file__).parent / "corpus" / "oneills1850"


def read_collection(data: str | os.PathLike | None, skipped: list[str] | None = None) -> tuple[list[Tune], str]:
    """``(tunes, description)`` of an ABC file, a folder of ``.abc`` files, or (None) O'Neill's 1850 collection.

    A tune that does not tokenise is a FileFormatError naming file and line; for the bundled
    collection it is left out and its message appended to ``skipped``.
    """
    if data is None:
        folder, described = bundled_folder(), "O'Neill's Music of Ireland (1850, from music21's corpus)"
        skipped = skipped if skipped is not None else []
    else:
        folder, described, skipped = Path(data), str(data), None
    if not folder.exists():
        raise ValueError(f"{folder}: no such ABC file or folder")
    files = [folder] if folder.is_file() else sorted(folder.glob("*.abc"))
    if not files:
        raise ValueError(f"{folder}: a folder without .abc files")
    return [tune for file in files for tune in read_tunes(file, skipped)], described


def distinct(tunes: list[Tune]) -> list[Tune]:
    """The first of each tune whose tokens repeat another's (same notes, meter and key), in order."""
    seen: set[tuple[str, ...]] = set()
    kept = []
    for tune in tunes:
        if tune.tokens not in seen:
            seen.add(tune.tokens)
            kept.append(tune)
    return kept


def split_tunes(tunes: list[Tune], seed: int = 0) -> dict[str, list[Tune]]:
    """``{"train", "val", "test"}``: a seeded permutation of whole tunes, :data:`SPLIT_FRACTIONS` to val and test (one each at least)."""
    if len(tunes) < 3:
        raise ValueError(f"need at least 3 distinct tunes to split into train, validation and test; got {len(tunes)}")
    order = np.random.default_rng(seed).permutation(len(tunes))
    val, test = (max(1, int(round(len(tunes) * f))) for f in SPLIT_FRACTIONS)
    pick = lambda part: [tunes[i] for i in part]
    return {"val": pick(order[:val]), "test": pick(order[val:val + test]), "train": pick(order[val + test:])}


class TuneVocabulary:
    """Token <-> id for tunes: ``<tune>`` is id 0, the rest in the order given (training tokens, by frequency)."""

    kind = "abc"

    def __init__(self, tokens: list[str]):
        self.tokens = [SEPARATOR, *(t for t in tokens if t != SEPARATOR)]
        self.ids = {token: i for i, token in enumerate(self.tokens)}

    @classmethod
    def of(cls, tunes: list[Tune]) -> "TuneVocabulary":
        counts: dict[str, int] = {}
        for tune in tunes:
            for token in tune.tokens:
                counts[token] = counts.get(token, 0) + 1
        return cls(sorted(counts, key=lambda t: (-counts[t], t)))

    @property
    def vocab_size(self) -> int:
        return len(self.tokens)

    def start_id(self) -> int:
        return 0

    def stream(self, tunes: list[Tune]) -> list[int]:
        """Ids of ``<tune> tokens... <tune> tokens... <tune>``: every tune opened and closed by the separator."""
        ids = [0]
        for tune in tunes:
            ids += [self.ids[t] for t in tune.tokens] + [0]
        return ids

    def encode(self, text: str) -> list[int]:
        """Ids of whitespace-separated tokens (``M:6/8 K:D d 2 e |``; meter and key normalised); ValueError naming unknown ones."""
        tokens = [meter_token(t[2:]) if t.startswith("M:") else key_token(t[2:]) if t.startswith("K:") else t for t in text.split()]
        unknown = sorted({t for t in tokens if t not in self.ids})
        if unknown:
            raise ValueError(f"tokens the model never saw in training: {unknown[:10]}; it knows {len(self.tokens)} "
                             f"(meters such as {', '.join(t for t in self.tokens if t.startswith('M:'))[:80]})")
        return [self.ids[t] for t in tokens]

    def decode(self, ids: list[int]) -> str:
        """The tokens of ``ids``, space-separated (``<tune>`` between tunes)."""
        return " ".join(self.tokens[i] for i in ids)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "tokens": self.tokens}

    @classmethod
    def from_json(cls, state: dict[str, Any]) -> "TuneVocabulary":
        return cls(list(state["tokens"]))
