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
from ..errors import FileFormatError
from ..file_records import record_field
from ..weight_checks import checked_weights, optimizer_state_dict
from .seeding import checked_generator_states, generator_states, restore_generator_states

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
        raise FileFormatError(path, field="rnnkit.kind", expected="a training checkpoint", found=f"an rnnkit {contents.kind} file")
    return contents


def _optimizer_state(path: str, model: Any, tensors: dict[str, torch.Tensor], record: dict[str, Any]) -> dict[str, Any]:
    """The rnnkit optimizer state of ``record`` (the header's ``optimizer``), checked against ``model``'s optimizer."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        raise ValueError(f"{path}: the checkpoint holds optimizer state; compile the model before loading it")
    name = record_field(path, record, "name", str, where="rnnkit.optimizer")
    if optimizer.name != name:
        raise FileFormatError(path, f"the checkpoint was trained with optimizer {name!r}; the model is compiled with {optimizer.name!r}",
                              field="rnnkit.optimizer.name")
    if optimizer.torch_optimizer is None:
        optimizer.bind(model.parameters())
    return {"iterations": record_field(path, record, "iterations", int, where="rnnkit.optimizer", minimum=0),
            "learning_rate": record_field(path, record, "learning_rate", (float, type(None)), where="rnnkit.optimizer", minimum=0),
            "torch": optimizer_state_dict(path, tensors, record, optimizer.torch_optimizer, "rnnkit.optimizer")}


def load_checkpoint(path: str | os.PathLike, model: Any) -> int:
    """Restore what :func:`save_checkpoint` saved into ``model`` (compiled) and return the epoch to resume at.

    Weights, optimizer state and generator states are all checked before any is restored.
    """
    path = os.fspath(path)
    contents = read_checkpoint(path)
    header = contents.header
    epoch = record_field(path, header, "epoch", int, where="rnnkit", minimum=0)
    weights = checked_weights(path, contents.group("model"), model.state_dict(), "model/")
    optimizer = record_field(path, header, "optimizer", (dict, type(None)), where="rnnkit")
    if optimizer is not None:
        optimizer = _optimizer_state(path, model, contents.group("optimizer"), optimizer)
    rng = checked_generator_states(path, contents.tensors, record_field(path, header, "rng", dict, where="rnnkit"))
    if optimizer is not None:
        try:  # torch checks the groups before it changes anything
            model.optimizer.load_state_dict(optimizer)
        except ValueError as error:
            raise FileFormatError(path, f"does not fit this model's optimizer ({error})", field="rnnkit.optimizer") from None
    model.load_state_dict(weights)
    restore_generator_states(rng)
    return epoch
