"""Keras model configs (``Sequential`` and functional) -> rnnkit models.

Functional configs list each layer with its ``inbound_nodes``: the calls that made the graph.
Keras 3 writes a call as ``{"args": [...], "kwargs": {...}}`` with tensors as
``{"class_name": "__keras_tensor__", "config": {"keras_history": [layer, node, index]}}``;
Keras 2 writes it as a list of ``[layer, node, index, kwargs]``, one per input tensor, with
``initial_state`` folded into that list after the sequence. The calls are replayed on
:class:`~rnnkit.layers.KerasTensor` inputs, so the result is an ordinary rnnkit ``Model``.
"""

from __future__ import annotations

from typing import Any

import torch

from .. import layers as L
from ..layers.base import KerasTensor, Layer
from ..models.model import Model
from ..models.sequential import Sequential
from .errors import ModelFileError
from .keras_layers import CALL_KEYWORDS, describe, layer_from_config

History = tuple[str, int, int]  # (layer name, node index, output index)
_TAKES_INITIAL_STATE = ("RNN", "SimpleRNN", "LSTM", "GRU", "Bidirectional", "LayerNormLSTM")


def model_from_config(path: str, config: Any, keras2: bool, custom_objects: dict | None = None) -> Model:
    """An rnnkit model built from a Keras model config, its parameters on the meta device.

    Meta parameters have shapes but no memory, so a config asking for absurd sizes costs
    nothing; the weight readers check every shape against the file and only then allocate.
    """
    with torch.device("meta"):
        return _model(path, config, keras2, custom_objects or {})


def _model(path: str, config: Any, keras2: bool, custom: dict) -> Model:
    if not isinstance(config, dict):
        raise ModelFileError(path, f"the model config must be a JSON object; got {type(config).__name__}")
    class_name = config.get("class_name")
    body = config.get("config")
    if class_name == "Sequential":
        return _sequential(path, body, keras2, custom)
    if class_name in ("Functional", "Model") and isinstance(body, dict) and "layers" in body:
        return _functional(path, body, keras2, custom)
    if class_name in ("Functional", "Model"):
        raise ModelFileError(path, f"model class {class_name!r} without layers is a subclassed model; its code is not in the file")
    raise ModelFileError(path, f"model class {class_name!r} is not supported; rnnkit opens Sequential and functional models")


def _sequential(path: str, body: Any, keras2: bool, custom: dict) -> Sequential:
    if isinstance(body, list):  # Keras 2.2 wrote the layer list alone
        body = {"layers": body}
    entries = body.get("layers") if isinstance(body, dict) else None
    if not isinstance(entries, list):
        raise ModelFileError(path, "the Sequential config has no 'layers' list")
    built = [layer_from_config(path, entry, keras2, custom_objects=custom) for entry in entries]
    try:
        model = Sequential(built, name=body.get("name") or "sequential")
        build_shape = body.get("build_input_shape")
        if not model.built and build_shape:
            model.build(tuple(build_shape))
    except (TypeError, ValueError) as error:
        raise ModelFileError(path, f"Sequential model: {error}") from None
    if not model.built:
        raise ModelFileError(path, "the Sequential model does not record its input shape, so its weights cannot be built")
    return model


def _functional(path: str, body: dict, keras2: bool, custom: dict) -> Model:
    entries = body["layers"]
    if not isinstance(entries, list):
        raise ModelFileError(path, "the functional config's 'layers' is not a list")
    layers: dict[str, tuple[Layer, dict]] = {}
    for entry in entries:
        layer = layer_from_config(path, entry, keras2, custom_objects=custom)
        name = entry.get("name", layer.name)
        if not isinstance(name, str) or name in layers:
            raise ModelFileError(path, f"{describe(entry)}: its name {name!r} is not a string or is used twice")
        layers[name] = (layer, entry)

    produced: dict[tuple[str, int], list[KerasTensor]] = {}
    pending: list[tuple[str, int, tuple[list, dict]]] = []
    for name, (layer, entry) in layers.items():
        if isinstance(layer, L.InputLayer):
            produced[(name, 0)] = [layer.output]
            continue
        nodes = entry.get("inbound_nodes")
        if not isinstance(nodes, list) or not nodes:
            raise ModelFileError(path, f"{describe(entry)} has no inbound_nodes, so it is not connected to the graph")
        pending.extend((name, index, _parse_call(path, entry, node, layers)) for index, node in enumerate(nodes))

    while pending:  # replay every call whose inputs exist, until none is left
        waiting = []
        for name, index, call in pending:
            if not all((ref[0], ref[1]) in produced for ref in _leaves(call) if _is_history(ref)):
                waiting.append((name, index, call))
                continue
            layer, entry = layers[name]
            args, kwargs = _resolve(path, entry, call, produced)
            try:
                result = layer(*args, **kwargs)
            except (TypeError, ValueError) as error:
                raise ModelFileError(path, f"{describe(entry)}: calling it as the file says failed: {error}") from None
            produced[(name, index)] = list(result) if isinstance(result, list) else [result]
        if len(waiting) == len(pending):
            names = sorted({name for name, _, _ in waiting})
            raise ModelFileError(path, f"the graph cannot be connected: inputs of layers {names} are never produced")
        pending = waiting

    inputs = [_lookup(path, "model inputs", ref, produced) for ref in _history_list(path, body.get("input_layers"))]
    outputs = [_lookup(path, "model outputs", ref, produced) for ref in _history_list(path, body.get("output_layers"))]
    try:
        return Model(
            inputs=inputs[0] if len(inputs) == 1 else inputs,
            outputs=outputs[0] if len(outputs) == 1 else outputs,
            name=body.get("name") or "functional",
        )
    except ValueError as error:
        raise ModelFileError(path, f"functional model: {error}") from None


# ----- calls ------------------------------------------------------------------------------
def _parse_call(path: str, entry: dict, node: Any, layers: dict) -> tuple[list, dict]:
    """``(args, kwargs)`` of one call, with tensors as History tuples."""
    if isinstance(node, dict):  # Keras 3
        args = _tensors_to_history(path, entry, node.get("args", []))
        kwargs = _tensors_to_history(path, entry, node.get("kwargs", {}))
    elif isinstance(node, list):  # Keras 2: one [layer, node, index, kwargs] per input tensor
        refs, kwargs = [], {}
        for item in node:
            ref = _as_history(item[:3] if isinstance(item, list) else item)
            extra = item[3] if isinstance(item, list) and len(item) == 4 else {}
            if ref is None or len(item) > 4 or not isinstance(extra, dict):
                raise ModelFileError(path, f"{describe(entry)}: unreadable inbound node {item!r}")
            refs.append(ref)
            kwargs.update(extra)
        args = [refs[0]] if len(refs) == 1 else [refs]
        if len(refs) > 1 and entry.get("class_name") in _TAKES_INITIAL_STATE:
            args, kwargs = [refs[0]], {**kwargs, "initial_state": refs[1:]}
    else:
        raise ModelFileError(path, f"{describe(entry)}: unreadable inbound node {node!r}")
    kwargs = _check_call_kwargs(path, entry, kwargs)
    for ref in _leaves((args, kwargs)):
        if _is_history(ref) and ref[0] not in layers:
            raise ModelFileError(path, f"{describe(entry)} takes input from layer {ref[0]!r}, which is not in the model")
    if not isinstance(args, list) or not args:
        raise ModelFileError(path, f"{describe(entry)}: a call without inputs")
    return args, kwargs


def _check_call_kwargs(path: str, entry: dict, kwargs: Any) -> dict:
    if not isinstance(kwargs, dict):
        raise ModelFileError(path, f"{describe(entry)}: call keyword arguments must be an object")
    kwargs = dict(kwargs)
    if kwargs.pop("training", None):
        raise ModelFileError(path, f"{describe(entry)} is called with training=True (dropout at inference); not supported")
    mask = kwargs.get("mask")
    if mask is None:
        kwargs.pop("mask", None)
    elif not _is_history(mask) and not (isinstance(mask, list) and all(m is None or _is_history(m) for m in mask)):
        raise ModelFileError(path, f"{describe(entry)}: its mask must be a tensor of the graph (or a list of them); got {mask!r}")
    unknown = sorted(set(kwargs) - {"initial_state", "mask"} - CALL_KEYWORDS.get(entry.get("class_name"), frozenset()))
    if unknown or ("initial_state" in kwargs and entry.get("class_name") not in _TAKES_INITIAL_STATE):
        raise ModelFileError(path, f"{describe(entry)} is called with unsupported arguments {sorted(kwargs)}")
    return kwargs


def _tensors_to_history(path: str, entry: dict, value: Any) -> Any:
    if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
        config = value.get("config")
        ref = _as_history(config.get("keras_history") if isinstance(config, dict) else None)
        if ref is None:
            raise ModelFileError(path, f"{describe(entry)}: a tensor without a valid keras_history: {value!r}")
        return ref
    if isinstance(value, list):
        return [_tensors_to_history(path, entry, item) for item in value]
    if isinstance(value, dict):
        return {key: _tensors_to_history(path, entry, item) for key, item in value.items()}
    return value


def _leaves(value: Any) -> list:
    if isinstance(value, (list, tuple)) and not _is_history(value):
        return [leaf for item in value for leaf in _leaves(item)]
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    return [value]


def _is_history(value: Any) -> bool:
    return isinstance(value, tuple) and len(value) == 3 and isinstance(value[0], str)


def _resolve(path: str, entry: dict, call: tuple[list, dict], produced: dict) -> tuple[list, dict]:
    def swap(value: Any) -> Any:
        if _is_history(value):
            return _lookup(path, describe(entry), value, produced)
        if isinstance(value, list):
            return [swap(item) for item in value]
        if isinstance(value, dict):
            return {key: swap(item) for key, item in value.items()}
        return value

    return swap(call[0]), swap(call[1])


def _lookup(path: str, who: str, ref: History, produced: dict) -> KerasTensor:
    name, node, index = ref
    outputs = produced.get((name, node))
    if outputs is None or not 0 <= index < len(outputs):
        raise ModelFileError(path, f"{who}: refers to output {index} of call {node} of layer {name!r}, which does not exist")
    return outputs[index]


def _history_list(path: str, value: Any) -> list[History]:
    """``input_layers``/``output_layers``: one [name, node, index] triple or a list of them."""
    if isinstance(value, list) and len(value) == 3 and isinstance(value[0], str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise ModelFileError(path, f"the functional config's input_layers/output_layers are missing or empty: {value!r}")
    refs = []
    for item in value:
        ref = _as_history(item)
        if ref is None:
            raise ModelFileError(path, f"unreadable model input/output reference {item!r}")
        refs.append(ref)
    return refs


def _as_history(value: Any) -> History | None:
    """``[layer name, node index, output index]`` as a History tuple, or None if it is not one."""
    if isinstance(value, list) and len(value) == 3 and isinstance(value[0], str):
        if all(isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in value[1:]):
            return (value[0], value[1], value[2])
    return None
