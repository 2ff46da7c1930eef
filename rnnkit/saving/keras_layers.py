"""Keras layer configs -> rnnkit layers, through an explicit table of supported class names.

A model file is data: the class name in a layer config only selects an entry of
:data:`LAYER_CLASSES`; nothing named by a file is imported or evaluated. Each config key is
either passed to the rnnkit constructor, dropped because it cannot change the layer's outputs
(initializers, ``unroll``, ``time_major=False``, ``None`` regularizers, a float32 dtype policy, ...),
or refused with an error naming the layer, because it would change the math and rnnkit does not
support it.
"""

from __future__ import annotations

import inspect

from typing import Any, Callable

from .. import constraints, regularizers
from .. import layers as L
from ..file_records import describe, is_kind
from ..layers.base import Layer
from ..layers.operations import OPERATIONS, Operation
from .errors import ModelFileError

#: The Keras class names a file may use, and the rnnkit class each one builds.
LAYER_CLASSES: dict[str, type[Layer]] = {
    "InputLayer": L.InputLayer,
    "Dense": L.Dense,
    "Embedding": L.Embedding,
    "Masking": L.Masking,
    "Dropout": L.Dropout,
    "Flatten": L.Flatten,
    "Activation": L.Activation,
    "Reshape": L.Reshape,
    "Concatenate": L.Concatenate,
    "GlobalAveragePooling1D": L.GlobalAveragePooling1D,
    "GlobalMaxPooling1D": L.GlobalMaxPooling1D,
    "SimpleRNN": L.SimpleRNN,
    "LSTM": L.LSTM,
    "GRU": L.GRU,
    "Bidirectional": L.Bidirectional,
    "TimeDistributed": L.TimeDistributed,
    "RNN": L.RNN,
    "LayerNormLSTM": L.LayerNormLSTM,  # rnnkit's own: see KERAS_LACKS
    "Add": L.Add,
    "AdditiveAttention": L.AdditiveAttention,
    "Attention": L.Attention,
    "Average": L.Average,
    "AveragePooling1D": L.AveragePooling1D,
    "BatchNormalization": L.BatchNormalization,
    "Conv1D": L.Conv1D,
    "Cropping1D": L.Cropping1D,
    "Dot": L.Dot,
    "ELU": L.ELU,
    "GaussianDropout": L.GaussianDropout,
    "GaussianNoise": L.GaussianNoise,
    "Identity": L.Identity,
    "LayerNormalization": L.LayerNormalization,
    "LeakyReLU": L.LeakyReLU,
    "MaxPooling1D": L.MaxPooling1D,
    "Maximum": L.Maximum,
    "Minimum": L.Minimum,
    "MultiHeadAttention": L.MultiHeadAttention,
    "Multiply": L.Multiply,
    "Normalization": L.Normalization,
    "PReLU": L.PReLU,
    "Permute": L.Permute,
    "ReLU": L.ReLU,
    "RepeatVector": L.RepeatVector,
    "Softmax": L.Softmax,
    "SpatialDropout1D": L.SpatialDropout1D,
    "Subtract": L.Subtract,
    "UpSampling1D": L.UpSampling1D,
    "ZeroPadding1D": L.ZeroPadding1D,
}
#: Call arguments (beyond the inputs) that a file's graph may pass to a layer, per class.
CALL_KEYWORDS: dict[str, frozenset[str]] = {
    "Attention": frozenset({"return_attention_scores", "use_causal_mask"}),
    "AdditiveAttention": frozenset({"return_attention_scores", "use_causal_mask"}),
    "MultiHeadAttention": frozenset({"key", "return_attention_scores", "use_causal_mask"}),
}
#: Classes of LAYER_CLASSES that Keras does not have: rnnkit's own format stores them, and a
#: ``.keras`` archive refuses them (Keras could not load it).
KERAS_LACKS = ("LayerNormLSTM",)
#: The cells a generic ``RNN`` layer may hold.
CELL_CLASSES: dict[str, type[Layer]] = {
    "SimpleRNNCell": L.SimpleRNNCell,
    "LSTMCell": L.LSTMCell,
    "GRUCell": L.GRUCell,
}

# Classes refused with a specific reason (anything else not in the table gets a generic one).
_REFUSED = {
    "Lambda": (
        "it holds Python code (bytecode), and rnnkit never runs code stored in a file, whatever "
        "safe_mode says; rebuild the model in code with keras.layers.Lambda and load only its weights"
    ),
    "TFOpLambda": "it holds a TensorFlow operation, and rnnkit never runs code stored in a file",
    "SlicingOpLambda": "it holds a TensorFlow operation, and rnnkit never runs code stored in a file",
    "Sequential": "models nested inside models are not supported",
    "Functional": "models nested inside models are not supported",
    "Model": "models nested inside models are not supported",
}

# Keys that only matter when weights are created or how TensorFlow schedules the work.
_IGNORED_KEYS = {
    "kernel_initializer",
    "recurrent_initializer",
    "bias_initializer",
    "embeddings_initializer",
    "seed",
    "unroll",
    "implementation",
    "use_cudnn",
    "lora_alpha",
    # initial values only, and options with one behaviour here
    "gamma_initializer",
    "beta_initializer",
    "moving_mean_initializer",
    "moving_variance_initializer",
    "alpha_initializer",
    "renorm_clipping",
    "renorm_momentum",
}
# Keys holding a Keras regularizer or constraint config, built through the modules' class tables.
_RULE_KEYS = {
    **{f"{w}_regularizer": regularizers.get for w in ("kernel", "recurrent", "bias", "activity", "embeddings")},
    **{f"{w}_constraint": constraints.get for w in ("kernel", "recurrent", "bias", "embeddings")},
}
# Keys accepted only when they hold the value that changes nothing.
_ONLY_IF = {
    "quantization_config": None,
    "lora_rank": None,
    "time_major": False,
    "sparse": False,
    "ragged": False,
    "optional": False,
    "data_format": "channels_last",
    "gamma_regularizer": None,
    "beta_regularizer": None,
    "gamma_constraint": None,
    "beta_constraint": None,
    "alpha_regularizer": None,
    "alpha_constraint": None,
    "use_gate": False,
    "sliding_window": None,
    "flash_attention": None,
}
_ACTIVATION_KEYS = ("activation", "recurrent_activation")


def describe(entry: Any) -> str:
    """``layer 'name' (ClassName)`` for error messages, from a config entry of any shape."""
    if not isinstance(entry, dict):
        return f"layer entry {entry!r}"
    config = entry.get("config")
    name = config.get("name") if isinstance(config, dict) else None
    return f"layer '{name or entry.get('name', '?')}' ({entry.get('class_name', '?')})"


def layer_from_config(
    path: str, entry: Any, keras2: bool, table: dict[str, type[Layer]] = LAYER_CLASSES, custom_objects: dict | None = None
) -> Layer:
    """Build the rnnkit layer that a Keras ``{"class_name": ..., "config": {...}}`` entry describes.

    ``keras2`` says the file was written by Keras 2 (tf.keras), whose ``hard_sigmoid`` and GRU
    defaults differ from Keras 3's. A custom class is looked up by its registered name, then its
    class name, in ``custom_objects`` only (Keras's rule), and built as ``cls(**config)``.
    """
    if not isinstance(entry, dict) or not isinstance(entry.get("config"), dict):
        raise ModelFileError(path, f"{describe(entry)} is not a {{'class_name', 'config'}} object")
    class_name = entry.get("class_name")
    who = describe(entry)
    if not isinstance(class_name, str):
        raise ModelFileError(path, f"{who}: class_name must be a string; got {class_name!r}")
    module = entry.get("module")
    registered = entry.get("registered_name")
    custom = dict(custom_objects or {})
    found = custom.get(registered) if isinstance(registered, str) else None
    found = found if found is not None else custom.get(class_name)
    if found is not None:
        config = dict(entry["config"])
        _check_float32_policy(path, who, config.pop("dtype", None))
        return _construct(path, who, found, config)
    if _is_operation(module, class_name, entry["config"], table):
        return _operation(path, who, class_name, entry["config"])
    if (module is not None and not str(module).startswith("keras")) or registered not in (None, class_name):
        raise ModelFileError(
            path,
            f"{who} is a custom object (module {module!r}, registered as {registered!r}); rnnkit never imports "
            f"code named by a file: pass load_model(..., custom_objects={{{class_name!r}: {class_name}}}) with your class",
        )
    if class_name in _REFUSED:
        raise ModelFileError(path, f"{who} cannot be loaded: {_REFUSED[class_name]}")
    if class_name not in table:
        raise ModelFileError(
            path,
            f"{who}: unknown layer class {class_name!r}; rnnkit supports {sorted(table)} here, and a custom "
            f"class loads with load_model(..., custom_objects={{{class_name!r}: {class_name}}})",
        )
    kwargs = _constructor_args(path, who, dict(entry["config"]), keras2, class_name == "InputLayer")
    if class_name == "Bidirectional":
        kwargs = _bidirectional_args(path, who, kwargs, keras2)
    elif class_name == "TimeDistributed":
        kwargs["layer"] = layer_from_config(path, kwargs.get("layer"), keras2, custom_objects=custom_objects)
    elif class_name == "RNN":  # one built-in cell, or a StackedRNNCells of them
        kwargs["cell"] = _rnn_cell(path, kwargs.get("cell"), keras2, custom_objects)
    elif class_name == "InputLayer" and "batch_shape" in kwargs:  # Keras 3's name for it
        kwargs["batch_input_shape"] = kwargs.pop("batch_shape")
    elif class_name in ("GRU", "GRUCell") and "reset_after" not in kwargs:
        kwargs["reset_after"] = not keras2  # Keras 2 before 2.3 wrote no key and meant False
    return _construct(path, who, table[class_name], kwargs)


def _is_operation(module: Any, class_name: str, config: Any, table: dict) -> bool:
    """Whether an entry is a Keras operation: its module says so (``.keras``); a legacy ``.h5`` writes
    no module, so there it is a class no layer has, or ``Concatenate`` with an operation's config
    (only ``name`` and ``axis``; the layer's has ``trainable`` and ``dtype`` too)."""
    if module is not None:
        return isinstance(module, str) and module.startswith("keras.src.ops.")
    if class_name not in OPERATIONS:
        return False
    return class_name not in table or (isinstance(config, dict) and set(config) <= {"name", "axis"})


def _operation(path: str, who: str, class_name: str, config: Any) -> Operation:
    """A Keras operation between layers (a mask's ``not_equal``, ``any``, ...): see :mod:`rnnkit.layers.operations`."""
    if class_name not in OPERATIONS:
        raise ModelFileError(
            path, f"{who} is the Keras operation {class_name!r}, which rnnkit does not run inside a loaded graph "
                  f"(it runs the mask operations {sorted(OPERATIONS)}); rebuild the model in code and load only its weights")
    if not isinstance(config, dict):
        raise ModelFileError(path, f"{who}: its config must be an object; got {describe(config)}")
    options = dict(config)
    name = options.pop("name", None)
    try:
        return Operation(class_name, name=name if isinstance(name, str) else None, **options)
    except ValueError as error:
        raise ModelFileError(path, f"{who}: {error}") from None


def _constructor_args(path: str, who: str, config: dict, keras2: bool, is_input: bool) -> dict:
    dtype = config.pop("dtype", None)
    if not is_input:
        _check_float32_policy(path, who, dtype)
    elif dtype is not None:
        config["dtype"] = dtype if isinstance(dtype, str) else _policy_name(dtype)
    for key in _IGNORED_KEYS:
        config.pop(key, None)
    for key, harmless in _ONLY_IF.items():
        if key in config:
            value = config.pop(key)
            if value != harmless:
                raise ModelFileError(
                    path, f"{who}: {key}={value!r} is not supported by rnnkit (it changes what the layer computes or how it trains)"
                )
    for key in _ACTIVATION_KEYS:
        if key in config:
            config[key] = _activation_name(path, who, key, config[key], keras2)
    for key, build in _RULE_KEYS.items():
        if config.get(key) is not None:
            if not isinstance(config[key], dict):
                raise ModelFileError(path, f"{who}: {key} must be a Keras config object; got {config[key]!r}")
            try:
                config[key] = build(config[key])
            except (TypeError, ValueError) as error:
                raise ModelFileError(path, f"{who}: {key}: {error}") from None
    return config


def _policy_name(policy: Any) -> Any:
    if isinstance(policy, dict):
        return (policy.get("config") or {}).get("name")
    return policy


def _check_float32_policy(path: str, who: str, dtype: Any) -> None:
    name = _policy_name(dtype)
    if name not in (None, "float32"):
        raise ModelFileError(path, f"{who}: dtype policy {name!r} is not supported; rnnkit layers compute in float32")


def _activation_name(path: str, who: str, key: str, value: Any, keras2: bool) -> str:
    if isinstance(value, dict):  # Keras 3 writes built-in functions as {"class_name": "function", "config": name}
        if value.get("class_name") != "function" or not str(value.get("module", "")).startswith("keras"):
            raise ModelFileError(path, f"{who}: {key} is a custom object {value.get('class_name')!r}; only built-in activations load")
        value = value.get("config")
    if value == "hard_sigmoid" and keras2:
        raise ModelFileError(
            path,
            f"{who}: {key}='hard_sigmoid' in a Keras 2 file means clip(0.2x + 0.5), which differs from "
            "Keras 3's clip(x/6 + 0.5) that rnnkit implements; this layer is not supported",
        )
    if value is None:
        return "linear"
    if not isinstance(value, str):
        raise ModelFileError(path, f"{who}: {key} must be an activation name; got {value!r}")
    return value


def _bidirectional_args(path: str, who: str, kwargs: dict, keras2: bool) -> dict:
    """Build the wrapped layers; their names lose Keras's ``forward_``/``backward_`` prefix,
    which rnnkit's Bidirectional puts back."""
    for key, prefix in (("layer", "forward_"), ("backward_layer", "backward_")):
        entry = kwargs.get(key)
        if entry is None:
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("config"), dict):
            raise ModelFileError(path, f"{who}: '{key}' must be a layer config; got {entry!r}")
        config = dict(entry["config"])
        name = str(config.get("name", ""))
        config["name"] = name[len(prefix):] if name.startswith(prefix) else name
        sublayer = layer_from_config(path, {**entry, "config": config}, keras2)
        if not isinstance(sublayer, L.RNN):
            raise ModelFileError(path, f"{who}: wraps {describe(entry)}, but Bidirectional needs SimpleRNN, LSTM or GRU")
        kwargs[key] = sublayer
    if kwargs.get("layer") is None:
        raise ModelFileError(path, f"{who}: the config has no 'layer' to wrap")
    return kwargs


def _rnn_cell(path: str, entry: Any, keras2: bool, custom_objects: dict | None) -> Layer:
    """The cell of a generic ``RNN``: a built-in cell, a custom one, or Keras's ``StackedRNNCells`` of them."""
    if not (isinstance(entry, dict) and entry.get("class_name") == "StackedRNNCells"):
        return layer_from_config(path, entry, keras2, CELL_CLASSES, custom_objects)
    config = entry.get("config") if isinstance(entry.get("config"), dict) else {}
    cells = config.get("cells")
    if not isinstance(cells, list) or not cells:
        raise ModelFileError(path, f"{describe(entry)}: 'cells' must be a non-empty list of cell configs; got {cells!r}")
    stacked = [layer_from_config(path, cell, keras2, CELL_CLASSES, custom_objects) for cell in cells]
    return _construct(path, describe(entry), L.StackedRNNCells, {"cells": stacked, "name": config.get("name")})


def _option_defaults(cls: Callable[..., Layer]) -> dict[str, Any]:
    """The default of every keyword the layer takes: its ``__init__`` and its bases' (options travel
    on as ``**kwargs``), and a recurrent layer's cell class's (``GRU`` hands ``reset_after`` to ``GRUCell``)."""
    classes = [*inspect.getmro(cls), *inspect.getmro(getattr(cls, "cell_class", object))]
    defaults: dict[str, Any] = {}
    for klass in classes:
        if "__init__" in vars(klass) and klass is not object:
            for name, parameter in inspect.signature(vars(klass)["__init__"]).parameters.items():
                defaults.setdefault(name, parameter.default)
    return defaults


def _construct(path: str, who: str, cls: Callable[..., Layer], kwargs: dict) -> Layer:
    """``cls(**kwargs)``; an option whose default is a bool, an int or a float must be one too (a file's
    ``reset_after: "x"`` would otherwise reach the kernels), else an error naming the layer and option.

    An integer option may also be a list of integers, as Keras writes sizes and axes (``kernel_size: [3]``,
    ``axis: [1, 2]``); the layer itself checks the list's length and values.
    """
    defaults = _option_defaults(cls)
    for key, value in kwargs.items():
        kind = next((k for k in (bool, int, float) if type(defaults.get(key)) is k), None)
        if kind is None or is_kind(value, kind):
            continue
        if kind is int and isinstance(value, list) and all(is_kind(v, int) for v in value):
            continue
        expected = {bool: "true or false", int: "an integer or a list of integers", float: "a number"}[kind]
        raise ModelFileError(path, f"{who}: option {key} must be {expected}; got {describe(value)}")
    try:
        return cls(**kwargs)
    except TypeError as error:  # an option the rnnkit class does not take
        raise ModelFileError(path, f"{who}: unsupported option: {error}") from None
    except ValueError as error:
        raise ModelFileError(path, f"{who}: {error}") from None
    except (IndexError, KeyError) as error:  # a shape option of the wrong form ("batch_input_shape": [])
        raise ModelFileError(path, f"{who}: an option of the wrong form ({type(error).__name__}: {error})") from None


def refuse_layers_keras_lacks(model: Layer) -> None:
    """Raise, naming the layer, when ``model`` holds a layer Keras has no class for."""
    for module in model.modules():
        if type(module).__name__ in KERAS_LACKS:
            raise ValueError(
                f"Layer '{module.name}' ({type(module).__name__}) cannot be saved in a .keras archive: "
                f"Keras has no {type(module).__name__} layer, so Keras could not load the file; save the "
                "model in rnnkit's format instead (model.save('model.rnnkit'))"
            )
