"""Numeric sequences to classify (sensor, speech-feature or activity data), read from an NPZ file.

The file holds ``x``: floats ``(N, T, F)`` and ``y``: ``(N,)`` integer or string labels, and
optionally ``lengths``: ``(N,)`` the real steps of each sequence (the rest of its ``T`` steps is
padding). It is read with ``allow_pickle=False``. Features are standardised with the mean and
standard deviation of the training sequences' real steps; padding is all-zero steps, which the
model's ``Masking`` layer skips (so a real step of exact zeros after scaling would be skipped too,
as in Keras).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from ...data.padding import LengthBuckets


def read_feature_sequences(path: str | os.PathLike, argument: str = "--data") -> tuple[list[np.ndarray], list[str]]:
    """``(sequences, labels)``: each sequence ``(T_i, F)`` float32 without its padding."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{argument} {path}: no such file")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {k: archive[k] for k in archive.files}
    except (ValueError, OSError) as error:
        raise ValueError(f"{argument} {path}: not a readable NPZ file without pickled objects ({error})") from None
    for name in ("x", "y"):
        if name not in arrays:
            raise ValueError(f"{argument} {path}: no array {name!r}; it has {sorted(arrays)} (expected x: (N, T, F), y: (N,))")
    x, y = arrays["x"], arrays["y"]
    if x.ndim != 3 or x.dtype.kind not in "fiu":
        raise ValueError(f"{argument} {path}: x must be numbers shaped (N, T, F); got {x.dtype} {x.shape}")
    if y.shape != (len(x),):
        raise ValueError(f"{argument} {path}: y must have shape ({len(x)},) to match x; got {y.shape}")
    lengths = arrays.get("lengths", np.full(len(x), x.shape[1]))
    if lengths.shape != (len(x),) or (lengths < 1).any() or (lengths > x.shape[1]).any():
        raise ValueError(f"{argument} {path}: lengths must be {len(x)} integers between 1 and {x.shape[1]}")
    if not np.isfinite(x).all():
        raise ValueError(f"{argument} {path}: x holds NaN or infinite values")
    return [x[i, : int(n)].astype(np.float32) for i, n in enumerate(lengths)], [str(v) for v in y.tolist()]


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
