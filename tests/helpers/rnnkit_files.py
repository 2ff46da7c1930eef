"""Small rnnkit files of each kind, and a way to rewrite their header and tensors, for hostile-file tests.

``make_files(folder)`` writes a language-model checkpoint (kind ``training``), a classifier
checkpoint (kind ``task``) and a compiled model file (kind ``model``), each a few KB.
``rewrite(source, target, header=..., tensors=...)`` writes ``target`` with the same layout but
the header and tensors edited by the given functions, bypassing every check of the writer, so a
test can build exactly the file an attacker would.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import numpy as np
import safetensors.torch
import torch

import rnnkit as keras
from rnnkit import safetensors_file
from rnnkit.data import CharTokenizer
from rnnkit.tasks.classification.model import ClassifierConfig, build_classifier
from rnnkit.tasks.classification.text import TextEncoder
from rnnkit.tasks.language_model import LanguageModel, ModelConfig
from rnnkit.tasks.language_model.checkpoint import save_lm_checkpoint
from rnnkit.training.task_files import save_task_model

Header = dict[str, Any]
Tensors = dict[str, torch.Tensor]


def make_files(folder: Path) -> dict[str, Path]:
    """``{"lm": ..., "task": ..., "model": ...}``: one small file of each kind under ``folder``."""
    keras.utils.set_random_seed(0)
    files = {"lm": folder / "lm.safetensors", "task": folder / "classifier.safetensors", "model": folder / "model.rnnkit"}
    lm = LanguageModel(ModelConfig(vocab_size=5, cell="lstm", layers=1, units=8, embedding=3, dropout=0.0))
    lm.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    ids = torch.tensor([[0, 1, 2, 3, 4, 0]])
    lm.fit(ids[:, :-1], ids[:, 1:], epochs=1, verbose=0)
    save_lm_checkpoint(files["lm"], lm, CharTokenizer(list(" .abc")), epoch=1, extra={"history": []})
    config = ClassifierConfig(vocab_size=6, classes=2, units=3, embedding=4, dropout=0.0)
    encoder = TextEncoder.train("char", ["ab ab", "ba"], max_len=10)
    save_task_model(files["task"], build_classifier(config), {"task": "classify", "config": config.to_json(),
                                                              "encoder": encoder.to_json(), "classes": ["no", "yes"]})
    model = keras.Sequential([keras.Input((4, 2)), keras.layers.GRU(3), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.zeros((2, 4, 2), "float32"), np.zeros((2, 1), "float32"), epochs=1, verbose=0)
    model.save(files["model"])
    return files


def read(path: Path) -> tuple[Header, Tensors]:
    contents = safetensors_file.load(path)
    return contents.header, dict(contents.tensors)


def write(path: Path, header: Any, tensors: Tensors) -> Path:
    """A safetensors file with ``header`` (any JSON value, or a string kept as it is) as its rnnkit record."""
    text = header if isinstance(header, str) else json.dumps(header)
    path.write_bytes(safetensors.torch.save({k: v.contiguous() for k, v in tensors.items()}, {safetensors_file.METADATA_KEY: text}))
    return path


def rewrite(source: Path, target: Path, header: Callable[[Header], Any] | None = None,
            tensors: Callable[[Tensors], Tensors] | None = None) -> Path:
    """``source`` rewritten to ``target`` with its header and tensors passed through the given edits."""
    old_header, old_tensors = read(source)
    return write(target, header(old_header) if header else old_header, tensors(old_tensors) if tensors else old_tensors)
