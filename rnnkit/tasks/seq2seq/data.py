"""Pairs of texts for sequence to sequence: reading TSV files, vocabularies per side, padded batches.

Each side (source, target) has a tokenizer from :mod:`rnnkit.data` (characters, words, BPE or
unigram subwords); a :class:`Side` shifts its ids past the model's reserved ids (PAD, START,
END), so id ``i`` of the tokenizer is id ``i + 3`` of the model. With a shared vocabulary one
tokenizer, trained on both sides, serves both.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

import torch
from torch.utils.data import Dataset

from ...data import tokenizer_from_json, train_tokenizer
from ...models.seq2seq import END, PAD, START, shift_right

RESERVED = 3  # PAD, START, END
TOKEN_KINDS = ("char", "word", "bpe", "unigram")

Pair = tuple[str, str]


def read_pairs(path: str | os.PathLike) -> list[Pair]:
    """``source<TAB>target`` lines of a UTF-8 file; blank lines are skipped, anything else malformed is an error."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such data file (expected a UTF-8 file of source<TAB>target lines)")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not UTF-8 text ({error})") from None
    pairs = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            what = "no tab" if len(parts) == 1 else f"{len(parts) - 1} tabs"
            raise ValueError(f"{path}:{number}: {what}; each line must be source<TAB>target: {line[:60]!r}")
        source, target = (part.strip() for part in parts)
        for side, value in (("source", source), ("target", target)):
            if not value:
                raise ValueError(f"{path}:{number}: empty {side}: {line[:60]!r}")
        pairs.append((source, target))
    if not pairs:
        raise ValueError(f"{path}: no source<TAB>target pairs in the file")
    return pairs


class Side:
    """One side's vocabulary: a tokenizer whose ids start after the reserved ones."""

    def __init__(self, tokenizer: Any):
        self.tokenizer = tokenizer

    @classmethod
    def train(cls, kind: str, texts: Sequence[str], max_vocab: int | None = None) -> "Side":
        if kind not in TOKEN_KINDS:
            raise ValueError(f"tokens must be one of {TOKEN_KINDS}; got {kind!r}")
        return cls(train_tokenizer(kind, "\n".join(texts), max_size=max_vocab))

    @property
    def kind(self) -> str:
        return "char" if self.tokenizer.kind == "char" else "word"

    @property
    def vocab_size(self) -> int:
        return self.tokenizer.vocab_size + RESERVED

    def encode(self, text: str, allow_unknown: bool = False) -> list[int]:
        """Model ids of ``text``; a clear error if it is empty or (unless allowed) has unknown tokens."""
        if not text.strip():
            raise ValueError("empty text: there is nothing to translate")
        if not allow_unknown:
            unknown = self.tokenizer.unknown(text)
            if unknown:
                shown = ", ".join(repr(u) for u in unknown[:10])
                raise ValueError(f"{text[:60]!r} has tokens outside the model's vocabulary: {shown}"
                                 + ("" if self.tokenizer.kind == "char" else " (allow them as <unk> with --allow-unknown)"))
        ids = self.tokenizer.encode(text)
        if not ids:
            raise ValueError(f"{text[:60]!r} gives no tokens")
        return [i + RESERVED for i in ids]

    def decode(self, ids: Sequence[int]) -> str:
        return self.tokenizer.decode([i - RESERVED for i in ids if i >= RESERVED])

    def to_json(self) -> dict[str, Any]:
        return self.tokenizer.to_json()

    @classmethod
    def from_json(cls, state: dict[str, Any]) -> "Side":
        return cls(tokenizer_from_json(state))


def pad(rows: Sequence[Sequence[int]]) -> torch.Tensor:
    """Id lists as one (B, longest) tensor, PAD after each row's end."""
    out = torch.full((len(rows), max(len(r) for r in rows)), PAD, dtype=torch.long)
    for i, row in enumerate(rows):
        out[i, : len(row)] = torch.tensor(row, dtype=torch.long)
    return out


class PairDataset(Dataset):
    """Encoded pairs; ``collate`` pads each batch only to its own longest source and target."""

    def __init__(self, pairs: Sequence[Pair], source: Side, target: Side):
        self.items = []
        for number, (s, t) in enumerate(pairs, start=1):
            try:
                self.items.append((source.encode(s), target.encode(t) + [END]))
            except ValueError as error:
                raise ValueError(f"pair {number}: {error}") from None

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> tuple[list[int], list[int]]:
        return self.items[index]

    @staticmethod
    def collate(batch: list[tuple[list[int], list[int]]]) -> tuple[tuple[torch.Tensor, torch.Tensor], torch.Tensor]:
        """``((source (B, S), decoder input (B, T)), target (B, T))``: what ``fit`` takes as ``(x, y)``."""
        source = pad([s for s, _ in batch])
        target = pad([t for _, t in batch])
        return (source, shift_right(target)), target


__all__ = ["END", "PAD", "START", "PairDataset", "Side", "pad", "read_pairs"]
