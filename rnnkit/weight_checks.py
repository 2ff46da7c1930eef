"""Tensors read from a file, checked against what the model expects before anything is copied or built.

A file's tensors may have other names, shapes or dtypes than the model's, hold NaN, or come with
a config that asks for a far larger model than the weights fit. Every loader of rnnkit's files
goes through here:

- :func:`checked_tensor`: one tensor against the one it replaces. Another float dtype is cast
  when every value survives the cast (finite before and after); an integer or bool tensor for a
  float weight, non-finite values and other shapes are refused, naming the tensor.
- :func:`checked_weights`: a whole state dict (names, then each tensor).
- :func:`build_from_weights`: builds a model from its config on the meta device first (shapes,
  no memory), compares it with the file's weights and the byte cap, and only then builds it for
  real, so ``units: 20000`` beside 8-unit weights costs nothing.
- :func:`optimizer_state_dict`: a torch optimizer's state from the file, every slot checked
  against its parameter's shape, so a wrong one fails at load, not at the first step.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Sequence, TypeVar

import torch

from .errors import FileFormatError
from .file_records import describe, is_kind, record_field, record_items
from .limits import check_bytes

M = TypeVar("M", bound=torch.nn.Module)


def checked_tensor(path: str | os.PathLike, name: str, value: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """``value`` (the file's tensor ``name``) in the shape and dtype of ``like``, or an error naming it."""
    if tuple(value.shape) != tuple(like.shape):
        raise FileFormatError(path, field=name, expected=f"shape {tuple(like.shape)}", found=f"shape {tuple(value.shape)}")
    if not like.dtype.is_floating_point:
        if value.dtype != like.dtype:
            raise FileFormatError(path, field=name, expected=f"dtype {like.dtype}", found=f"dtype {value.dtype}")
        return value
    if not value.dtype.is_floating_point:
        raise FileFormatError(path, field=name, expected=f"floating-point values ({like.dtype})", found=f"dtype {value.dtype}")
    if not bool(torch.isfinite(value).all()):
        raise FileFormatError(path, field=name, expected="finite values", found=f"{int((~torch.isfinite(value)).sum())} NaN or infinite")
    if value.dtype == like.dtype:
        return value
    cast = value.to(like.dtype)
    if not bool(torch.isfinite(cast).all()):
        raise FileFormatError(path, field=name, expected=f"values that fit {like.dtype}", found=f"dtype {value.dtype} values that overflow it")
    return cast


def checked_weights(
    path: str | os.PathLike, saved: dict[str, torch.Tensor], expected: dict[str, torch.Tensor], prefix: str
) -> dict[str, torch.Tensor]:
    """``saved`` (the file's tensors ``prefix<key>``) checked against the state dict ``expected``, cast to its dtypes."""
    missing, unexpected = sorted(set(expected) - set(saved)), sorted(set(saved) - set(expected))
    if missing or unexpected:
        raise FileFormatError(path, f"the weights do not fit this model: missing {[prefix + k for k in missing][:8]}, "
                                    f"unexpected {[prefix + k for k in unexpected][:8]}", field=f"{prefix}*")
    return {key: checked_tensor(path, prefix + key, value, expected[key]) for key, value in saved.items()}


def build_from_weights(path: str | os.PathLike, build: Callable[[], M], saved: dict[str, torch.Tensor], layers: int,
                       prefix: str = "model/") -> M:
    """``build()`` with ``saved``'s weights loaded, built only once its config is known to fit them.

    ``build`` makes the model from the file's config; it runs first on the meta device, where
    parameters have shapes and no memory. A config whose weights differ from the file's in name
    or shape, or that the model refuses, is an error naming the file before anything is
    allocated. ``layers`` (the config's count of recurrent layers, each with its own weights) is
    compared with the file's tensors first, so a config of 20,000 layers is not even built on meta.
    """
    if layers > len(saved):
        raise FileFormatError(path, field="rnnkit.record.config.layers", expected=f"at most {len(saved)} (the file's weight tensors)", found=layers)
    try:
        with torch.device("meta"):
            shapes = build().state_dict()
    except (ValueError, TypeError, RuntimeError) as error:  # RuntimeError: torch refusing a size (an overflow)
        raise FileFormatError(path, f"its config does not make a model ({error})", field="rnnkit.record.config") from None
    check_bytes(path, "rnnkit.record.config", sum(t.numel() * t.element_size() for t in shapes.values()))
    weights = checked_weights(path, saved, shapes, prefix)
    model = build()
    model.load_state_dict(weights)
    return model


def optimizer_state_dict(
    path: str | os.PathLike, tensors: dict[str, torch.Tensor], record: Any, optimizer: torch.optim.Optimizer, where: str,
    prefix: str = "optimizer/",
) -> dict[str, Any]:
    """The state dict for torch ``optimizer`` from a file, checked against its parameters (in its order).

    ``tensors`` are the file's ``<prefix><param index>/<slot>`` tensors by ``<index>/<slot>``;
    ``record`` (the header's field ``where``) is ``{"param_groups": [...], "state": {index: {slot:
    number}}}``, the JSON part :func:`rnnkit.safetensors_file.optimizer_parts` wrote. A slot
    tensor is a scalar or has its parameter's shape, and is cast to the parameter's dtype. Where
    ``optimizer`` already holds slots (rnnkit's optimizers make them when bound), each parameter
    needs the same ones, or the first step would miss one.
    """
    params = [param for group in optimizer.param_groups for param in group["params"]]
    groups = _param_groups(path, record, optimizer, where)
    state: dict[int, dict[str, Any]] = {}
    for index, entries in record_field(path, record, "state", dict, where=where).items():
        param = _param(path, f"{where}.state.{index}", index, params)
        for name in record_field(path, record["state"], index, dict, where=f"{where}.state"):
            state.setdefault(param, {})[name] = record_field(path, entries, name, float, where=f"{where}.state.{index}")
    for key, value in tensors.items():
        index, _, name = key.partition("/")
        param = _param(path, prefix + key, index, params)
        like = params[param] if value.dim() else params[param].new_zeros(())
        state.setdefault(param, {})[name] = checked_tensor(path, prefix + key, value, like)
    for index, param in enumerate(params):
        expected, found = sorted(optimizer.state.get(param, {})), sorted(state.get(index, {}))
        if expected and found != expected:
            raise FileFormatError(path, field=f"{prefix}{index}/*", expected=f"the slots {expected}", found=found)
    return {"state": state, "param_groups": groups}


def _param_groups(path: str | os.PathLike, record: Any, optimizer: torch.optim.Optimizer, where: str) -> list[dict[str, Any]]:
    """The file's ``param_groups``: plain settings, and the parameters numbered 0 to n-1 in order, as torch writes them.

    A setting that is a tuple in ``optimizer`` (Adam's ``betas``) comes back as one (JSON has only lists).
    """
    count = sum(len(group["params"]) for group in optimizer.param_groups)
    groups = record_field(path, record, "param_groups", list, where=where)
    for index, group in enumerate(groups):
        current = optimizer.param_groups[index] if index < len(optimizer.param_groups) else {}
        field = f"{where}.param_groups.{index}"
        record_items(path, record_field(path, group, "params", list, where=field), int, f"{field}.params")
        for key, value in group.items():
            if key != "params" and not (value is None or is_kind(value, bool) or is_kind(value, float)
                                        or (isinstance(value, list) and all(is_kind(v, float) for v in value))):
                raise FileFormatError(path, field=f"{field}.{key}", expected="a number, true/false, null or a list of numbers", found=describe(value))
        groups[index] = {key: tuple(value) if isinstance(current.get(key), tuple) else value for key, value in group.items()}
    order = [index for group in groups for index in group["params"]]
    if order != list(range(count)):
        raise FileFormatError(path, field=f"{where}.param_groups", expected=f"the parameters 0 to {count - 1} in order", found=order[:20])
    return groups


def _param(path: str | os.PathLike, field: str, index: str, params: Sequence[torch.Tensor]) -> int:
    """The parameter number ``index`` (a string of the file) names, within the optimizer's parameters."""
    if not (index.isascii() and index.isdigit() and int(index) < len(params)):
        raise FileFormatError(path, field=field, expected=f"a parameter index from 0 to {len(params) - 1}", found=repr(index))
    return int(index)
