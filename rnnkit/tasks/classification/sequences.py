"""Numeric sequences to classify (sensor, speech-feature or activity data), from an NPZ file or a long table.

The NPZ file holds ``x``: floats ``(N, T, F)`` and ``y``: ``(N,)`` integer or string labels, and
optionally ``lengths``: ``(N,)`` the real steps of each sequence (the rest of its ``T`` steps is
padding). It is read with ``allow_pickle=False``. A long table (CSV/TSV/JSONL) has one row per
time step: a sequence-id column, a label column (one label per sequence), optionally a time
column that orders the rows of a sequence (else file order), and numeric feature columns; both
read to the same ``(sequences, labels)``. Features are standardised with the mean and standard
deviation of the training sequences' real steps; padding is all-zero steps, which the model's
``Masking`` layer skips (so a real step of exact zeros after scaling would be skipped too, as in
Keras).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Collection, NamedTuple

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from ...data.padding import LengthBuckets
from ...data.tables import LABEL_COLUMNS, check_label, pick_column, read_table
from ...datasets.npz import load_npz
from ...errors import FileFormatError

ID_COLUMNS = ("id", "sequence", "series", "sequence_id", "series_id")
TIME_COLUMNS = ("time", "step", "t", "frame")
DATA_DIR = Path(__file__).parent / "data"
FLOAT32_MAX = float(np.finfo(np.float32).max)
# UCI Japanese Vowels, the data set's own split (see data/LICENSES.md)
JAPANESE_VOWELS = {"train": DATA_DIR / "japanese_vowels_train.npz", "test": DATA_DIR / "japanese_vowels_test.npz"}


def read_feature_sequences(path: str | os.PathLike, argument: str = "--data", labelled: bool = True,
                           known: Collection[str] | None = None) -> tuple[list[np.ndarray], list[str]]:
    """``(sequences, labels)``: each sequence ``(T_i, F)`` float32 without its padding (labels "" if not ``labelled``).

    Labels that are NaN or (given ``known``, a model's classes) unknown are refused, naming their index in ``y``.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{argument} {path}: no such file")
    arrays = load_npz(path)
    for name in ("x", "y") if labelled else ("x",):
        if name not in arrays:
            raise FileFormatError(path, field=name, expected=f"an array {name!r} (x: (N, T, F), y: (N,))", found=f"only {sorted(arrays)}")
    x = arrays["x"]
    if x.ndim != 3 or x.dtype.kind not in "fiu" or 0 in x.shape:
        raise FileFormatError(path, field="x", expected="numbers shaped (N, T, F), none of them 0", found=f"{x.dtype} {x.shape}")
    with np.errstate(over="ignore"):
        x = x.astype(np.float32)
    bad = np.argwhere(~np.isfinite(x))
    if len(bad):
        raise FileFormatError(path, field=f"x[{', '.join(map(str, bad[0]))}]", expected="finite numbers in float32's range",
                              found="NaN, infinite or too large")
    lengths = arrays.get("lengths", np.full(len(x), x.shape[1]))
    if lengths.shape != (len(x),) or lengths.dtype.kind not in "iu" or (lengths < 1).any() or (lengths > x.shape[1]).any():
        raise FileFormatError(path, field="lengths", expected=f"{len(x)} integers between 1 and {x.shape[1]}",
                              found=f"{lengths.dtype} {lengths.shape}")
    labels = [""] * len(x)
    if labelled:
        y = arrays["y"]
        if y.shape != (len(x),) or y.dtype.kind not in "iufUS":
            raise FileFormatError(path, field="y", expected=f"({len(x)},) integer or string labels to match x", found=f"{y.dtype} {y.shape}")
        labels = [check_label(path, f"y[{i}]", str(v).strip(), known) for i, v in enumerate(y.tolist())]
    return [x[i, : int(n)] for i, n in enumerate(lengths)], labels


class SequenceTable(NamedTuple):
    sequences: list[np.ndarray]  # (T_i, F) float32 each, in the order of their ids' first rows
    labels: list[str]  # one per sequence; "" when the table was read without labels
    ids: list[str]
    columns: dict[str, Any]  # id_col, label_col, time_col (or None: file order), features


def read_sequence_table(path: str | os.PathLike, id_col: str | None = None, label_col: str | None = None,
                        time_col: str | None = None, features: list[str] | None = None,
                        argument: str = "--data", labelled: bool = True, known: Collection[str] | None = None) -> SequenceTable:
    """The sequences of a long table: one row per time step, a sequence's rows sharing its id.

    Columns not named are found by name (``id``/``sequence``/``series``, ``label``/``class``/...,
    ``time``/``step``/``t``/``frame`` or none); the features default to every other column whose
    first row holds a number. ``columns`` records the choice, so ``--val``, ``eval`` and ``predict``
    files are read the same way (``read_sequence_table(other, **table.columns)``). Without
    ``labelled``, a missing label column is no error (the labels are then ""). A label that is empty,
    NaN or (given ``known``, a model's classes) unknown is an error naming its line.
    """
    header, records = read_table(path, argument)
    id_name = pick_column(header, id_col, ID_COLUMNS, "sequence-id", path, "--id-col")
    label_name = None
    if labelled or label_col in header or (label_col is None and any(name.lower() in LABEL_COLUMNS for name in header)):
        label_name = pick_column(header, label_col, LABEL_COLUMNS, "label", path, "--label-col")
    if time_col is not None:
        time_name = pick_column(header, time_col, (), "time", path, "--time-col")
    else:
        time_name = next((name for name in header if name.lower() in TIME_COLUMNS), None)
    taken = [name for name in (id_name, label_name, time_name) if name is not None]
    if features is None:
        first = records[0][1]
        names = [name for name in header if name not in taken and _is_number(first.get(name, ""))]
        if not names:
            raise FileFormatError(path, f"no numeric feature column besides {taken}; name them with --features", field=f"line {records[0][0]}")
    else:
        for name in features:
            if name not in header:
                raise ValueError(f"--features {name!r}: {path} has no such column; its columns are {header}")
            if name in taken:
                raise ValueError(f"--features {name!r}: in {path} that is the id, label or time column")
        names = list(features)

    steps: dict[str, list[tuple[float, int, list[float]]]] = {}  # id -> (order, line, values) per row
    first_label: dict[str, tuple[str, int]] = {}  # id -> (label, line it was first given on)
    for number, row in records:
        key = row.get(id_name, "").strip()
        if not key:
            raise FileFormatError(path, "empty sequence id", field=f"line {number}, column {id_name!r}")
        where = f"line {number}, column {label_name!r}"
        label = check_label(path, where, row.get(label_name, "").strip(), known) if label_name else ""
        first, line = first_label.setdefault(key, (label, number))
        if label != first:
            raise FileFormatError(path, f"sequence {key!r} is labelled {label!r} here but {first!r} on line {line}; "
                                        "each sequence takes one label", field=where)
        order = _number(path, number, time_name, row.get(time_name, "")) if time_name else float(number)
        steps.setdefault(key, []).append((order, number, [_number(path, number, name, row.get(name, "")) for name in names]))
    sequences = []
    for key, rows in steps.items():
        rows.sort(key=lambda r: r[0])
        for before, after in zip(rows, rows[1:]):
            if before[0] == after[0]:
                raise FileFormatError(path, f"sequence {key!r} has time {after[0]:g} already on line {before[1]}",
                                      field=f"line {after[1]}, column {time_name!r}")
        sequences.append(np.array([values for _, _, values in rows], dtype=np.float32))  # (T_i, F)
    columns = {"id_col": id_name, "label_col": label_name, "time_col": time_name, "features": names}
    return SequenceTable(sequences, [first_label[key][0] for key in steps], list(steps), columns)


def read_sequences(path: str | os.PathLike, columns: dict[str, Any], argument: str = "--data",
                   labelled: bool = True, known: Collection[str] | None = None) -> tuple[list[np.ndarray], list[str], list[str]]:
    """``(sequences, labels, ids)`` from an NPZ file (by its suffix; ids are row numbers) or a long table read with ``columns``;
    labels outside ``known`` (a model's classes, if given) are refused."""
    if is_feature_file(path):
        sequences, labels = read_feature_sequences(path, argument, labelled, known)
        return sequences, labels, [str(i) for i in range(len(sequences))]
    table = read_sequence_table(path, argument=argument, labelled=labelled, known=known, **columns)
    return table.sequences, table.labels, table.ids


def is_feature_file(path: str | os.PathLike) -> bool:
    return str(path).lower().endswith(".npz")


def _is_number(text: str) -> bool:
    """Whether ``text`` is a number a float32 model can take: finite, within float32's range."""
    try:
        return abs(float(text)) <= FLOAT32_MAX
    except ValueError:
        return False


def _number(path: str | os.PathLike, line: int, column: str, text: str) -> float:
    text = text.strip()
    if not _is_number(text):
        found = "empty" if not text else f"{text!r} is not a finite number within float32's range"
        raise FileFormatError(path, f"{found}; expected a number (fill or drop the row)", field=f"line {line}, column {column!r}")
    return float(text)


def fit_standardiser(sequences: list[np.ndarray]) -> dict[str, list[float]]:
    steps = np.concatenate(sequences)
    std = steps.std(axis=0)
    return {"mean": steps.mean(axis=0).tolist(), "std": np.where(std > 0, std, 1.0).tolist()}


def standardise(sequences: list[np.ndarray], scaler: dict[str, list[float]]) -> list[np.ndarray]:
    mean, std = np.array(scaler["mean"], np.float32), np.array(scaler["std"], np.float32)
    return [(s - mean) / std for s in sequences]


class FeatureSequences(Dataset):
    """Samples ``(sequence (T, F), target[, weight])``; :meth:`collate` pads a batch with zero steps."""

    def __init__(self, sequences: list[np.ndarray], targets: list[int], weights: list[float] | None = None):
        self.sequences, self.targets, self.weights = sequences, targets, weights

    def __len__(self) -> int:
        return len(self.sequences)

    def __getitem__(self, index: int) -> int:
        return index

    def collate(self, indices: list[int]) -> tuple[torch.Tensor, ...]:
        longest = max(len(self.sequences[i]) for i in indices)
        x = torch.zeros(len(indices), longest, self.sequences[indices[0]].shape[1])  # (B, T, F)
        for row, i in enumerate(indices):
            x[row, : len(self.sequences[i])] = torch.from_numpy(self.sequences[i])
        y = torch.tensor([self.targets[i] for i in indices], dtype=torch.long)
        if self.weights is None:
            return x, y
        return x, y, torch.tensor([self.weights[i] for i in indices], dtype=torch.float32)


def feature_loader(sequences: list[np.ndarray], targets: list[int], batch_size: int, shuffle: bool, weights: list[float] | None = None) -> DataLoader:
    data = FeatureSequences(sequences, targets, weights)
    return DataLoader(data, batch_sampler=LengthBuckets([len(s) for s in sequences], batch_size, shuffle), collate_fn=data.collate)


def feature_probabilities(model: torch.nn.Module, sequences: list[np.ndarray], batch_size: int = 256) -> np.ndarray:
    data = FeatureSequences(sequences, [0] * len(sequences))
    result = np.zeros((len(sequences), model.outputs[0].shape[-1]), dtype=np.float32)
    model.eval()
    with torch.inference_mode():
        for batch in LengthBuckets([len(s) for s in sequences], batch_size, shuffle=False):
            result[batch] = torch.softmax(model(data.collate(batch)[0]), dim=-1).numpy()
    return result
