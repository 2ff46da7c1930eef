"""How training reads the text: windows drawn at random, each from a zero state, or streams that carry their state.

``random`` (:func:`windows`): non-overlapping windows of ``seq_len`` tokens, shuffled; every
window starts from a zero state, so the first tokens of each are predicted with no context and
the model never learns to use more than ``seq_len`` tokens of it.

``streams`` (:class:`StreamBatches`, char-rnn's truncated backpropagation through time): each
epoch, row ``b`` of every batch continues row ``b`` of the batch before in the text, and the
model starts it from the state the previous batch left (detached: gradients stop at the batch
edge, the context does not). The state is reset at each epoch's start, so an epoch depends only
on the random generators a checkpoint restores and a resumed run repeats the uninterrupted one.
"""

from __future__ import annotations

from typing import Iterator

import torch
from torch.utils.data import Dataset, Sampler


def windows(ids: torch.Tensor, seq_len: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Non-overlapping inputs ``(N, seq_len)`` and their next-token targets ``(N, seq_len)``."""
    count = (len(ids) - 1) // seq_len
    x = ids[: count * seq_len].view(count, seq_len)
    y = ids[1 : count * seq_len + 1].view(count, seq_len)
    return x, y


class TextWindows(Dataset):
    """Item ``o``: the window of ``seq_len`` ids at offset ``o`` and its next-token targets, ``((L,), (L,))``."""

    def __init__(self, ids: torch.Tensor, seq_len: int):
        self.ids, self.seq_len = ids, seq_len

    def __len__(self) -> int:
        return len(self.ids) - self.seq_len  # offsets whose targets exist

    def __getitem__(self, offset: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.ids[offset : offset + self.seq_len], self.ids[offset + 1 : offset + self.seq_len + 1]


class StreamBatches(Sampler[list[int]]):
    """``steps`` batches of ``batch_size`` offsets into :class:`TextWindows`: row ``b`` of batch ``k`` is
    the window after row ``b`` of batch ``k - 1``.

    Each epoch's ``batch_size`` streams start at random offsets (torch's global generator) and
    wrap around at the end of the text, where a stream jumps back to its beginning.
    """

    def __init__(self, windows: TextWindows, batch_size: int, steps: int):
        self.offsets, self.seq_len, self.batch_size, self.steps = len(windows), windows.seq_len, batch_size, steps

    def __len__(self) -> int:
        return self.steps

    def __iter__(self) -> Iterator[list[int]]:
        starts = torch.randint(self.offsets, (self.batch_size,))
        for k in range(self.steps):
            yield ((starts + k * self.seq_len) % self.offsets).tolist()
