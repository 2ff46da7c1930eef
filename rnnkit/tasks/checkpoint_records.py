"""The parts of a task checkpoint's record beside the weights, checked when the checkpoint is opened.

A task's record carries its tokenizer (or word features, scaler) and its label names; the
commands use them long after loading (``tags[j]`` for every predicted tag, ``decode`` of every
sampled id). Here they are type-checked and compared with the network's config at load, so a
damaged record is a :class:`~rnnkit.errors.FileFormatError` naming the field then, not an
``IndexError`` in the first sample.
"""

from __future__ import annotations

import os
from typing import Any

from ..data import tokenizer_from_json
from ..errors import FileFormatError
from ..file_records import parse_part, record_field, record_items
from ..limits import load_json

_TOKENIZER_FIELDS = {"char": ("chars",), "word": ("words",), "subword": ("tokenizer", "algorithm")}


def tokenizer_from_record(path: str | os.PathLike, state: Any, where: str, vocab_size: int | None = None) -> Any:
    """The tokenizer stored at ``where``; its ids must stay below ``vocab_size`` (the embedding's rows) when given."""
    kind = record_field(path, state, "kind", str, where=where, choices=tuple(_TOKENIZER_FIELDS))
    if kind == "subword":
        record_field(path, state, "algorithm", str, where=where, choices=("bpe", "unigram"))
        text = record_field(path, state, "tokenizer", str, where=where)
        load_json(path, f"{where}.tokenizer", text)  # bounded, before the Rust parser sees it
        try:
            tokenizer = tokenizer_from_json(state)
        except Exception as error:  # tokenizers raises a bare Exception for a model it cannot parse
            raise FileFormatError(path, f"not a tokenizer ({error})", field=f"{where}.tokenizer") from None
    else:
        (name,) = _TOKENIZER_FIELDS[kind]
        record_items(path, record_field(path, state, name, list, where=where), str, f"{where}.{name}")
        tokenizer = parse_part(path, where, tokenizer_from_json, state)
    if vocab_size is not None and tokenizer.vocab_size > vocab_size:
        raise FileFormatError(path, field=where, expected=f"at most {vocab_size} tokens (the embedding's rows)", found=tokenizer.vocab_size)
    return tokenizer


def labels_from_record(path: str | os.PathLike, record: Any, name: str, count: int, where: str = "rnnkit.record",
                       required: bool = True) -> list[str] | None:
    """The list of ``count`` label names (classes, tags) at ``where.name``: one per output of the network.

    With ``required=False`` a record without them gives None (files of the old layout may lack them).
    """
    if not required and name not in record:
        return None
    labels = record_items(path, record_field(path, record, name, list, where=where), str, f"{where}.{name}")
    if len(labels) != count:
        raise FileFormatError(path, field=f"{where}.{name}", expected=f"{count} names (the network's outputs)", found=f"{len(labels)}")
    return labels
