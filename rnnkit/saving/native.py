"""rnnkit's own model format: one :mod:`rnnkit.safetensors_file` holding config, weights and optimizer state.

Layout (any safetensors reader can open it)::

    header   {"format": "rnnkit", "kind": "model", "version": 2,
              "config": the Keras 3 model config (as in a .keras archive's config.json),
              "optimizer": {"param_groups": ..., "state": ...}  (optional),
              "compile": {"compile_config": ..., "optimizer_state": ...}  (a compiled model only)}
             kind "weights" (save_weights files) holds no config
    tensors  "weights/<state_dict key>"           e.g. weights/layers.0.cell.kernel
             "optimizer/<param index>/<name>"      e.g. optimizer/0/exp_avg (optional)
             "compiled_optimizer/<param index>/<name>"   the compiled optimizer's tensors

safetensors holds plain arrays and a string-to-string header, so loading runs no code; the
config goes through the same explicit layer table as a Keras file. Files of the older layout
(``"format": "rnnkit.model"``, ``"format_version": "1"``) still load.
"""

from __future__ import annotations

from typing import Any

import torch

from .. import safetensors_file
from ..file_records import record_field
from ..models.model import Model
from ..safetensors_file import looks_like_safetensors
from ..weight_checks import checked_weights, optimizer_state_dict
from .compile_config import compile_config, compile_from_config, optimizer_state_parts, restore_optimizer_state
from .errors import ModelFileError
from .keras_export import model_config
from .keras_models import model_from_config

__all__ = ["load", "load_optimizer_state", "load_weights", "looks_like_safetensors", "model_bytes", "weights_bytes"]


def model_bytes(model: Model, optimizer: torch.optim.Optimizer | None = None) -> bytes:
    """The file's content for ``model`` (config + weights), with ``optimizer``'s state if given."""
    record: dict[str, Any] = {"config": model_config(model)}
    tensors = _weight_tensors(model)
    compiled = compile_config(model)
    if compiled is not None:  # the compile arguments and the compiled optimizer's state
        compiled_tensors, compiled_state = optimizer_state_parts(model.optimizer)
        record["compile"] = {"compile_config": compiled, "optimizer_state": compiled_state}
        tensors.update(compiled_tensors)
    if optimizer is not None:
        optimizer_tensors, record["optimizer"] = safetensors_file.optimizer_parts(optimizer.state_dict())
        tensors.update(optimizer_tensors)
    return safetensors_file.to_bytes("model", tensors, record)


def weights_bytes(model: Model) -> bytes:
    return safetensors_file.to_bytes("weights", _weight_tensors(model), {})


def _weight_tensors(model: Model) -> dict[str, torch.Tensor]:
    return {f"weights/{key}": value.detach().cpu().contiguous().clone() for key, value in model.state_dict().items()}


def load(path: str, compile: bool = True, custom_objects: dict | None = None) -> Model:
    contents = _read(path)
    if contents.kind != "model":
        raise ModelFileError(path, "this safetensors file holds no model config (only weights?); build the model and call model.load_weights(path)")
    config = record_field(path, contents.header, "config", dict, where="rnnkit")
    try:
        model = model_from_config(path, config, keras2=False, custom_objects=custom_objects)
    except RuntimeError as error:  # torch refusing a size even on the meta device (it overflows)
        raise ModelFileError(path, f"its config does not make a model ({error})") from None
    _load_weights(path, model, contents.group("weights"))
    record = record_field(path, contents.header, "compile", dict, where="rnnkit", default=None)
    if compile and record is not None:
        compile_from_config(path, model, record.get("compile_config"))
        if model.compilation is not None:
            restore_optimizer_state(path, model, record.get("optimizer_state") or {}, contents.group("compiled_optimizer"))
    return model


def load_weights(path: str, model: Model) -> None:
    _load_weights(path, model, _read(path).group("weights"))


def load_optimizer_state(path: str, optimizer: torch.optim.Optimizer) -> None:
    """Restore the optimizer state stored by ``model.save(path, optimizer=...)``, checked against ``optimizer``'s parameters."""
    contents = _read(path)
    if "optimizer" not in contents.header:
        raise ModelFileError(path, "the file holds no optimizer state (it was saved without optimizer=)")
    state = optimizer_state_dict(path, contents.group("optimizer"), contents.header["optimizer"], optimizer, "rnnkit.optimizer")
    try:
        optimizer.load_state_dict(state)
    except (ValueError, KeyError) as error:
        raise ModelFileError(path, f"the stored optimizer state does not fit this optimizer: {error}") from None


def _read(path: str) -> safetensors_file.Contents:
    contents = safetensors_file.load(path)
    if contents.kind not in ("model", "weights"):
        raise ModelFileError(path, f"an rnnkit {contents.kind} checkpoint, not a model file; load it with the command or function that wrote it")
    return contents


def _load_weights(path: str, model: Model, weights: dict[str, torch.Tensor]) -> None:
    """Copy ``weights`` (by state_dict key) into ``model`` only when every one fits (cast to the model's dtypes)."""
    checked = checked_weights(path, weights, model.state_dict(), "weights/")
    model.load_state_dict(checked, assign=any(param.is_meta for param in model.parameters()))
