"""Language-model checkpoints: one safetensors file that carries everything needed to sample.

A file is an rnnkit training checkpoint (:func:`rnnkit.training.save_checkpoint`: weights,
optimizer state, epoch, random generators, so ``--resume`` continues exactly) whose header also
holds, under ``rnnkit-language-model``, the model config, the tokenizer's JSON state and the run's
history. Nothing in it is executed when it is read.

A run directory (``--out``) holds ``latest.safetensors`` (written after every epoch and on
Ctrl-C), ``best.safetensors`` (lowest validation loss so far) and ``loss.png``. Wherever a
command takes a checkpoint, the directory works too: it means its best checkpoint, else its latest.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import safetensors
import safetensors.torch
import torch

from ...data import tokenizer_from_json
from ...training import save_checkpoint
from ...training.checkpoint import write_atomically
from .model import LanguageModel, ModelConfig

KEY = "rnnkit-language-model"
LATEST, BEST = "latest.safetensors", "best.safetensors"


def save_lm_checkpoint(path: str | os.PathLike, model: LanguageModel, tokenizer: Any, epoch: int, extra: dict[str, Any]) -> None:
    """Write ``path`` atomically: the training checkpoint plus config, tokenizer and ``extra`` (history, settings)."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    save_checkpoint(partial, model, epoch)
    try:
        data = partial.read_bytes()
        tensors = safetensors.torch.load(data)
        metadata = _metadata(data)
        record = {"config": model.config.to_json(), "tokenizer": tokenizer.to_json(), **extra}
        metadata[KEY] = json.dumps(record, ensure_ascii=False)
        write_atomically(str(path), safetensors.torch.save(tensors, metadata=metadata))
    finally:
        partial.unlink(missing_ok=True)


def _metadata(data: bytes) -> dict[str, str]:
    header_length = int.from_bytes(data[:8], "little")
    return dict(json.loads(data[8 : 8 + header_length]).get("__metadata__") or {})


def resolve(checkpoint: str | os.PathLike) -> Path:
    """The checkpoint file that ``checkpoint`` (a file, or a run directory) names."""
    path = Path(checkpoint)
    if path.is_dir():
        for name in (BEST, LATEST):
            if (path / name).is_file():
                return path / name
        raise ValueError(f"{path}: a folder without {BEST} or {LATEST}; is it a run directory written by 'rnnkit train lm --out'?")
    if not path.exists():
        raise ValueError(f"{path}: no such checkpoint file or run directory")
    return path


def read_lm_checkpoint(checkpoint: str | os.PathLike) -> tuple[Path, dict[str, torch.Tensor], dict[str, Any]]:
    """``(file, tensors, record)`` of a language-model checkpoint; a clear error for anything else."""
    path = resolve(checkpoint)
    data = path.read_bytes()
    try:
        tensors = safetensors.torch.load(data)
        metadata = _metadata(data)
    except (safetensors.SafetensorError, ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: not an rnnkit checkpoint (not a safetensors file: {error})") from None
    if KEY not in metadata:
        raise ValueError(f"{path}: a safetensors file, but not an rnnkit language-model checkpoint")
    return path, tensors, json.loads(metadata[KEY])


def load_language_model(checkpoint: str | os.PathLike) -> tuple[LanguageModel, Any, dict[str, Any]]:
    """``(model in eval mode, tokenizer, record)`` from a checkpoint file or run directory."""
    path, tensors, record = read_lm_checkpoint(checkpoint)
    model = LanguageModel(ModelConfig.from_json(record["config"]))
    weights = {key.removeprefix("model/"): value for key, value in tensors.items() if key.startswith("model/")}
    try:
        model.load_state_dict(weights)
    except RuntimeError as error:
        raise ValueError(f"{path}: the weights do not fit the config the file carries ({error})") from None
    return model.eval(), tokenizer_from_json(record["tokenizer"]), record
