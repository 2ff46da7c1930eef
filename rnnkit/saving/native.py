"""rnnkit's own format: one safetensors file holding the model config, weights and training state.

Layout (any safetensors reader can open it)::

    header metadata  "format": "rnnkit.model" (or "rnnkit.weights" for save_weights files)
                     "format_version": "1"
                     "config": the Keras 3 model config as JSON (as in a .keras archive's config.json)
                     "optimizer": JSON of the optimizer's param_groups and non-tensor state (optional)
                     "compile": JSON of the compile config and the compiled optimizer's step count,
                                param_groups and non-tensor state (a compiled model only)
    tensors          "weights/<state_dict key>"           e.g. weights/layers.0.cell.kernel
                     "optimizer/<param index>/<name>"      e.g. optimizer/0/exp_avg (optional)
                     "compiled_optimizer/<param index>/<name>"   the compiled optimizer's tensors

safetensors holds plain arrays and a string-to-string header, so loading runs no code; the
config goes through the same explicit layer table as a Keras file.
"""

from __future__ import annotations

import json
import struct
from typing import Any

import safetensors
import safetensors.torch
import torch

from ..models.model import Model
from .compile_config import compile_config, compile_from_config, optimizer_state_parts, restore_optimizer_state
from .errors import ModelFileError
from .keras_export import model_config
from .keras_files import parse_json
from .keras_models import model_from_config

MODEL_FORMAT = "rnnkit.model"
WEIGHTS_FORMAT = "rnnkit.weights"
FORMAT_VERSION = "1"


def model_bytes(model: Model, optimizer: torch.optim.Optimizer | None = None) -> bytes:
    """The file's content for ``model`` (config + weights), with ``optimizer``'s state if given."""
    metadata = {"format": MODEL_FORMAT, "format_version": FORMAT_VERSION, "config": json.dumps(model_config(model))}
    tensors = _weight_tensors(model)
    compiled = compile_config(model)
    if compiled is not None:  # the compile arguments and the compiled optimizer's state
        optimizer_tensors, optimizer_record = optimizer_state_parts(model.optimizer)
        metadata["compile"] = json.dumps({"compile_config": compiled, "optimizer_state": optimizer_record})
        tensors.update(optimizer_tensors)
    if optimizer is not None:
        state = optimizer.state_dict()
        plain_state: dict[str, dict[str, Any]] = {}
        for index, values in state["state"].items():
            for name, value in values.items():
                if isinstance(value, torch.Tensor):
                    tensors[f"optimizer/{index}/{name}"] = value.detach().cpu().contiguous()
                else:
                    plain_state.setdefault(str(index), {})[name] = value
        metadata["optimizer"] = json.dumps({"param_groups": state["param_groups"], "state": plain_state})
    return safetensors.torch.save(tensors, metadata)


def weights_bytes(model: Model) -> bytes:
    return safetensors.torch.save(_weight_tensors(model), {"format": WEIGHTS_FORMAT, "format_version": FORMAT_VERSION})


def _weight_tensors(model: Model) -> dict[str, torch.Tensor]:
    return {f"weights/{key}": value.detach().cpu().contiguous().clone() for key, value in model.state_dict().items()}


def looks_like_safetensors(head: bytes, size: int) -> bool:
    """A safetensors file starts with the header's length (u64, little-endian) and then '{'."""
    if len(head) < 9:
        return False
    (header_size,) = struct.unpack("<Q", head[:8])
    return head[8:9] == b"{" and header_size <= size - 8


def load(path: str, compile: bool = True, custom_objects: dict | None = None) -> Model:
    metadata, tensors = _read(path)
    if metadata.get("format") != MODEL_FORMAT:
        raise ModelFileError(path, "this safetensors file holds no model config (only weights?); build the model and call model.load_weights(path)")
    config = parse_json(path, "the stored config", metadata.get("config"))
    model = model_from_config(path, config, keras2=False, custom_objects=custom_objects)
    _load_weights(path, model, tensors)
    if compile and "compile" in metadata:
        record = parse_json(path, "the stored compile record", metadata["compile"])
        compile_from_config(path, model, record.get("compile_config"))
        if model.compilation is not None:
            restore_optimizer_state(path, model, record.get("optimizer_state") or {}, tensors)
    return model


def load_weights(path: str, model: Model) -> None:
    _, tensors = _read(path)
    _load_weights(path, model, tensors)


def load_optimizer_state(path: str, optimizer: torch.optim.Optimizer) -> None:
    """Restore the optimizer state stored by ``model.save(path, optimizer=...)``."""
    metadata, tensors = _read(path)
    if "optimizer" not in metadata:
        raise ModelFileError(path, "the file holds no optimizer state (it was saved without optimizer=)")
    stored = parse_json(path, "the stored optimizer state", metadata["optimizer"])
    state: dict[int, dict[str, Any]] = {int(i): dict(values) for i, values in stored["state"].items()}
    for key, tensor in tensors.items():
        if key.startswith("optimizer/"):
            _, index, name = key.split("/", 2)
            state.setdefault(int(index), {})[name] = tensor
    try:
        optimizer.load_state_dict({"state": state, "param_groups": stored["param_groups"]})
    except (ValueError, KeyError) as error:
        raise ModelFileError(path, f"the stored optimizer state does not fit this optimizer: {error}") from None


def _read(path: str) -> tuple[dict[str, str], dict[str, torch.Tensor]]:
    try:
        with safetensors.safe_open(path, framework="pt") as reader:
            metadata = reader.metadata() or {}
            tensors = {key: reader.get_tensor(key) for key in reader.keys()}
    except (safetensors.SafetensorError, OSError, ValueError) as error:
        raise ModelFileError(path, f"the safetensors file is damaged or truncated: {error}") from None
    if metadata.get("format") not in (MODEL_FORMAT, WEIGHTS_FORMAT):
        raise ModelFileError(path, "this safetensors file was not written by rnnkit (no 'format' entry in its header)")
    if metadata.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(path, f"format version {metadata.get('format_version')!r} is not one this rnnkit reads ({FORMAT_VERSION})")
    return metadata, tensors


def _load_weights(path: str, model: Model, tensors: dict[str, torch.Tensor]) -> None:
    weights = {key[len("weights/"):]: value for key, value in tensors.items() if key.startswith("weights/")}
    expected = model.state_dict()
    missing = sorted(set(expected) - set(weights))
    unexpected = sorted(set(weights) - set(expected))
    if missing or unexpected:
        raise ModelFileError(path, f"the stored weights do not fit this model: missing {missing}, unexpected {unexpected}")
    for key, value in weights.items():
        if tuple(value.shape) != tuple(expected[key].shape):
            raise ModelFileError(path, f"weight '{key}' has shape {tuple(value.shape)}; the model needs {tuple(expected[key].shape)}")
    model.load_state_dict(weights, assign=any(param.is_meta for param in model.parameters()))
