"""rnnkit models -> Keras 3 model configs (the ``config.json`` of a ``.keras`` archive).

The same config is what rnnkit's own format stores, so there is one description of a model and
one reader for it (:mod:`rnnkit.saving.keras_models`). Layers of the classes in
:data:`~rnnkit.saving.keras_layers.LAYER_CLASSES` are written as Keras layers; a layer with a Python callable
in its config (a custom activation) is refused, because a file holds data, not code. A layer of
any other class (a custom layer) is written as Keras writes one, under its module and class name
with the arguments its ``get_config`` returns; reading it back needs ``custom_objects=``.
"""

from __future__ import annotations

import json
from typing import Any

from .. import layers as L
from ..layers.base import KerasTensor, Layer
from ..layers.operations import Operation
from ..models.functional import Functional
from ..models.model import Model
from ..models.sequential import Sequential
from .keras_layers import CELL_CLASSES, LAYER_CLASSES

# Keys of rnnkit's get_config that Keras's constructors do not take.
_RNNKIT_ONLY_KEYS = ("batch_input_shape", "implementation")
_INITIALIZER_KEYS = ("kernel_initializer", "recurrent_initializer", "bias_initializer")


def model_config(model: Model) -> dict[str, Any]:
    """The Keras 3 ``{"class_name", "config", ...}`` description of a Sequential or functional model."""
    if isinstance(model, Sequential):
        return _sequential_config(model)
    if type(model) is not Functional:
        raise ValueError(
            f"Model '{model.name}' ({type(model).__name__}) cannot be saved as a config: its call() is Python "
            "code, and only Sequential and functional Model(inputs, outputs) describe themselves as data; "
            "save its weights with model.save_weights('x.weights.h5') and rebuild it in code"
        )
    return _functional_config(model)


def layer_config(layer: Layer) -> dict[str, Any]:
    """One layer as Keras 3 serialises it: module, class name and constructor arguments."""
    if isinstance(layer, Operation):
        return layer.keras_config()
    class_name = type(layer).__name__
    builtin = LAYER_CLASSES.get(class_name) is type(layer)
    config = layer.get_config()
    for key in _RNNKIT_ONLY_KEYS:
        config.pop(key, None)
    for key in _INITIALIZER_KEYS:  # a callable initializer only mattered before the weights existed
        if key in config and not isinstance(config[key], str):
            del config[key]
    if isinstance(layer, L.InputLayer):
        config["sparse"] = False
    elif isinstance(layer, L.Bidirectional):
        config["layer"] = layer_config(layer.forward_layer)
        config["backward_layer"] = layer_config(layer.backward_layer)
    elif isinstance(layer, L.TimeDistributed):
        config["layer"] = layer_config(layer.layer)
    elif type(layer) is L.RNN:
        config["cell"] = _cell_config(layer)
    try:
        json.dumps(config)
    except TypeError:
        raise ValueError(
            f"Layer '{layer.name}' ({class_name}) cannot be saved: its config holds a Python object "
            f"(such as a custom activation function): {config}"
        ) from None
    if not builtin:  # a custom layer: Keras names its module and class, and load_model needs custom_objects=
        return {"module": type(layer).__module__, "class_name": class_name, "config": config, "registered_name": class_name}
    return {"module": "keras.layers", "class_name": class_name, "config": config, "registered_name": None}


def _cell_config(layer: L.RNN) -> dict[str, Any]:
    cell = layer.cell
    class_name = type(cell).__name__
    if CELL_CLASSES.get(class_name) is not type(cell):
        raise ValueError(
            f"Layer '{layer.name}' (RNN) cannot be saved: its cell is a {class_name}; rnnkit saves only "
            f"the cells {sorted(CELL_CLASSES)}"
        )
    config = cell.get_config()
    for key in _INITIALIZER_KEYS:
        if key in config and not isinstance(config[key], str):
            del config[key]
    return {"module": "keras.layers", "class_name": class_name, "config": config, "registered_name": None}


def _sequential_config(model: Sequential) -> dict[str, Any]:
    shape = model.declared_input_shape()
    if shape is None:
        raise ValueError(
            f"Model '{model.name}' does not know its input shape: start it with keras.Input(shape=...) "
            "or give input_shape= to its first layer before saving"
        )
    if model.input_tensor is not None:
        input_entry = layer_config(model.input_tensor.node.layer)
    else:
        input_entry = {
            "module": "keras.layers",
            "class_name": "InputLayer",
            "config": {"batch_shape": list(shape), "dtype": "float32", "sparse": False, "name": "input_layer"},
            "registered_name": None,
        }
    return {
        "module": "keras",
        "class_name": "Sequential",
        "config": {
            "name": model.name,
            "trainable": model.trainable,
            "layers": [input_entry, *(layer_config(layer) for layer in model.layers)],
            "build_input_shape": list(shape),
        },
        "registered_name": None,
        "build_config": {"input_shape": list(shape)},
        "compile_config": None,
    }


def _functional_config(model: Functional) -> dict[str, Any]:
    in_model = {id(node) for node in model.nodes}
    node_index: dict[int, int] = {}  # id(node) -> index among its layer's calls in this model
    for layer in model.operations:
        own = [node for node in layer.inbound_nodes if id(node) in in_model]
        node_index.update((id(node), i) for i, node in enumerate(own))

    def history(tensor: KerasTensor) -> list:
        return [tensor.node.layer.name, node_index[id(tensor.node)], tensor.index]

    def encode(value: Any) -> Any:
        if isinstance(value, KerasTensor):
            return {
                "class_name": "__keras_tensor__",
                "config": {
                    "shape": list(value.shape),
                    "dtype": str(value.dtype).removeprefix("torch."),
                    "keras_history": history(value),
                },
            }
        if isinstance(value, (list, tuple)):
            return [encode(item) for item in value]
        if isinstance(value, dict):
            return {key: encode(item) for key, item in value.items()}
        return value

    entries = []
    for layer in model.operations:
        calls = [] if isinstance(layer, L.InputLayer) else [
            {"args": encode(list(node.args)), "kwargs": encode(node.kwargs)}
            for node in layer.inbound_nodes
            if id(node) in in_model
        ]
        entries.append({**layer_config(layer), "name": layer.name, "inbound_nodes": calls})
    inputs = [history(t) for t in model.inputs]
    outputs = [history(t) for t in model.outputs]
    return {
        "module": "keras.src.models.functional",
        "class_name": "Functional",
        "config": {
            "name": model.name,
            "trainable": model.trainable,
            "layers": entries,
            "input_layers": inputs[0] if model.single_input else inputs,
            "output_layers": outputs[0] if model.single_output else outputs,
        },
        "registered_name": "Functional",
        "build_config": {"input_shape": None},
        "compile_config": None,
    }
