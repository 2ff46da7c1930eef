"""What every task's ``train`` shares: the held-out split, the result, and "fit, keep the best epoch".

:func:`hold_out` picks the validation rows the same way in every task (one numpy generator,
seeded). :func:`fit_keeping_best` fits within the epoch count and the time limit, writes the
checkpoint whenever the monitored score improves (:class:`~rnnkit.training.task_files.SaveBest`)
and loads that best epoch back, so the model a task returns is the one its file holds; after each
finished epoch it writes the run's resume checkpoint (:mod:`rnnkit.tasks.resume`).
:class:`TaskRun` is what ``train`` returns for every task. :func:`run_lock` keeps a second
process from writing a run folder while one is training into it.
"""

from __future__ import annotations

import contextlib
import fcntl
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence, TypeVar

import numpy as np

from ..training.callbacks import EarlyStopping
from ..training.task_files import MODEL_FILE, SaveBest, TimeLimit, load_weights_into, read_task_model
from .resume import RESUME_FILE, Resumable, SaveResumable, stored_settings

LOCK_FILE = ".lock"


class RunFolderBusyError(OSError):
    """Another process holds the run folder's lock: it is training into that folder now."""

Row = TypeVar("Row")


@dataclass
class TaskRun:
    """A finished training run: where its files are, its per-epoch history and the trained model.

    ``best`` is the ``monitor`` score of the epoch kept (``best_epoch``; None where a task keeps
    the last one); ``stopped_by`` says why training ended ('epochs', 'time', 'nan',
    'early stopping'); ``details`` holds what the task built besides the model (its vocabulary,
    classes, held-out scores), by name.
    """

    out: Path
    checkpoint: Path
    history: list[dict[str, Any]]
    model: Any = field(repr=False)
    monitor: str | None = None
    best: float | None = None
    best_epoch: int | None = None
    stopped_by: str = "epochs"
    details: dict[str, Any] = field(default_factory=dict, repr=False)


def hold_out(rows: Sequence[Row], fraction: float, seed: int, what: str = "rows") -> tuple[list[Row], list[Row]]:
    """``(kept, held)``: a seeded random ``fraction`` of ``rows`` held out for validation (at least one)."""
    if len(rows) < 2:
        raise ValueError(f"need at least 2 {what} to hold some out for validation; got {len(rows)} (or give val)")
    order = np.random.default_rng(seed).permutation(len(rows))
    cut = max(1, int(round(len(rows) * fraction)))
    return [rows[i] for i in order[cut:]], [rows[i] for i in order[:cut]]


@contextlib.contextmanager
def run_lock(out: str | os.PathLike) -> Iterator[None]:
    """Hold ``out/.lock`` (created with ``out``) while the block runs; :class:`RunFolderBusyError` if another process holds it.

    The lock is ``flock``'s, which the system releases when its process ends however it ends
    (even ``kill -9``), so a crashed run never leaves a stale lock. The file holds the holder's pid,
    for the error message, and stays in the folder.
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_FILE, "a+", encoding="ascii") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise RunFolderBusyError(f"{folder}: another rnnkit process (pid {holder}) is training into this run folder; "
                                     "wait for it to end or give another --out") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield


def fit_keeping_best(model: Any, train_data: Any, *, validation_data: Any, out: str | Path, record: Callable[[], dict[str, Any]],
                     monitor: str, mode: str, epochs: int, limit: TimeLimit, say: Callable[[str], None],
                     callbacks: Sequence[Resumable] = (), settings: Any = None, patience: int | None = None,
                     **fit_options: Any) -> TaskRun:
    """Fit ``model`` (compiled), saving ``out/model.safetensors`` at each better ``monitor``; return the best epoch's model.

    ``record()`` is the checkpoint's task record (called at each save); ``limit`` stops training
    after its minutes; ``callbacks`` run after the saver (a schedule, early stopping);
    ``fit_options`` go to ``model.fit`` (``batch_size`` for arrays). ``patience``: stop once
    ``monitor`` has not improved for that many epochs (early stopping on the score the checkpoint
    keeps). With ``settings`` (the task's settings dataclass) the run is resumable: after each
    finished epoch ``out/resume.safetensors`` keeps them, the model and the ``callbacks``' state
    (each must be :class:`Resumable`, as early stopping is), and with ``settings.resume`` the run
    continues from that file.
    """
    out_dir = Path(out)
    saver = SaveBest(out_dir / MODEL_FILE, record, monitor=monitor, mode=mode, say=say)
    if patience is not None:
        callbacks = [*callbacks, EarlyStopping(monitor=monitor, mode=mode, patience=patience)]
    resumable = []
    if settings is not None:
        stored = stored_settings(settings)
        resumable.append(SaveResumable(out_dir / RESUME_FILE, lambda: {**record(), "settings": stored}, [saver, *callbacks]))
    with run_lock(out_dir):
        initial_epoch = resumable[0].first_epoch(model, settings.resume, epochs) if resumable else 0
        model.fit(train_data, epochs=epochs, initial_epoch=initial_epoch, validation_data=validation_data, verbose=0,
                  callbacks=[limit, saver, *callbacks, *resumable], **fit_options)
    if not saver.best_epoch:
        raise ValueError(f"no epoch finished with a finite {monitor}; nothing was saved (try a smaller learning_rate)")
    path, weights, _ = read_task_model(out_dir / MODEL_FILE)
    load_weights_into(model, weights, path)
    if limit.reached:
        stopped_by = "time"
    elif not math.isfinite(saver.history[-1].get("loss", math.nan)):
        stopped_by = "nan"
    else:
        stopped_by = "epochs" if len(saver.history) == epochs else "early stopping"
    return TaskRun(out_dir, path, saver.history, model.eval(), monitor, saver.best, saver.best_epoch, stopped_by)
