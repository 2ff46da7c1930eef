"""Language-model checkpoints: one safetensors file that carries everything needed to sample.

A file is an rnnkit training checkpoint (:func:`rnnkit.training.save_checkpoint`: weights,
optimizer state, epoch, random generators, so ``--resume`` continues exactly) whose ``record``
holds ``task: "lm"``, the model config, the tokenizer's JSON state and the run's history; it is
written once per save. Nothing in it is executed when it is read.

A run directory (``--out``) holds ``latest.safetensors`` (written after every finished epoch: the
resume checkpoint), ``best.safetensors`` (lowest validation loss so far) and ``loss.png``. Wherever a
command takes a checkpoint, the directory works too: it means its best checkpoint, else its latest.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch

from ... import safetensors_file
from ...errors import FileFormatError
from ...file_records import config_from_record
from ...training import save_checkpoint
from ...training.task_files import resolve_task_checkpoint, task_record
from ...weight_checks import build_from_weights
from ..checkpoint_records import tokenizer_from_record
from .model import LanguageModel, ModelConfig

TASK = "lm"
LATEST, BEST = "latest.safetensors", "best.safetensors"


def lm_record(model: LanguageModel, tokenizer: Any, extra: dict[str, Any]) -> dict[str, Any]:
    """A checkpoint's record: the task, config, tokenizer and ``extra`` (history, settings)."""
    return {"task": TASK, "config": model.config.to_json(), "tokenizer": tokenizer.to_json(), **extra}


def save_lm_checkpoint(path: str | os.PathLike, model: LanguageModel, tokenizer: Any, epoch: int, extra: dict[str, Any]) -> None:
    """Write ``path`` atomically: the training checkpoint plus config, tokenizer and ``extra`` (history, settings)."""
    save_checkpoint(path, model, epoch, extra=lm_record(model, tokenizer, extra))


def read_lm_checkpoint(checkpoint: str | os.PathLike) -> tuple[Path, dict[str, torch.Tensor], dict[str, Any]]:
    """``(file, weights by state_dict key, record)`` of a language-model checkpoint; a clear error for anything else."""
    path = resolve_task_checkpoint(checkpoint)
    contents = safetensors_file.load(path)
    record = task_record(path, contents.header)
    if contents.kind != "training" or record.get("task") != TASK:
        raise FileFormatError(path, "a safetensors file, but not an rnnkit language-model checkpoint")
    return path, contents.group("model"), record


def load_language_model(checkpoint: str | os.PathLike) -> tuple[LanguageModel, Any, dict[str, Any]]:
    """``(model in eval mode, tokenizer, record)`` from a checkpoint file or run directory."""
    path, weights, record = read_lm_checkpoint(checkpoint)
    config = config_from_record(path, ModelConfig, record.get("config"), "rnnkit.record.config")
    model = build_from_weights(path, lambda: LanguageModel(config), weights, config.layers)
    tokenizer = tokenizer_from_record(path, record.get("tokenizer"), "rnnkit.record.tokenizer", config.vocab_size)
    return model.eval(), tokenizer, record
