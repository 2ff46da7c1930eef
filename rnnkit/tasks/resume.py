"""``--resume``: continue a task's run exactly where its last finished epoch left it.

A run folder holds a resume checkpoint (a language model's ``latest.safetensors``, every other
task's ``resume.safetensors``), written after each finished epoch and after the files that epoch
changed (the best model), so it is the commit point: a run killed or interrupted at any moment
resumes from the last finished epoch and redoes the unfinished one. It is an
:func:`rnnkit.training.save_checkpoint` (weights, optimizer, random generators, epoch) whose record
holds the run's full settings and the state of the callbacks that decide what happens next (the
best score so far, early stopping's patience).

Resuming takes every setting from that record, so the data, its order, the learning-rate
schedule and the precision are the original run's; only ``epochs`` and ``minutes`` may be given
anew (to extend a run). A setting given with another value than the run's is refused rather than
silently ignored; a value equal to the setting's default counts as not given. A cosine schedule
over epochs keeps the horizon of the original ``epochs`` unless a new ``epochs`` extends it; one
over ``minutes`` (a clock) cannot repeat exactly and restarts its clock. The files a run read
(``data``, ``val``, ``vectors``) are kept as fingerprints, never as paths
(:mod:`rnnkit.tasks.fingerprints`): a run on a user's files is resumed by naming them again, and
files that are not the run's are refused.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any, Callable, Protocol, Sequence, TypeVar

from ..errors import FileFormatError
from ..training import load_checkpoint, save_checkpoint
from ..training.callbacks import Callback
from ..training.checkpoint import read_checkpoint
from .fingerprints import checked_fingerprint, describe, fingerprint
from .settings import SettingError

Settings = TypeVar("Settings")
RESUME_FILE = "resume.safetensors"
MAY_CHANGE = ("epochs", "minutes", "clock", "samples", "out", "resume")  # settings that do not shape the trajectory
PATHS = ("data", "val", "vectors")  # settings naming files: stored as fingerprints, given again to resume


class Resumable(Protocol):
    """A callback whose state between epochs decides what training does next."""

    def state(self) -> dict[str, Any]: ...
    def restore(self, state: dict[str, Any]) -> None: ...


def stored_settings(settings: Any) -> dict[str, Any]:
    """``settings`` (a task's settings dataclass) as the JSON a resume checkpoint keeps: files as fingerprints."""
    return {name: fingerprint(value) if name in PATHS and value is not None else value
            for name, value in dataclasses.asdict(settings).items() if name != "out"}  # the run folder: where it is read from


def _same_file(path: Path, name: str, given: Any, stored: Any) -> Any:
    """``given`` (the user's ``--name`` for the resumed run) when it is the file the run read; a SettingError otherwise."""
    stored = checked_fingerprint(path, f"record.settings.{name}", stored)
    if stored is None:
        if given is not None:
            raise SettingError(name, f"{given}: the run in {path.parent} was trained without it; a resumed run keeps its own data")
        return None
    if given is None:
        raise SettingError(name, f"is needed to resume the run in {path.parent}: it was trained on {describe(stored)}; "
                                 "give that file again (a checkpoint keeps no paths)")
    if fingerprint(given) != stored:
        raise SettingError(name, f"{given} is not the file the run in {path.parent} was trained on ({describe(stored)}); "
                                 "a resumed run keeps its own data")
    return given


def resume_record(path: Path) -> dict[str, Any]:
    """The task record of the resume checkpoint ``path``; a :class:`SettingError` when there is none yet."""
    if not path.is_file():
        raise SettingError("resume", f"needs {path}, which does not exist: no epoch of a run in {path.parent} has finished; "
                                     "start the run without resume")
    record = read_checkpoint(path).header.get("record")
    if not isinstance(record, dict) or not isinstance(record.get("settings"), dict):
        raise FileFormatError(path, field="record.settings", expected="the run's settings (a JSON object)")
    return record


def continued(cls: type[Settings], given: Settings, path: Path) -> Settings:
    """The settings of the run whose resume checkpoint is ``path``, with ``given``'s epochs and minutes if set.

    Raises :class:`SettingError` naming the first setting ``given`` sets to another value than the run's.
    """
    stored = resume_record(path)["settings"]
    values = {}
    for field in dataclasses.fields(cls):
        if field.name == "out":
            continue
        if field.name not in stored:
            raise FileFormatError(path, field=f"record.settings.{field.name}", expected="a value (the file is from another rnnkit version)")
        value = getattr(given, field.name)
        is_default = field.default is not dataclasses.MISSING and value == field.default
        if field.name in PATHS:
            values[field.name] = _same_file(path, field.name, value, stored[field.name])
        elif field.name in MAY_CHANGE:
            values[field.name] = stored[field.name] if is_default else value
        elif is_default or value == stored[field.name]:
            values[field.name] = stored[field.name]
        else:
            raise SettingError(field.name, f"{value!r} differs from the {stored[field.name]!r} of the run in {path.parent}; a resumed run "
                                           "keeps its own settings (only epochs and minutes may change)")
    values["resume"], values["out"] = True, getattr(given, "out")
    try:
        return cls(**values)
    except (TypeError, ValueError) as error:
        raise FileFormatError(path, field="record.settings", expected=f"valid {cls.__name__}", found=str(error)) from None


class SaveResumable(Callback):
    """After each finished epoch, writes the resume checkpoint: model, optimizer, generators, settings, callbacks' state.

    Put it last among ``fit``'s callbacks, so the files the epoch changed are written before it.
    ``parts`` are the callbacks whose state it keeps (a :class:`Resumable` each, in a fixed
    order); :meth:`first_epoch` puts a saved run back into the model and, once ``fit`` has begun, into them.
    An epoch that ``fit`` cut short (a time limit) is not saved: resuming redoes it.
    """

    def __init__(self, path: str | os.PathLike, record: Callable[[], dict[str, Any]], parts: Sequence[Resumable] = ()):
        super().__init__()
        self.path, self.record, self.parts = Path(path), record, list(parts)
        self.restored: list[dict[str, Any]] | None = None
        self.batches = 0

    def first_epoch(self, model: Any, resume: bool, epochs: int) -> int:
        """0 for a new run; to ``resume``, restore the checkpoint into ``model`` (compiled) and return its epoch.

        The parts' states follow at ``on_train_begin``. A :class:`SettingError` when the run has
        already trained ``epochs``.
        """
        if not resume:
            return 0
        epoch = load_checkpoint(self.path, model)
        if epoch >= epochs:
            raise SettingError("epochs", f"{epochs}: the run in {self.path.parent} has already trained {epoch} epochs; "
                                         "ask for more to resume it")
        states = resume_record(self.path).get("callbacks", [])
        if not isinstance(states, list) or len(states) != len(self.parts) or not all(isinstance(s, dict) for s in states):
            raise FileFormatError(self.path, field="record.callbacks", expected=f"{len(self.parts)} callback states", found=states)
        self.restored = states
        return epoch

    def on_train_begin(self, logs: dict | None = None) -> None:
        if self.restored is not None:
            for index, (part, state) in enumerate(zip(self.parts, self.restored)):
                try:
                    part.restore(state)
                except (KeyError, IndexError, TypeError, ValueError) as error:
                    raise FileFormatError(self.path, field=f"record.callbacks[{index}]",
                                          expected=f"the state of a {type(part).__name__}", found=repr(error)) from None
            self.restored = None

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self.batches = 0

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.batches += 1

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.batches < self.params["steps"]:
            return
        record = {**self.record(), "callbacks": [part.state() for part in self.parts]}
        save_checkpoint(self.path, self.model, epoch + 1, extra=record)
