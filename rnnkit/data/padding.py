"""Padding variable-length sequences into batches (with Keras's ``pad_sequences``), and length buckets.

Padding uses id 0 (``<pad>``), which ``Embedding(mask_zero=True)`` masks, so padded steps never
reach the recurrent layers' results. Sorting nearby sequences by length before batching
(:class:`LengthBuckets`) keeps the padding, and so the wasted steps, small.
"""

from __future__ import annotations

from typing import Iterator, Sequence

import numpy as np
import torch
from torch.utils.data import Dataset, Sampler

from ..preprocessing.sequence import pad_sequences  # the one implementation; re-exported here

__all__ = ["LengthBuckets", "PaddedSequences", "pad_sequences"]


class PaddedSequences(Dataset):
    """Samples ``(ids, target[, weight])``; :meth:`collate` pads a batch to its longest sequence.

    ``ids`` are lists of ints; a target is an int (one label) or a list of ints (one per step,
    padded with 0 and masked by the model).
    """

    def __init__(self, ids: list[list[int]], targets: list, weights: Sequence[float] | None = None):
        self.ids, self.targets, self.weights = ids, targets, weights

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: int) -> int:
        return index

    def collate(self, indices: list[int]) -> tuple[torch.Tensor, ...]:
        x = torch.from_numpy(pad_sequences([self.ids[i] for i in indices], padding="post", dtype="int64"))  # (B, T)
        first = self.targets[indices[0]]
        if isinstance(first, (list, tuple)):
            y = torch.from_numpy(pad_sequences([self.targets[i] for i in indices], maxlen=x.shape[1], padding="post", dtype="int64"))
        else:
            y = torch.tensor([self.targets[i] for i in indices], dtype=torch.long)
        if self.weights is None:
            return x, y
        return x, y, torch.tensor([self.weights[i] for i in indices], dtype=torch.float32)


class LengthBuckets(Sampler[list[int]]):
    """Batches of indices of similar length: shuffled pools of ``pool`` batches, sorted by length inside.

    With ``shuffle=False`` the batches follow sorted length (for evaluation). Shuffling draws from
    torch's global generator, so a seeded run repeats.
    """

    def __init__(self, lengths: Sequence[int], batch_size: int, shuffle: bool = True, pool: int = 50):
        self.lengths = np.asarray(lengths)
        self.batch_size, self.shuffle, self.pool = batch_size, shuffle, pool

    def __len__(self) -> int:
        return (len(self.lengths) + self.batch_size - 1) // self.batch_size

    def __iter__(self) -> Iterator[list[int]]:
        if not self.shuffle:
            order = np.argsort(self.lengths, kind="stable")
            yield from (order[i : i + self.batch_size].tolist() for i in range(0, len(order), self.batch_size))
            return
        order = torch.randperm(len(self.lengths)).numpy()
        size = self.batch_size * self.pool
        batches = []
        for start in range(0, len(order), size):
            chunk = order[start : start + size]
            chunk = chunk[np.argsort(self.lengths[chunk], kind="stable")]
            batches += [chunk[i : i + self.batch_size].tolist() for i in range(0, len(chunk), self.batch_size)]
        for index in torch.randperm(len(batches)).tolist():
            yield batches[index]
