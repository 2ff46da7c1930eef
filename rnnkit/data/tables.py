"""Labelled rows from TSV, CSV and JSON-lines files, with errors that name the file, line and column.

The format follows the suffix: ``.jsonl``/``.json`` is one JSON object per line, ``.csv`` is
comma-separated with quoting, anything else (``.tsv``, ``.txt``: the NSMC ``id\\tdocument\\tlabel``
files) is tab-separated without quoting. The first line of a CSV/TSV file names the columns.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

from .tokenizers import normalize

TEXT_COLUMNS = ("text", "document", "sentence", "review", "content", "comment")
LABEL_COLUMNS = ("label", "labels", "sentiment", "class", "category", "target", "y")


def table_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson"):
        return "jsonl"
    return "csv" if suffix == ".csv" else "tsv"


def read_table(path: str | os.PathLike, argument: str = "--data") -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """``(column names, [(line number, row), ...])`` of a TSV/CSV/JSONL file; every value a string."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{argument} {path}: no such file")
    try:
        text = normalize(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ValueError(f"{argument} {path}: not UTF-8 text (undecodable byte at offset {error.start})") from None
    if not text.strip():
        raise ValueError(f"{argument} {path}: the file is empty")
    kind = table_format(path)
    if kind == "jsonl":
        return _read_jsonl(path, text)
    lines = text.split("\n")
    if kind == "tsv":
        rows = ((number, line.split("\t")) for number, line in enumerate(lines, 1) if line.strip())
    else:
        reader = csv.reader(lines)
        rows = ((reader.line_num, values) for values in reader if any(v.strip() for v in values))
    header_line, header = next(rows)
    header = [name.strip() for name in header]
    records = []
    for number, values in rows:
        if len(values) != len(header):
            raise ValueError(f"{path}, line {number}: {len(values)} columns, but the header (line {header_line}) names {len(header)}: {header}")
        records.append((number, dict(zip(header, values))))
    if not records:
        raise ValueError(f"{argument} {path}: only a header line, no rows")
    return header, records


def _read_jsonl(path: Path, text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    records, names = [], {}
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}, line {number}: not JSON ({error.msg}, column {error.colno})") from None
        if not isinstance(value, dict):
            raise ValueError(f"{path}, line {number}: expected a JSON object per line; got {type(value).__name__}")
        names.update(dict.fromkeys(value))
        records.append((number, {k: "" if v is None else str(v) for k, v in value.items()}))
    return list(names), records


def pick_column(header: list[str], wanted: str | None, candidates: tuple[str, ...], role: str, path: str | os.PathLike, option: str) -> str:
    """The column named by ``option`` (``wanted``), else the first of ``candidates`` the file has."""
    if wanted is not None:
        if wanted not in header:
            raise ValueError(f"{option} {wanted!r}: {path} has no such column; its columns are {header}")
        return wanted
    lowered = {name.lower(): name for name in header}
    for name in candidates:
        if name in lowered:
            return lowered[name]
    raise ValueError(f"{path}: no {role} column found among {header}; name it with {option}")


def read_labelled_texts(path: str | os.PathLike, text_col: str | None = None, label_col: str | None = None,
                        argument: str = "--data", need_labels: bool = True) -> tuple[list[str], list[str]]:
    """``(texts, labels)`` from a table; rows with an empty text are skipped, an empty label is an error."""
    header, records = read_table(path, argument)
    text_name = pick_column(header, text_col, TEXT_COLUMNS, "text", path, "--text-col")
    label_name = pick_column(header, label_col, LABEL_COLUMNS, "label", path, "--label-col") if need_labels or label_col else None
    texts, labels = [], []
    for number, row in records:
        text = row.get(text_name, "").strip()
        if not text:
            continue
        label = row.get(label_name, "").strip() if label_name else ""
        if label_name and not label:
            raise ValueError(f"{path}, line {number}: empty label in column {label_name!r}")
        texts.append(text)
        labels.append(label)
    if not texts:
        raise ValueError(f"{argument} {path}: no row has text in column {text_name!r}")
    return texts, labels
