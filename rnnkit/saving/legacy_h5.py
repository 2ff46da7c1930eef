"""Writing Keras's legacy HDF5 model files (``model.save("x.h5")``), as Keras 3 still writes them.

Keras 3 calls the format legacy and warns when it writes one; every Korean tutorial and many
older guides save ``best_model.h5`` all the same, and Keras 3 and tf.keras 2 read it. Layout::

    attrs  model_config      JSON: the model config without module/registered_name on the layers
           training_config   JSON: compile_config with the optimizer as optimizer_config (if compiled)
           keras_version, backend
    model_weights/           attrs layer_names (model.layers' names), keras_version, backend
        <layer.name>/        attrs weight_names: the variables' Keras paths, in get_weights() order
            <path>           one dataset per weight, e.g. lstm/lstm_cell/kernel
        top_level_model_weights/   (empty: rnnkit models own no weights outside their layers)
    optimizer_weights/       attrs weight_names: <optimizer>/iteration, <optimizer>/learning_rate, slots
        <optimizer>/...      one dataset per optimizer variable, in Keras's order

Variable paths are Keras 3's ``variable.path``: ``<layer>/<cell>/<name>`` inside a functional
model, the same behind the model's name inside a Sequential (``sequential/lstm/lstm_cell/kernel``).
"""

from __future__ import annotations

import io
import json
from typing import Any

import h5py
import numpy as np

from ..models.sequential import Sequential
from .compile_config import compile_config, keras_optimizer_variables
from .keras_export import model_config
from .keras_files import KERAS_FORMAT_VERSION
from .keras_weights import vars_groups

#: What Keras prints, in its words' spirit, when it writes this format.
DEPRECATION = (
    "You are saving the model as a legacy HDF5 file (.h5). Keras 3 considers this format legacy and "
    "recommends the native Keras format instead, e.g. model.save('my_model.keras')."
)


def legacy_model_config(config: dict[str, Any]) -> dict[str, Any]:
    """The config as Keras 3's legacy writer stores it: the model and its ``layers`` entries lose
    module/registered_name (layers nested in a wrapper keep theirs, as Keras writes them)."""

    def strip(entry: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in entry.items() if key not in ("module", "registered_name", "build_config", "compile_config")}

    model = strip(config)
    body = dict(model["config"])
    body["layers"] = [strip(layer) for layer in body["layers"]]
    model["config"] = body
    return model


# Keras 3 cannot read these short names back from a legacy training_config (not even from files
# it wrote itself: "Could not deserialize 'keras.metrics.mse'"), so the file spells them out.
_LONG_NAMES = {"mse": "mean_squared_error", "mae": "mean_absolute_error"}


def _long_names(value: Any) -> Any:
    if isinstance(value, str):
        return _LONG_NAMES.get(value, value)
    if isinstance(value, list):
        return [_long_names(item) for item in value]
    if isinstance(value, dict) and "class_name" not in value:
        return {key: _long_names(item) for key, item in value.items()}
    return value


def weight_paths(model: Any) -> dict[int, str]:
    """Keras 3's ``variable.path`` of every weight, by ``id`` of the parameter."""
    prefix = f"{model.name}/" if isinstance(model, Sequential) else ""
    paths: dict[int, str] = {}
    for layer in model.layers:
        for dotted, param in layer.named_parameters():
            owner, names = layer, [layer.name]
            for part in dotted.split(".")[:-1]:
                owner = getattr(owner, part)
                names.append(owner.name)
            paths[id(param)] = prefix + "/".join(names + [dotted.split(".")[-1]])
    return paths


def write_legacy_h5(model: Any, stream: io.BufferedIOBase) -> None:
    """Write ``model`` (config, weights, compile config and optimizer state) in the legacy layout."""
    config = legacy_model_config(model_config(model))
    compiled = compile_config(model)
    paths = weight_paths(model)
    with h5py.File(stream, "w") as root:
        root.attrs["model_config"] = json.dumps(config).encode("utf8")
        root.attrs["keras_version"] = KERAS_FORMAT_VERSION
        root.attrs["backend"] = "tensorflow"
        if compiled is not None:
            optimizer = compiled.pop("optimizer")
            compiled["optimizer_config"] = {"class_name": optimizer["class_name"], "config": optimizer["config"]}
            compiled["loss"], compiled["metrics"] = _long_names(compiled["loss"]), _long_names(compiled["metrics"])
            root.attrs["training_config"] = json.dumps(compiled).encode("utf8")
        weights = root.create_group("model_weights")
        weights.attrs["layer_names"] = np.array([layer.name.encode("utf8") for layer in model.layers])
        weights.attrs["keras_version"] = KERAS_FORMAT_VERSION
        weights.attrs["backend"] = "tensorflow"
        for layer in model.layers:
            group = weights.create_group(layer.name)
            params = [p for _, _, group_params in vars_groups(layer) for p in group_params]
            group.attrs["weight_names"] = np.array([paths[id(p)].encode("utf8") for p in params])
            for param in params:
                group.create_dataset(paths[id(param)], data=param.detach().cpu().numpy())
        weights.create_group("top_level_model_weights").attrs["weight_names"] = np.array([], dtype="S1")
        if compiled is not None:
            trainable = [paths[id(p)] for p in model.optimizer.params] if model.optimizer.torch_optimizer is not None else []
            variables = keras_optimizer_variables(model.optimizer, trainable)
            if variables:
                group = root.create_group("optimizer_weights")
                group.attrs["weight_names"] = np.array([name.encode("utf8") for name, _ in variables])
                for name, value in variables:
                    group.create_dataset(name, data=value)
