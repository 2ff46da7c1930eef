"""Keras's ``timeseries_dataset_from_array``: sliding windows over an array, in batches.

Window ``i`` starts at row ``start_index + p_i`` with ``p_i = i * sequence_stride`` and takes
``sequence_length`` rows ``sampling_rate`` apart; its target is ``targets[start_index + p_i]``
(Keras's alignment: the target row of the window's *first* step, so a forecaster passes targets
shifted by the horizon). Windows stop where one would run past ``end_index`` or, with targets,
past ``len(targets)``. Batches are ``(x, y)`` with ``x`` of shape ``(batch, sequence_length,
*data.shape[1:])``, or ``x`` alone when ``targets=None``; the last batch may be smaller.

The result is re-iterable (one pass per epoch), has ``len()`` (its number of batches) and
``take(n)``; ``fit``/``evaluate``/``predict`` accept it. With ``shuffle=True`` the windows of
every pass come in a new order drawn from ``seed``: the same windows and batch sizes as Keras's,
but not TensorFlow's order (its shuffle buffer cannot be reproduced without TensorFlow).
"""

from __future__ import annotations

import copy
import math
from typing import Any, Iterator

import numpy as np
import torch


class TimeseriesDataset:
    """Batches of windows (see the module docstring); iterate it, or pass it to ``fit``."""

    def __init__(self, data: np.ndarray, targets: np.ndarray | None, starts: np.ndarray, offsets: np.ndarray,
                 batch_size: int | None, shuffle: bool, seed: int | None):
        self.data = data  # (time, *features)
        self.targets = targets  # (time, *target shape), read at each window's first row, or None
        self.starts = starts  # (windows,) row of each window's first step in data
        self.offsets = offsets  # (sequence_length,) steps of a window after its first
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.rng = np.random.RandomState(seed)
        self.limit: int | None = None

    def __len__(self) -> int:
        batches = len(self.starts) if self.batch_size is None else math.ceil(len(self.starts) / self.batch_size)
        return batches if self.limit is None else min(batches, self.limit)

    def take(self, count: int) -> "TimeseriesDataset":
        """The first ``count`` batches (all of them for ``count=-1``), as tf.data's ``take``."""
        if not isinstance(count, int) or count < -1:
            raise ValueError(f"take: count must be a non-negative integer or -1; got {count!r}")
        taken = copy.copy(self)
        if count != -1:
            taken.limit = count if self.limit is None else min(count, self.limit)
        return taken

    def __iter__(self) -> Iterator[Any]:
        starts = self.rng.permutation(self.starts) if self.shuffle else self.starts
        size = 1 if self.batch_size is None else self.batch_size
        for number, first in enumerate(range(0, len(starts), size)):
            if self.limit is not None and number >= self.limit:
                return
            chosen = starts[first : first + size]
            x = torch.from_numpy(self.data[chosen[:, None] + self.offsets])  # (batch, sequence_length, *features)
            y = None if self.targets is None else torch.from_numpy(self.targets[chosen])
            if self.batch_size is None:
                x, y = x[0], None if y is None else y[0]
            yield x if y is None else (x, y)

    def __repr__(self) -> str:
        return f"<TimeseriesDataset: {len(self)} batches of up to {self.batch_size} windows of {len(self.offsets)} steps>"


def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"timeseries_dataset_from_array: {name} must be a positive integer; got {value!r}")
    return int(value)


def timeseries_dataset_from_array(
    data: Any,
    targets: Any,
    sequence_length: int,
    sequence_stride: int = 1,
    sampling_rate: int = 1,
    batch_size: int | None = 128,
    shuffle: bool = False,
    seed: int | None = None,
    start_index: int | None = None,
    end_index: int | None = None,
) -> TimeseriesDataset:
    """Windows of ``data`` (rows = time steps) with Keras's arguments and checks; see the module docstring."""
    data = np.asarray(data)
    if data.ndim == 0 or data.dtype.kind not in "biuf":
        raise ValueError(f"timeseries_dataset_from_array: data must be an array of numbers with a time axis; got shape {data.shape}, dtype {data.dtype}")
    length = len(data)
    sequence_length = _positive_int(sequence_length, "sequence_length")
    sampling_rate = _positive_int(sampling_rate, "sampling_rate")
    sequence_stride = _positive_int(sequence_stride, "sequence_stride")
    if batch_size is not None:
        batch_size = _positive_int(batch_size, "batch_size")
    if sampling_rate >= length or sequence_stride >= length:
        raise ValueError(
            f"timeseries_dataset_from_array: sampling_rate ({sampling_rate}) and sequence_stride "
            f"({sequence_stride}) must be lower than the length of the data ({length})"
        )
    if start_index:
        if start_index < 0 or start_index >= length:
            raise ValueError(f"timeseries_dataset_from_array: start_index must be in [0, {length}); got {start_index}")
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError(f"timeseries_dataset_from_array: end_index ({end_index}) must be higher than start_index ({start_index})")
        if end_index >= length or end_index <= 0:
            raise ValueError(f"timeseries_dataset_from_array: end_index must be in (0, {length}); got {end_index}")
    start = start_index or 0
    end = end_index or length
    windows = end - start - (sequence_length - 1) * sampling_rate
    if targets is not None:
        targets = np.asarray(targets)
        if targets.ndim == 0:
            raise ValueError("timeseries_dataset_from_array: targets must be an array with one row per time step; got a scalar")
        windows = min(windows, len(targets) - start)
    positions = np.arange(0, max(windows, 0), sequence_stride)
    offsets = np.arange(sequence_length) * sampling_rate
    return TimeseriesDataset(data, targets, positions + start, offsets, batch_size, shuffle, seed)
