"""Labelled rows from TSV, CSV and JSON-lines files, with errors that name the file, line and column.

The format follows the suffix: ``.jsonl``/``.json`` is one JSON object per line, ``.csv`` is
comma-separated with quoting, anything else (``.tsv``, ``.txt``: the NSMC ``id\\tdocument\\tlabel``
files) is tab-separated without quoting. The first line of a CSV/TSV file names the columns.
Every fault in a file is a :class:`~rnnkit.errors.FileFormatError` whose ``field`` is the line
(``line 12``, or ``line 12, column 'label'``).
"""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path
from typing import Collection, Iterator

from ..errors import FileFormatError
from ..limits import load_json
from .text_files import read_text

TEXT_COLUMNS = ("text", "document", "sentence", "review", "content", "comment")
LABEL_COLUMNS = ("label", "labels", "sentiment", "class", "category", "target", "y")

Rows = list[tuple[int, dict[str, str]]]  # (line number, {column: value}) per row


def table_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson"):
        return "jsonl"
    return "csv" if suffix == ".csv" else "tsv"


def read_table(path: str | os.PathLike, argument: str = "--data") -> tuple[list[str], Rows]:
    """``(column names, [(line number, row), ...])`` of a TSV/CSV/JSONL file; every value a string."""
    path = Path(path)
    text = read_text(path, argument)
    kind = table_format(path)
    if kind == "jsonl":
        return _read_jsonl(path, text)
    rows = _tsv_rows(text) if kind == "tsv" else _csv_rows(path, text)
    first = next(rows, None)
    if first is None:
        raise FileFormatError(path, "no header line: every line is blank or holds only empty fields")
    header_line, header = first
    header = [name.strip() for name in header]
    for position, name in enumerate(header):
        if name in header[:position]:
            raise FileFormatError(path, f"column {name!r} is named twice in the header", field=f"line {header_line}")
    records = []
    for number, values in rows:
        if len(values) != len(header):
            raise FileFormatError(path, f"{len(values)} columns, but the header (line {header_line}) names {len(header)}: {header}",
                                  field=f"line {number}")
        records.append((number, dict(zip(header, values))))
    if not records:
        raise FileFormatError(path, "only a header line, no rows")
    return header, records


def _tsv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    return ((number, line.split("\t")) for number, line in enumerate(text.split("\n"), 1) if line.strip())


def _csv_rows(path: Path, text: str) -> Iterator[tuple[int, list[str]]]:
    """Each non-blank record with the line it starts on (a quoted field may span lines)."""
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    start = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise FileFormatError(path, f"{error} (a quote that is never closed, or a field over the limit?)", field=f"line {start}") from None
        if any(v.strip() for v in values):
            yield start, values
        start = reader.line_num + 1


def _read_jsonl(path: Path, text: str) -> tuple[list[str], Rows]:
    records, names = [], {}
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        value = load_json(path, f"line {number}", line)
        if not isinstance(value, dict):
            raise FileFormatError(path, field=f"line {number}", expected="a JSON object per line", found=type(value).__name__)
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                raise FileFormatError(path, field=f"line {number}, key {key!r}", expected="a string, a number or null",
                                      found=type(item).__name__)
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


def check_label(path: str | os.PathLike, where: str, label: str, known: Collection[str] | None = None) -> str:
    """``label`` (the value at ``where`` in the file), refused when empty, a NaN, or not among the ``known`` classes."""
    if not label:
        raise FileFormatError(path, "empty label", field=where)
    if _is_nan(label):
        raise FileFormatError(path, f"the label is {label!r}, a missing value; fill or drop the row", field=where)
    if known is not None and label not in known:
        shown = sorted(known)
        raise FileFormatError(path, f"label {label!r} is not one of the {len(shown)} classes the model knows: "
                                    f"{shown[:10]}{' ...' if len(shown) > 10 else ''}", field=where)
    return label


def _is_nan(text: str) -> bool:
    try:
        return math.isnan(float(text))
    except ValueError:
        return False


def read_labelled_texts(path: str | os.PathLike, text_col: str | None = None, label_col: str | None = None,
                        argument: str = "--data", need_labels: bool = True,
                        known: Collection[str] | None = None) -> tuple[list[str], list[str]]:
    """``(texts, labels)`` from a table; rows with an empty text are skipped.

    A label that is empty, NaN or (given ``known``, the classes of a model) unknown is an error naming its line.
    """
    header, records = read_table(path, argument)
    text_name = pick_column(header, text_col, TEXT_COLUMNS, "text", path, "--text-col")
    label_name = pick_column(header, label_col, LABEL_COLUMNS, "label", path, "--label-col") if need_labels or label_col else None
    texts, labels = [], []
    for number, row in records:
        text = row.get(text_name, "").strip()
        if not text:
            continue
        label = check_label(path, f"line {number}, column {label_name!r}", row.get(label_name, "").strip(), known) if label_name else ""
        texts.append(text)
        labels.append(label)
    if not texts:
        raise FileFormatError(path, f"no row has text in column {text_name!r}")
    return texts, labels
