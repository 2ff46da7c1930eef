"""Keras's ``keras.utils.PyDataset`` (Keras 2's ``Sequence``): a dataset the user writes by batch index.

A subclass defines ``__len__`` (the number of batches) and ``__getitem__(index)`` returning batch
``index`` as ``(x, y)``, ``(x, y, sample_weight)`` or ``x``; ``on_epoch_end`` (for instance, to
reshuffle) runs after every full pass. ``fit``/``evaluate``/``predict`` read it one batch at a
time in the calling process: ``workers``, ``use_multiprocessing`` and ``max_queue_size`` are
kept for Keras code that passes them, and change how fast batches come, never which.
"""

from __future__ import annotations

from typing import Any, Iterator


class PyDataset:
    """Batches by index; subclass it and define ``__len__`` and ``__getitem__``."""

    def __init__(self, workers: int = 1, use_multiprocessing: bool = False, max_queue_size: int = 10):
        self.workers = workers
        self.use_multiprocessing = use_multiprocessing
        self.max_queue_size = max_queue_size

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(index) returning batch `index`")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__() returning the number of batches")

    def on_epoch_begin(self) -> None:
        """Called before each pass over the batches."""

    def on_epoch_end(self) -> None:
        """Called after each full pass over the batches."""

    def __iter__(self) -> Iterator[Any]:
        self.on_epoch_begin()
        for index in range(len(self)):
            yield self[index]
        self.on_epoch_end()


Sequence = PyDataset  # Keras 2's name, still exported by Keras 3 as keras.utils.Sequence
