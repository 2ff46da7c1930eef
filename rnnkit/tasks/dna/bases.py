"""DNA sequences as base ids, the splice-junction rows read from their file, deduplicated and split.

The alphabet is the splice data's own: the four bases and the IUPAC ambiguity codes that occur in
it (D: A/G/T, N: any, S: C/G, R: A/G). Id 0 pads (and is masked), so base ``alphabet[i]`` has id
``i + 1``. A letter outside the alphabet is an error naming the file and line, never an unknown
token: a sequence with one is a different kind of data (protein, RNA) or a damaged file.

A row is ``(label, name, sequence)``; the UCI file writes it as ``EI, ATRINS-DONOR-521, CCAG...``
and the bundled copy adds the split it belongs to (``train``, ``val``, ``test``) as a fourth column.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...errors import FileFormatError

ALPHABET = "ACGTDNSR"
_COMPLEMENT = {"A": "T", "C": "G", "G": "C", "T": "A", "N": "N", "S": "S"}  # D and R have complements (H, Y) outside ALPHABET
BUNDLED = Path(__file__).parent / "data" / "splice.tsv"
SPLITS = ("train", "val", "test")


@dataclass(frozen=True)
class Row:
    """One labelled sequence and where it came from (``line``: 1-based line of its file)."""

    label: str
    name: str
    sequence: str
    line: int = 0
    split: str = ""


def checked_sequence(text: str, where: str) -> str:
    """``text`` in upper case, stripped; ValueError naming ``where`` for an empty one or a letter outside :data:`ALPHABET`."""
    sequence = text.strip().upper()
    if not sequence:
        raise ValueError(f"{where}: an empty sequence")
    wrong = sorted(set(sequence) - set(ALPHABET))
    if wrong:
        raise ValueError(f"{where}: letters {''.join(wrong)!r} are not DNA bases; expected only {', '.join(ALPHABET)}")
    return sequence


def encode(sequence: str) -> list[int]:
    """Base ids of a checked sequence: ``A`` is 1, ... (0 is padding)."""
    return [ALPHABET.index(base) + 1 for base in sequence]


class BaseEncoder:
    """The alphabet as a vocabulary, for the commands that read a model's tokens (``rnnkit inspect``, ``serve``)."""

    vocab_size = len(ALPHABET) + 1

    def tokens(self) -> list[str]:
        """The vocabulary in id order: ``<pad>``, then the bases."""
        return ["<pad>", *ALPHABET]

    def encode(self, text: str) -> list[int]:
        """Base ids of ``text``; ValueError for a letter outside the alphabet."""
        return encode(checked_sequence(text, "sequence"))


def reverse_complement(sequence: str) -> str | None:
    """The other strand read 5' to 3'; None when the sequence holds D or R (their complements are not in the alphabet)."""
    if any(base not in _COMPLEMENT for base in sequence):
        return None
    return "".join(_COMPLEMENT[base] for base in reversed(sequence))


def text_lines(path: Path) -> list[str]:
    """The lines of a UTF-8 text file; a FileFormatError naming it when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise FileFormatError(path, f"cannot read it as UTF-8 text ({error})") from None


def read_rows(path: str | os.PathLike) -> list[Row]:
    """The rows of a splice file: UCI's ``label, name, sequence`` lines, or the bundled tab-separated ones with a split.

    A malformed line or a letter outside the alphabet is a :class:`FileFormatError` naming the line.
    """
    path = Path(path)
    lines = text_lines(path)
    rows = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("\t" if "\t" in line else ",")]
        if len(parts) not in (3, 4):
            raise FileFormatError(path, field=f"line {number}", expected="label, name, sequence (and optionally a split)",
                                  found=f"{len(parts)} fields")
        if len(parts) == 4 and parts[3] not in SPLITS:
            raise FileFormatError(path, field=f"line {number}", expected=f"a split of {', '.join(SPLITS)}", found=repr(parts[3]))
        try:
            sequence = checked_sequence(parts[2], f"line {number}")
        except ValueError as error:
            raise FileFormatError(path, str(error)) from None
        rows.append(Row(parts[0], parts[1], sequence, number, parts[3] if len(parts) == 4 else ""))
    if not rows:
        raise FileFormatError(path, "holds no sequences")
    return rows


def deduplicated(rows: list[Row]) -> list[Row]:
    """The first row of each distinct sequence; a sequence given two different labels is dropped altogether.

    Repeats left in would sit on both sides of a split and inflate the held-out score; a sequence
    with two labels has no right answer to learn or score.
    """
    labels: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        labels[row.sequence].add(row.label)
    seen: set[str] = set()
    kept = []
    for row in rows:
        if len(labels[row.sequence]) == 1 and row.sequence not in seen:
            seen.add(row.sequence)
            kept.append(row)
    return kept


def stratified_split(rows: list[Row], fractions: tuple[float, float] = (0.1, 0.1), seed: int = 0) -> list[Row]:
    """The rows with their ``split`` set: per label, a seeded ``fractions`` share to val and test, the rest to train."""
    by_label: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        by_label[row.label].append(index)
    split = ["train"] * len(rows)
    rng = np.random.default_rng(seed)
    for label in sorted(by_label):
        order = [by_label[label][i] for i in rng.permutation(len(by_label[label]))]
        val, test = (int(round(len(order) * f)) for f in fractions)
        for i in order[:val]:
            split[i] = "val"
        for i in order[val:val + test]:
            split[i] = "test"
    return [Row(r.label, r.name, r.sequence, r.line, s) for r, s in zip(rows, split)]


def bundled(split: str) -> list[Row]:
    """The rows of one split (``train``, ``val``, ``test``) of the bundled, deduplicated splice data."""
    return [row for row in read_rows(BUNDLED) if row.split == split]


def label_counts(rows: list[Row]) -> str:
    """``EI 616, IE 620, N 1,168`` for messages."""
    return ", ".join(f"{label} {count:,}" for label, count in sorted(Counter(r.label for r in rows).items()))
