"""Sequence-to-sequence checkpoints: the weights and everything needed to translate with them.

One safetensors file, in the layout of rnnkit's task checkpoints: weights under
``model/<state_dict key>`` and, in the header under ``rnnkit-task``, a JSON record with
``task: "seq2seq"``, the network's config, both vocabularies (tokenizer JSON, never pickle), the
longest output to generate and the run's history. A run directory (``--out``) holds
``model.safetensors``; every command that takes a checkpoint also takes the directory.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import safetensors
import safetensors.torch

from ...models.seq2seq import Seq2Seq, Seq2SeqConfig
from ...training.checkpoint import write_atomically
from .data import Side

KEY = "rnnkit-task"
TASK = "seq2seq"
MODEL_FILE = "model.safetensors"


def save_seq2seq(path: str | os.PathLike, model: Seq2Seq, source: Side, target: Side, record: dict[str, Any]) -> None:
    """Write ``path`` atomically: weights, config, vocabularies, and ``record`` (history, settings)."""
    tensors = {f"model/{key}": value.detach().cpu().contiguous().clone() for key, value in model.state_dict().items()}
    full = {**record, "task": TASK, "config": model.config.to_json(), "source": source.to_json(), "target": target.to_json()}
    write_atomically(str(path), safetensors.torch.save(tensors, {KEY: json.dumps(full, ensure_ascii=False)}))


def resolve(checkpoint: str | os.PathLike) -> Path:
    """The file ``checkpoint`` names: itself, or ``model.safetensors`` inside a run directory."""
    path = Path(checkpoint)
    if path.is_dir():
        if (path / MODEL_FILE).is_file():
            return path / MODEL_FILE
        raise ValueError(f"{path}: a folder without {MODEL_FILE}; is it a run directory written by 'rnnkit train seq2seq --out'?")
    if not path.is_file():
        raise ValueError(f"{path}: no such checkpoint file or run directory")
    return path


def load_seq2seq(checkpoint: str | os.PathLike) -> tuple[Seq2Seq, Side, Side, dict[str, Any]]:
    """``(model in eval mode, source side, target side, record)``; a clear error for any other file."""
    path = resolve(checkpoint)
    data = path.read_bytes()
    try:
        tensors = safetensors.torch.load(data)
        header_length = int.from_bytes(data[:8], "little")
        metadata = json.loads(data[8 : 8 + header_length]).get("__metadata__") or {}
    except (safetensors.SafetensorError, ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: not an rnnkit checkpoint (not a safetensors file: {error})") from None
    record = json.loads(metadata[KEY]) if KEY in metadata else {}
    if record.get("task") != TASK:
        found = f"a checkpoint of task {record['task']!r}" if "task" in record else "not an rnnkit task checkpoint"
        raise ValueError(f"{path}: {found}; expected one written by 'rnnkit train seq2seq'")
    try:
        model = Seq2Seq(Seq2SeqConfig.from_json(record["config"]))
        model.load_state_dict({k.removeprefix("model/"): v for k, v in tensors.items() if k.startswith("model/")})
        sides = Side.from_json(record["source"]), Side.from_json(record["target"])
    except (KeyError, TypeError, RuntimeError, ValueError) as error:
        raise ValueError(f"{path}: a damaged seq2seq checkpoint ({type(error).__name__}: {error})") from None
    return model.eval(), sides[0], sides[1], record


__all__ = ["MODEL_FILE", "TASK", "load_seq2seq", "resolve", "save_seq2seq"]
