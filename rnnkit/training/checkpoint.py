"""Resumable training checkpoints: one :mod:`rnnkit.safetensors_file` of kind ``training``, written atomically.

The file holds the tensors (``model/<state_dict key>``, ``optimizer/<param index>/<name>``,
``rng/torch``) and a header with everything else: the number of finished epochs, the optimizer's
name, step count, learning rate and settings (``optimizer``), Python's and numpy's generator
states (``rng``), and, when a task saves it, the task's own ``record`` (config, vocabulary,
history: ``extra=``), so a task writes its checkpoint once. Reading it runs no code (no pickle),
so a checkpoint from anywhere is safe to open.

Resuming: build and compile the model as before, then::

    epoch = load_checkpoint("ckpt.safetensors", model)
    model.fit(x, y, epochs=10, initial_epoch=epoch)

On CPU this gives, bit for bit, the losses the uninterrupted run would have had.
"""

from __future__ import annotations

import os
from typing import Any

import torch

from .. import safetensors_file
from .seeding import generator_states, restore_generator_states

__all__ = ["load_checkpoint", "read_checkpoint", "save_checkpoint"]


def _optimizer_parts(model: Any) -> tuple[dict[str, torch.Tensor], dict[str, Any] | None]:
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or optimizer.torch_optimizer is None:
        return {}, None
    state = optimizer.state_dict()
    tensors, torch_record = safetensors_file.optimizer_parts(state["torch"])
    return tensors, {"name": optimizer.name, "iterations": state["iterations"], "learning_rate": state["learning_rate"], **torch_record}


def save_checkpoint(path: str | os.PathLike, model: Any, epoch: int, extra: dict[str, Any] | None = None) -> None:
    """Save ``model``'s weights, its optimizer's state, ``epoch`` (epochs finished) and the generators.

    ``extra`` (JSON-ready) is stored as the header's ``record``: a task's config and vocabulary,
    so that its checkpoint is this one file, written once.
    """
    tensors = {f"model/{key}": value.detach().cpu().contiguous().clone() for key, value in model.state_dict().items()}
    optimizer_tensors, optimizer_record = _optimizer_parts(model)
    rng_tensors, rng_plain = generator_states()
    record: dict[str, Any] = {"epoch": int(epoch), "optimizer": optimizer_record, "rng": rng_plain}
    if extra is not None:
        record["record"] = extra
    safetensors_file.save(path, "training", {**tensors, **optimizer_tensors, **rng_tensors}, record)


def read_checkpoint(path: str | os.PathLike) -> safetensors_file.Contents:
    """The header and tensors of a training checkpoint; a clear error naming the file if it is not one."""
    contents = safetensors_file.load(path)
    if contents.kind != "training":
        raise safetensors_file.FileFormatError(path, f"an rnnkit {contents.kind} file, not a training checkpoint")
    return contents


def _restore_model(path: str, model: Any, saved: dict[str, torch.Tensor]) -> None:
    current = model.state_dict()
    missing, unexpected = sorted(set(current) - set(saved)), sorted(set(saved) - set(current))
    if missing or unexpected:
        raise ValueError(
            f"{path}: the checkpoint's weights do not fit this model (missing {missing}, unexpected "
            f"{unexpected}); build the same model, and build it before loading"
        )
    for key, value in saved.items():
        if value.shape != current[key].shape:
            raise ValueError(f"{path}: weight {key} has shape {tuple(value.shape)} in the checkpoint but {tuple(current[key].shape)} in the model")
    model.load_state_dict(saved)


def _restore_optimizer(path: str, model: Any, tensors: dict[str, torch.Tensor], record: dict[str, Any]) -> None:
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        raise ValueError(f"{path}: the checkpoint holds optimizer state; compile the model before loading it")
    if optimizer.name != record["name"]:
        raise ValueError(f"{path}: the checkpoint was trained with optimizer {record['name']!r}; the model is compiled with {optimizer.name!r}")
    if optimizer.torch_optimizer is None:
        optimizer.bind(model.parameters())
    current_groups = optimizer.torch_optimizer.param_groups
    groups = []
    for saved, current in zip(record["param_groups"], current_groups):
        groups.append({key: tuple(value) if isinstance(current.get(key), tuple) else value for key, value in saved.items()})
    torch_state = safetensors_file.optimizer_state_dict(tensors, {"state": record["state"], "param_groups": groups})
    try:
        optimizer.load_state_dict({"iterations": record["iterations"], "learning_rate": record["learning_rate"], "torch": torch_state})
    except ValueError as error:
        raise ValueError(f"{path}: the optimizer state does not fit this model's optimizer ({error})") from error


def load_checkpoint(path: str | os.PathLike, model: Any) -> int:
    """Restore what :func:`save_checkpoint` saved into ``model`` (compiled) and return the epoch to resume at."""
    path = os.fspath(path)
    contents = read_checkpoint(path)
    header = contents.header
    _restore_model(path, model, contents.group("model"))
    if header["optimizer"] is not None:
        _restore_optimizer(path, model, contents.group("optimizer"), header["optimizer"])
    restore_generator_states(contents.tensors, header["rng"])
    return int(header["epoch"])
