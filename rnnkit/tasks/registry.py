"""Every task rnnkit trains, in one explicit table, and :func:`open_checkpoint` to find a checkpoint's task.

A checkpoint (or run directory) records the task that wrote it (``record["task"]`` in its
:mod:`rnnkit.safetensors_file` header), so ``rnnkit eval``, ``predict``, ``sample`` and
``inspect`` need only a path: they open it here and call what the table gives for that task.
A new task is one more :class:`Task` row in :data:`TASKS` (and its ``rnnkit train`` module in
:mod:`rnnkit.cli.train`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .. import safetensors_file
from ..errors import FileFormatError
from ..training.task_files import ensemble_members, resolve_task_checkpoint, task_record
from . import classification, dna, forecasting, language_model, music, seq2seq, speech, tagging


@dataclass(frozen=True)
class Task:
    """One task: its name in checkpoints, how to load one, and what the commands print for it.

    ``load(checkpoint)`` is the task's own loader (a model in eval mode and what it reads with).
    ``eval_text(checkpoint, data, out, options) -> str`` and ``predict_text(checkpoint, inputs,
    options) -> str`` are what ``rnnkit eval``/``predict`` print; ``predict_text`` is None where
    the task has its own command instead (a language model: ``sample``; seq2seq: ``translate``).
    ``reads_like`` names the task whose ``load`` result this one's has the shape of, for the commands
    that look inside a model (``rnnkit inspect``, ``serve``): "lm" (a model with ``step`` and a
    tokenizer), "classify" (a model, an encoder with ``tokens``/``encode``, the record); None: its own.
    ``sample_text(checkpoint, options) -> str`` is what ``rnnkit sample`` prints for a task that
    samples files of its own (music: tunes as ABC, MIDI, PNG); a language model streams text instead.
    """

    name: str
    title: str
    load: Callable[..., Any]
    eval_text: Callable[..., str]
    predict_text: Callable[..., str] | None = None
    reads_like: str | None = None
    sample_text: Callable[..., str] | None = None


TASKS: dict[str, Task] = {
    "lm": Task("lm", "a language model", language_model.load, language_model.eval_text, reads_like="lm"),
    "classify": Task("classify", "a classifier", classification.load, classification.eval_text, classification.predict_text,
                     reads_like="classify"),
    "tag": Task("tag", "a tagger", tagging.load, tagging.eval_text, tagging.predict_text),
    "forecast": Task("forecast", "a forecaster", forecasting.load, forecasting.eval_text, forecasting.predict_text),
    "seq2seq": Task("seq2seq", "an encoder-decoder", seq2seq.load, seq2seq.eval_text),
    "ctc": Task("ctc", "a speech recognizer", speech.load, speech.eval_text, speech.predict_text),
    "music": Task("music", "a tune model", music.load, music.eval_text, reads_like="lm", sample_text=music.sample_text),
    "dna": Task("dna", "a DNA classifier", dna.load, dna.eval_text, dna.predict_text, reads_like="classify"),
}


@dataclass(frozen=True)
class Checkpoint:
    """A task checkpoint file: where it is and its header (``kind`` 'task' or 'training', the task's ``record``)."""

    path: Path
    header: dict[str, Any]

    @property
    def record(self) -> dict[str, Any]:
        return task_record(self.path, self.header)


def open_checkpoint(checkpoint: str | os.PathLike) -> tuple[Task, Checkpoint]:
    """``(task, checkpoint)`` for a checkpoint file or run directory (an ensemble's: its first member); a clear error for any other file."""
    members = ensemble_members(checkpoint)
    path = resolve_task_checkpoint(checkpoint if members is None else members[0])  # an ensemble: its first member's task
    header = safetensors_file.read_header(path)
    found = Checkpoint(path, header)
    name = found.record.get("task")
    if header["kind"] in ("model", "weights"):
        raise FileFormatError(path, "an rnnkit model file (model.save), not a task checkpoint; 'rnnkit summary', 'inspect' and "
                              "'convert' read it")
    if name is None:
        raise FileFormatError(path, "a training checkpoint of a model (ModelCheckpoint), not of 'rnnkit train TASK'; "
                              "resume it with rnnkit.training.load_checkpoint")
    if name not in TASKS:
        raise FileFormatError(path, f"a checkpoint of task {name!r}, which this rnnkit does not know (it knows {', '.join(TASKS)})")
    return TASKS[name], found
