"""Checkpoints of task models (classify, tag, forecast, seq2seq): weights plus everything needed to use them.

A checkpoint is one :mod:`rnnkit.safetensors_file` of kind ``task``: the model's weights under
``model/<state_dict key>`` and, in the header's ``record``, the task's name (``task``), the
network's config, the vocabulary or scaling, and the run's history. Reading it runs no code. A
run directory (``--out``) holds ``model.safetensors`` (a language model's: ``best``/``latest``);
every command that takes a checkpoint also takes the directory (:func:`resolve_task_checkpoint`).
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path
from typing import Any

import torch

from .. import safetensors_file
from ..errors import FileFormatError
from ..file_records import record_field
from ..limits import load_json
from ..weight_checks import checked_weights
from .callbacks import Callback

MODEL_FILE = "model.safetensors"
# What a run directory holds, in the order a command picks it: a task's best model, else a language model's
# best checkpoint, else its latest.
RUN_FILES = (MODEL_FILE, "best.safetensors", "latest.safetensors")
ENSEMBLE_FILE = "ensemble.json"
MAX_MEMBERS = 64


def save_task_model(path: str | os.PathLike, model: torch.nn.Module, record: dict[str, Any]) -> None:
    """Write ``path`` atomically; ``record`` must hold ``task`` and be JSON-serialisable."""
    tensors = {f"model/{key}": value for key, value in model.state_dict().items()}
    safetensors_file.save(path, "task", tensors, {"record": record})


def ensemble_members(checkpoint: str | os.PathLike) -> list[Path] | None:
    """The member folders ``checkpoint/member-1`` ... when it is an ensemble's run folder, else None.

    An ensemble's folder (``rnnkit train classify --ensemble N``) holds :data:`ENSEMBLE_FILE`, which
    names the task and counts the members, and one run folder per member. It keeps no paths, so
    an ensemble never points rnnkit at files outside its own folder.
    """
    manifest = Path(checkpoint) / ENSEMBLE_FILE
    if not manifest.is_file():
        return None
    record = load_json(manifest, "ensemble", manifest.read_bytes(), max_size=4096)
    if not isinstance(record, dict) or not isinstance(record.get("task"), str):
        raise FileFormatError(manifest, field="task", expected="the task's name", found=repr(record.get("task") if isinstance(record, dict) else record))
    count = record.get("members")
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_MEMBERS:
        raise FileFormatError(manifest, field="members", expected=f"a whole number from 1 to {MAX_MEMBERS}", found=repr(count))
    return [ensemble_member(checkpoint, k) for k in range(1, count + 1)]


def ensemble_member(out: str | os.PathLike, k: int) -> Path:
    """The run folder of member ``k`` (1-based) of the ensemble in ``out``."""
    return Path(out) / f"member-{k}"


def resolve_task_checkpoint(checkpoint: str | os.PathLike) -> Path:
    """The file ``checkpoint`` names: itself, or the first of :data:`RUN_FILES` inside a run directory."""
    path = Path(checkpoint)
    members = ensemble_members(path)
    if members is not None:
        raise ValueError(f"{path}: an ensemble of {len(members)} models ({ENSEMBLE_FILE}); give one member's folder ({members[0]}), "
                         "or the ensemble's folder to 'rnnkit eval' or 'rnnkit predict', which average its members")
    if path.is_dir():
        for name in RUN_FILES:
            if (path / name).is_file():
                return path / name
        raise ValueError(f"{path}: a folder without {' or '.join(RUN_FILES)}; is it a run directory written by 'rnnkit train ... --out'?")
    if not path.is_file():
        raise ValueError(f"{path}: no such checkpoint file or run directory")
    return path


def task_record(path: str | os.PathLike, header: dict[str, Any]) -> dict[str, Any]:
    """The task's record of a header (``{}`` for a file no task wrote), its ``task`` a string when present."""
    record = record_field(path, header, "record", (dict, type(None)), where="rnnkit", default=None) or {}
    record_field(path, record, "task", str, where="rnnkit.record", default=None)
    return record


def read_task_model(checkpoint: str | os.PathLike, task: str | None = None) -> tuple[Path, dict[str, torch.Tensor], dict[str, Any]]:
    """``(file, weights by state_dict key, record)``; a clear error for files that are not task checkpoints (of ``task``)."""
    path = resolve_task_checkpoint(checkpoint)
    contents = safetensors_file.load(path)
    record = task_record(path, contents.header)
    if contents.kind != "task":
        if record.get("task") == "lm":
            raise FileFormatError(path, "a language-model checkpoint; use 'rnnkit sample' or 'rnnkit score' with it")
        raise FileFormatError(path, f"an rnnkit {contents.kind} file, not a checkpoint of 'rnnkit train classify|tag|forecast|seq2seq'")
    if task is not None and record.get("task") != task:
        raise FileFormatError(path, field="rnnkit.record.task", expected=f"a checkpoint of 'rnnkit train {task}'", found=repr(record.get("task")))
    return path, contents.group("model"), record


def load_weights_into(model: torch.nn.Module, weights: dict[str, torch.Tensor], path: Path) -> None:
    """Copy a task checkpoint's ``weights`` into ``model`` once every one fits it (cast to its dtypes)."""
    model.load_state_dict(checked_weights(path, weights, model.state_dict(), "model/"))


def restored_history(state: dict[str, Any]) -> tuple[list[dict[str, float]], int, dict[str, float] | None]:
    """``(history, best epoch, the best epoch's row or None)`` from a saver's resume ``state`` (``history``, ``best_epoch``)."""
    history, best_epoch = [dict(row) for row in state["history"]], int(state["best_epoch"])
    return history, best_epoch, history[best_epoch - 1] if best_epoch else None


class SaveBest(Callback):
    """After each epoch, save the model when ``monitor`` improved (record from ``record()``), and keep the history.

    A tie on ``monitor`` (common for accuracy on a small validation set) goes to the epoch with the
    lower ``val_loss``: the same right answers given with more confidence.
    """

    def __init__(self, path: str | os.PathLike, record: Any, monitor: str = "val_loss", mode: str = "min", say: Any = print):
        super().__init__()
        self.path, self.record, self.monitor, self.mode, self.say = Path(path), record, monitor, mode, say
        self.best = math.inf if mode == "min" else -math.inf
        self.best_epoch = 0
        self.best_loss = math.inf
        self.history: list[dict[str, float]] = []
        self.started = time.monotonic()

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        logs = dict(logs or {})
        logs["epoch"], logs["seconds"] = epoch + 1, round(time.monotonic() - self.started, 1)
        self.history.append(logs)
        value = logs.get(self.monitor, logs.get(self.monitor.removeprefix("val_")))
        shown = "  ".join(f"{k} {v:.4f}" for k, v in logs.items() if k not in ("epoch", "seconds"))
        loss = logs.get("val_loss", math.inf)
        better = value is not None and math.isfinite(value) and (
            (value < self.best if self.mode == "min" else value > self.best) or (value == self.best and loss < self.best_loss))
        self.say(f"epoch {epoch + 1}: {shown}  ({logs['seconds']:.0f} s){'  saved' if better else ''}")
        if better:
            self.best, self.best_epoch, self.best_loss = value, epoch + 1, loss
            save_task_model(self.path, self.model, {**self.record(), "history": self.history, "best_epoch": self.best_epoch})

    def state(self) -> dict[str, Any]:
        """The history and the best epoch, for a resume checkpoint (:mod:`rnnkit.tasks.resume`)."""
        return {"history": self.history, "best_epoch": self.best_epoch}

    def restore(self, state: dict[str, Any]) -> None:
        """Continue from :meth:`state`: the best score and its loss are those of the best epoch's row."""
        self.history, self.best_epoch, row = restored_history(state)
        if row is not None:
            self.best = row.get(self.monitor, row.get(self.monitor.removeprefix("val_")))
            self.best_loss = row.get("val_loss", math.inf)
        if self.history:
            self.started = time.monotonic() - self.history[-1]["seconds"]


CLOCKS = {"wall": time.monotonic, "cpu": time.process_time}


class TimeLimit(Callback):
    """Stops training after the first batch that ends ``minutes`` (None: no limit) into the run.

    The clock is wall time, or with ``clock="cpu"`` this process's CPU time, which a crowded
    machine does not eat into (with one thread it is the wall time the run would take on an idle
    core). The epoch it stops in is closed normally, so its checkpoint and report still happen.
    """

    def __init__(self, minutes: float | None, clock: str = "wall"):
        super().__init__()
        if minutes is not None and not minutes > 0:
            raise ValueError(f"TimeLimit: minutes must be > 0; got {minutes}")
        if clock not in CLOCKS:
            raise ValueError(f"clock must be one of {sorted(CLOCKS)}; got {clock!r}")
        self.clock = CLOCKS[clock]
        self.seconds = None if minutes is None else 60.0 * minutes
        self.started = self.clock()
        self.reached = False

    def elapsed(self) -> float:
        return self.clock() - self.started

    def on_train_batch_end(self, batch: int, logs: dict[str, float] | None = None) -> None:
        if self.seconds is not None and self.elapsed() >= self.seconds:
            self.reached = True
            self.model.stop_training = True
