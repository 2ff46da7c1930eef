"""Resumable training checkpoints: one safetensors file, written atomically.

The file holds the tensors (``model/<state_dict key>``, ``optimizer/<param index>/<name>``,
``rng/torch``) and, in the safetensors header's metadata, a JSON record of everything else: the
number of finished epochs, the optimizer's settings and step count, Python's and numpy's generator
states. Reading it runs no code (no pickle), so a checkpoint from anywhere is safe to open.

Resuming: build and compile the model as before, then::

    epoch = load_checkpoint("ckpt.safetensors", model)
    model.fit(x, y, epochs=10, initial_epoch=epoch)

On CPU this gives, bit for bit, the losses the uninterrupted run would have had.
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any

import safetensors
import safetensors.torch
import torch

from .seeding import generator_states, restore_generator_states

FORMAT = "rnnkit-training-checkpoint"
VERSION = 1


def write_atomically(path: str, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, flush it to disk, then rename it over ``path``.

    A crash leaves either the old file or the new one, never a torn mix.
    """
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    directory_descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(directory_descriptor)  # make the rename itself durable
    finally:
        os.close(directory_descriptor)


def _optimizer_parts(model: Any) -> tuple[dict[str, torch.Tensor], dict[str, Any] | None]:
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or optimizer.torch_optimizer is None:
        return {}, None
    state = optimizer.state_dict()
    tensors: dict[str, torch.Tensor] = {}
    plain_state: dict[str, dict[str, Any]] = {}
    for index, entries in state["torch"]["state"].items():
        for name, value in entries.items():
            if isinstance(value, torch.Tensor):
                tensors[f"optimizer/{index}/{name}"] = value.detach().cpu().contiguous().clone()
            else:
                plain_state.setdefault(str(index), {})[name] = value
    record = {
        "name": optimizer.name,
        "iterations": state["iterations"],
        "learning_rate": state["learning_rate"],
        "param_groups": state["torch"]["param_groups"],
        "plain_state": plain_state,
    }
    return tensors, record


def save_checkpoint(path: str | os.PathLike, model: Any, epoch: int) -> None:
    """Save ``model``'s weights, its optimizer's state, ``epoch`` (epochs finished) and the generators."""
    tensors = {f"model/{key}": value.detach().cpu().contiguous().clone() for key, value in model.state_dict().items()}
    optimizer_tensors, optimizer_record = _optimizer_parts(model)
    rng_tensors, rng_plain = generator_states()
    record = {"format": FORMAT, "version": VERSION, "epoch": int(epoch), "optimizer": optimizer_record, "rng": rng_plain}
    data = safetensors.torch.save({**tensors, **optimizer_tensors, **rng_tensors}, metadata={FORMAT: json.dumps(record)})
    write_atomically(os.fspath(path), data)


def read_checkpoint(path: str | os.PathLike) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """The tensors and the JSON record of a checkpoint file; a clear error if it is not one."""
    path = os.fspath(path)
    with open(path, "rb") as file:
        data = file.read()
    try:
        tensors = safetensors.torch.load(data)
        header_length = int.from_bytes(data[:8], "little")
        metadata = json.loads(data[8 : 8 + header_length]).get("__metadata__") or {}
    except (safetensors.SafetensorError, ValueError) as error:
        raise ValueError(f"{path}: not a safetensors file ({error})") from error
    if FORMAT not in metadata:
        raise ValueError(f"{path}: a safetensors file, but not an rnnkit training checkpoint")
    record = json.loads(metadata[FORMAT])
    if record.get("version") != VERSION:
        raise ValueError(f"{path}: checkpoint version {record.get('version')} is not {VERSION}, the one this rnnkit reads")
    return tensors, record


def _restore_model(path: str, model: Any, tensors: dict[str, torch.Tensor]) -> None:
    saved = {key.removeprefix("model/"): value for key, value in tensors.items() if key.startswith("model/")}
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
    state: dict[int, dict[str, Any]] = {}
    for key, value in tensors.items():
        if key.startswith("optimizer/"):
            _, index, name = key.split("/", 2)
            state.setdefault(int(index), {})[name] = value
    for index, entries in record["plain_state"].items():
        state.setdefault(int(index), {}).update(entries)
    try:
        optimizer.load_state_dict({
            "iterations": record["iterations"],
            "learning_rate": record["learning_rate"],
            "torch": {"state": state, "param_groups": groups},
        })
    except ValueError as error:
        raise ValueError(f"{path}: the optimizer state does not fit this model's optimizer ({error})") from error


def load_checkpoint(path: str | os.PathLike, model: Any) -> int:
    """Restore what :func:`save_checkpoint` saved into ``model`` (compiled) and return the epoch to resume at."""
    path = os.fspath(path)
    tensors, record = read_checkpoint(path)
    _restore_model(path, model, tensors)
    if record["optimizer"] is not None:
        _restore_optimizer(path, model, tensors, record["optimizer"])
    restore_generator_states(tensors, record["rng"])
    return int(record["epoch"])
