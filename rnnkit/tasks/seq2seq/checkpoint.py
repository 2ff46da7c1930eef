"""Sequence-to-sequence checkpoints: the weights and everything needed to translate with them.

One safetensors file, in the layout of rnnkit's task checkpoints: weights under
``model/<state_dict key>`` and, in the header under ``rnnkit-task``, a JSON record with
``task: "seq2seq"``, the network's config, both vocabularies (tokenizer JSON, never pickle), the
longest output to generate and the run's history. A run directory (``--out``) holds
``model.safetensors``; every command that takes a checkpoint also takes the directory.
"""

from __future__ import annotations

import os
from typing import Any

from ...models.seq2seq import Seq2Seq, Seq2SeqConfig
from ...training.task_files import MODEL_FILE, read_task_model, save_task_model
from .data import Side

TASK = "seq2seq"


def save_seq2seq(path: str | os.PathLike, model: Seq2Seq, source: Side, target: Side, record: dict[str, Any]) -> None:
    """Write ``path`` atomically: weights, config, vocabularies, and ``record`` (history, settings)."""
    full = {**record, "task": TASK, "config": model.config.to_json(), "source": source.to_json(), "target": target.to_json()}
    save_task_model(path, model, full)


def load_seq2seq(checkpoint: str | os.PathLike) -> tuple[Seq2Seq, Side, Side, dict[str, Any]]:
    """``(model in eval mode, source side, target side, record)``; a clear error for any other file."""
    path, weights, record = read_task_model(checkpoint)
    if record.get("task") != TASK:
        found = f"a checkpoint of task {record['task']!r}" if "task" in record else "not an rnnkit task checkpoint"
        raise ValueError(f"{path}: {found}; expected one written by 'rnnkit train seq2seq'")
    try:
        model = Seq2Seq(Seq2SeqConfig.from_json(record["config"]))
        model.load_state_dict(weights)
        sides = Side.from_json(record["source"]), Side.from_json(record["target"])
    except (KeyError, TypeError, RuntimeError, ValueError) as error:
        raise ValueError(f"{path}: a damaged seq2seq checkpoint ({type(error).__name__}: {error})") from None
    return model.eval(), sides[0], sides[1], record


__all__ = ["MODEL_FILE", "TASK", "load_seq2seq", "save_seq2seq"]
