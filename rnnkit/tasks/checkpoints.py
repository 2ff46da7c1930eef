"""Which task a checkpoint belongs to, so ``rnnkit eval``/``predict`` can hand it to that task."""

from __future__ import annotations

import os

from ..training.task_files import task_name


def checkpoint_task(checkpoint: str | os.PathLike) -> str:
    """The ``task`` recorded in a checkpoint written by ``rnnkit train classify|tag|forecast`` (or a run directory)."""
    return task_name(checkpoint)
