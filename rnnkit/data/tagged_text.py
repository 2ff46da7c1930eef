"""Sentences of (word, tag) pairs from CoNLL-U, ``word/TAG`` lines, or two-column (IOB) text.

- ``conllu``: Universal Dependencies files; ``column`` picks ``upos`` (4th field) or ``xpos``
  (5th). Comment lines, multiword-token ranges (``3-4``) and empty nodes (``5.1``) are skipped.
- ``slash``: one sentence per line, tokens ``word/TAG`` separated by spaces (the last ``/`` splits).
- ``columns``: one token per line, the word first and the tag last (CoNLL-2003 NER style, IOB
  tags), a blank line between sentences; ``-DOCSTART-`` lines are skipped.

``auto`` picks ``conllu`` for ``.conllu`` files, else looks at the first line.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import FileFormatError
from .text_files import read_text

Sentence = tuple[list[str], list[str]]  # words, tags
CONLLU_COLUMNS = {"upos": 3, "xpos": 4}
FORMATS = ("auto", "conllu", "slash", "columns")


def detect_format(path: Path, text: str) -> str:
    if path.suffix.lower() == ".conllu":
        return "conllu"
    first = next((line for line in text.split("\n") if line.strip() and not line.startswith("#")), None)
    if first is None:
        raise FileFormatError(path, "only comment lines, no tagged sentences")
    fields = first.split("\t")
    if len(fields) == 10 and fields[0].split("-")[0].isdigit():
        return "conllu"
    tokens = first.split()
    if len(tokens) > 2 or (tokens and all("/" in t.strip("/") for t in tokens)):
        return "slash" if all("/" in t.strip("/") for t in tokens) else "columns"
    return "columns"


def read_tagged(path: str | os.PathLike, fmt: str = "auto", column: str = "upos", argument: str = "--data") -> list[Sentence]:
    """The sentences of a tagged file; errors name the file, the line and what is wrong."""
    path = Path(path)
    if fmt not in FORMATS:
        raise ValueError(f"--format must be one of {FORMATS}; got {fmt!r}")
    if column not in CONLLU_COLUMNS:
        raise ValueError(f"--column must be 'upos' or 'xpos'; got {column!r}")
    text = read_text(path, argument)
    fmt = detect_format(path, text) if fmt == "auto" else fmt
    lines = text.split("\n")
    if fmt == "conllu":
        sentences = _conllu(path, lines, CONLLU_COLUMNS[column], column)
    elif fmt == "slash":
        sentences = _slash(path, lines)
    else:
        sentences = _columns(path, lines)
    if not sentences:
        raise FileFormatError(path, f"no tagged sentences found (read as {fmt})")
    return sentences


def _conllu(path: Path, lines: list[str], field: int, column: str) -> list[Sentence]:
    sentences, words, tags = [], [], []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            if words:
                sentences.append((words, tags))
            words, tags = [], []
            continue
        if line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 10:
            raise FileFormatError(path, f"a CoNLL-U token line needs 10 tab-separated fields; found {len(fields)}", field=f"line {number}")
        token_id = fields[0]
        if "-" in token_id or "." in token_id:
            continue
        if not token_id.isdigit():
            raise FileFormatError(path, f"token id {token_id!r} is not a number", field=f"line {number}, column 1")
        tag = fields[field]
        if not tag or tag == "_":
            raise FileFormatError(path, f"no tag ({tag!r})", field=f"line {number}, column {field + 1} ({column})")
        if not fields[1].strip():
            raise FileFormatError(path, "no word (an empty FORM)", field=f"line {number}, column 2 (form)")
        words.append(fields[1])
        tags.append(tag)
    if words:
        sentences.append((words, tags))
    return sentences


def _slash(path: Path, lines: list[str]) -> list[Sentence]:
    sentences = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        words, tags = [], []
        for position, token in enumerate(line.split(), 1):
            word, slash, tag = token.rpartition("/")
            if not slash or not word or not tag:
                raise FileFormatError(path, f"{token!r} is not word/TAG", field=f"line {number}, token {position}")
            words.append(word)
            tags.append(tag)
        sentences.append((words, tags))
    return sentences


def _columns(path: Path, lines: list[str]) -> list[Sentence]:
    sentences, words, tags = [], [], []
    for number, line in enumerate(lines, 1):
        fields = line.split()
        if not fields or fields[0] == "-DOCSTART-":
            if words:
                sentences.append((words, tags))
            words, tags = [], []
            continue
        if len(fields) < 2:
            raise FileFormatError(path, field=f"line {number}", expected="a word and a tag separated by whitespace",
                                  found=repr(line.strip()))
        words.append(fields[0])
        tags.append(fields[-1])
    if words:
        sentences.append((words, tags))
    return sentences


def is_iob(tags: list[str]) -> bool:
    """Whether a tag set looks like IOB entity tags (``O``, ``B-X``, ``I-X``)."""
    return bool(tags) and all(t == "O" or t[:2] in ("B-", "I-") for t in tags) and any(t != "O" for t in tags)
