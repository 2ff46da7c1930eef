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

from ...file_records import config_from_record, record_field
from ...models.seq2seq import Seq2Seq, Seq2SeqConfig
from ...training.task_files import MODEL_FILE, read_task_model, save_task_model
from ...weight_checks import build_from_weights
from ..checkpoint_records import tokenizer_from_record
from .data import RESERVED, Side

TASK = "seq2seq"
MAX_LENGTH = 10_000  # the longest output a checkpoint may set (generation runs a step per token)


def save_seq2seq(path: str | os.PathLike, model: Seq2Seq, source: Side, target: Side, record: dict[str, Any]) -> None:
    """Write ``path`` atomically: weights, config, vocabularies, and ``record`` (history, settings)."""
    full = {**record, "task": TASK, "config": model.config.to_json(), "source": source.to_json(), "target": target.to_json()}
    save_task_model(path, model, full)


def load_seq2seq(checkpoint: str | os.PathLike) -> tuple[Seq2Seq, Side, Side, dict[str, Any]]:
    """``(model in eval mode, source side, target side, record)``; a clear error for any other file."""
    path, weights, record = read_task_model(checkpoint, TASK)
    config = config_from_record(path, Seq2SeqConfig, record.get("config"), "rnnkit.record.config")
    model = build_from_weights(path, lambda: Seq2Seq(config), weights, config.layers)
    source, target = (Side(tokenizer_from_record(path, record.get(name), f"rnnkit.record.{name}", size - RESERVED))
                      for name, size in (("source", config.source_vocab_size), ("target", config.target_vocab_size)))
    record_field(path, record, "max_length", int, where="rnnkit.record", default=50, minimum=1, maximum=MAX_LENGTH)
    return model.eval(), source, target, record


__all__ = ["MODEL_FILE", "TASK", "load_seq2seq", "save_seq2seq"]
