"""A numeric series from a CSV file (or a bundled one), its chronological split, scaling and windows.

The rows are in time order. The split is chronological: the first ``train`` fraction of the rows
trains, the next ``val`` fraction chooses the epoch, the rest is the test part. The scaler's mean
and standard deviation come from the training rows only, so nothing about the validation or test
part reaches the network before it is evaluated there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ...data.tables import read_table
from ...errors import FileFormatError
from ..settings import SettingError

BUNDLED = {
    "co2": ("co2_monthly.csv", "co2", 12, "monthly Mauna Loa CO2 (ppmv), 1958-2001"),
    "sunspots": ("sunspots_yearly.csv", "sunspots", 11, "yearly sunspot numbers, 1700-2008"),
}
DATA_DIR = Path(__file__).parent / "data"
LARGEST = float(np.finfo(np.float32).max)  # the largest magnitude read: what a float32 model can take


def bundled(name: str) -> tuple[str, str, int, str]:
    """``(csv path, target column, season, description)`` of a bundled series."""
    if name not in BUNDLED:
        raise ValueError(f"dataset must be one of {', '.join(sorted(BUNDLED))}; got {name!r}")
    file, target, season, description = BUNDLED[name]
    return str(DATA_DIR / file), target, season, description


def read_series(path: str | os.PathLike, target: str, features: list[str] | None = None) -> np.ndarray:
    """The columns ``[target, *features]`` as floats ``(T, 1 + F)``; errors name the file, line and column."""
    header, records = read_table(path, "--data")
    columns = [target, *(features or [])]
    for name in columns:
        if name not in header:
            raise SettingError("target" if name == target else "features", f"{name!r}: {path} has no such column; its columns are {header}")
    values = np.empty((len(records), len(columns)), dtype=np.float64)
    for row, (number, record) in enumerate(records):
        for col, name in enumerate(columns):
            text = record[name].strip()
            try:
                value = float(text)
            except ValueError:
                raise FileFormatError(path, f"{text!r} is not a number", field=f"line {number}, column {name!r}") from None
            if not abs(value) <= LARGEST:
                raise FileFormatError(path, f"{text!r} is missing, not finite or beyond ±{LARGEST:g}; fill or drop it first",
                                      field=f"line {number}, column {name!r}")
            values[row, col] = value
    return values


@dataclass(frozen=True)
class Split:
    """Row counts of the chronological parts: ``[0, train)``, ``[train, val_end)``, ``[val_end, total)``."""

    train: int
    val_end: int
    total: int

    @classmethod
    def of(cls, total: int, train: float, val: float) -> "Split":
        if not (0 < train < 1 and 0 < val < 1 and train + val < 1):
            raise ValueError(f"train_fraction and val_fraction must be fractions with a sum < 1; got {train} and {val}")
        return cls(int(total * train), int(total * (train + val)), total)


@dataclass(frozen=True)
class Scaler:
    """Per-column standardisation fitted on the training rows."""

    mean: tuple[float, ...]
    std: tuple[float, ...]

    @classmethod
    def fit(cls, rows: np.ndarray) -> "Scaler":
        std = rows.std(axis=0)
        return cls(tuple(rows.mean(axis=0).tolist()), tuple(np.where(std > 0, std, 1.0).tolist()))

    def transform(self, values: np.ndarray) -> np.ndarray:
        return (values - np.array(self.mean)) / np.array(self.std)

    def inverse_target(self, scaled: np.ndarray) -> np.ndarray:
        return scaled * self.std[0] + self.mean[0]

    def to_json(self) -> dict[str, Any]:
        return {"mean": list(self.mean), "std": list(self.std)}

    @classmethod
    def from_json(cls, state: dict[str, Any]) -> "Scaler":
        return cls(tuple(state["mean"]), tuple(state["std"]))


def windows(scaled: np.ndarray, window: int, horizon: int, first_target: int, end: int, relative: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inputs ``(N, window, F)``, targets ``(N, horizon)`` and origins ``(N,)`` for every forecast whose
    ``horizon`` targets lie in rows ``[first_target, end)``; the origin is the row of the first target.

    With ``relative`` every value is taken relative to the target's last value in the window, so the
    network predicts changes and a trend leaving the training range does not push it off its scale.
    """
    origins = np.arange(max(first_target, window), end - horizon + 1)
    if len(origins) == 0:
        return np.zeros((0, window, scaled.shape[1]), np.float32), np.zeros((0, horizon), np.float32), origins
    x = np.stack([scaled[o - window : o] for o in origins])  # (N, window, F)
    y = np.stack([scaled[o : o + horizon, 0] for o in origins])  # (N, horizon)
    if relative:
        last = x[:, -1:, 0]  # (N, 1)
        x = x.copy()
        x[:, :, 0] -= last
        y = y - last
    return x.astype(np.float32), y.astype(np.float32), origins


def sequence_windows(scaled: np.ndarray, window: int, horizon: int, first_target: int, end: int, relative: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The windows of :func:`windows` with targets ``(N, window, horizon)``: at step ``t`` of a window, the
    ``horizon`` rows after row ``t``. The last step's targets are :func:`windows`' targets, so every
    target lies in rows before ``end``, as there.

    With ``relative`` the inputs are taken relative to the window's first target value and each step's
    targets relative to that step's value: both are known at the step, which the window's last value is
    not (earlier steps could read their targets off an input measured from it).
    """
    origins = np.arange(max(first_target, window), end - horizon + 1)
    rows = origins[:, None] - window + np.arange(window)  # (N, window): the row read at each step
    x = scaled[rows]  # (N, window, F)
    y = scaled[rows[:, :, None] + np.arange(1, horizon + 1), 0]  # (N, window, horizon)
    if relative:
        at_step = x[:, :, 0].copy()  # (N, window)
        x[:, :, 0] -= at_step[:, :1]
        y = y - at_step[:, :, None]
    return x.astype(np.float32), y.astype(np.float32), origins
