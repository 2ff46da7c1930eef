"""What ``compile`` fixed, as Keras 3 files store it, and the optimizer's state.

A Keras 3 file keeps the compile arguments as ``compile_config`` (``.keras``: in config.json;
legacy ``.h5``: the ``training_config`` attribute, with the optimizer as ``optimizer_config``)::

    {"optimizer": {"module": "keras.optimizers", "class_name": "Adam", "config": {...}},
     "loss": "binary_crossentropy", "loss_weights": null, "metrics": ["accuracy"], ...}

and the optimizer's variables in Keras's order (``.keras``: ``optimizer/vars/0..n`` in
model.weights.h5; ``.h5``: the ``optimizer_weights`` group): the step count, the learning rate,
then each slot of each trainable weight, e.g. Adam's ``[m_0, v_0, m_1, v_1, ...]``.

rnnkit's optimizers keep Keras's slots under Keras's names (:mod:`rnnkit.training.optimizers`),
so a slot is written and read as it is; the table below gives Keras's order. Only names from
explicit tables are read from a file: an unknown optimizer, loss or metric class leaves the
model uncompiled with a warning, as Keras does when a compile config cannot be restored.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import torch

from ..file_records import record_field
from ..training import losses as loss_module
from ..training import metrics as metric_module
from ..training import optimizers as optimizer_module
from ..weight_checks import optimizer_state_dict
from .errors import ModelFileError

# Keras creates an optimizer's slots in groups: the slots of one group weight by weight
# ([m_0, v_0, m_1, v_1, ...]), one group after another; slots an optimizer lacks are skipped.
_SLOT_GROUPS: dict[str, list[tuple[str, ...]]] = {
    "SGD": [("momentum",)],
    "Adam": [("momentum", "velocity"), ("velocity_hat",)],
    "AdamW": [("momentum", "velocity"), ("velocity_hat",)],
    "RMSprop": [("velocity",), ("momentum",), ("average_gradient",)],
    "Adagrad": [("accumulator",)],
    "Adadelta": [("accumulated_grad", "accumulated_delta_var")],
    "Nadam": [("momentum", "velocity")],
    "Adamax": [("momentum", "norm")],
    "Lion": [("momentum",)],
}
_TRAILING = {"Nadam": ("u_product",)}  # optimizer-wide variables Keras creates after the slots
_TF_KERAS_2_KEYS = ("jit_compile", "is_legacy_optimizer", "decay")  # optimizer config keys Keras 3 dropped
_METRICS = {
    "BinaryAccuracy": (metric_module.BinaryAccuracy, metric_module.binary_accuracy),
    "CategoricalAccuracy": (metric_module.CategoricalAccuracy, metric_module.categorical_accuracy),
    "SparseCategoricalAccuracy": (metric_module.SparseCategoricalAccuracy, metric_module.sparse_categorical_accuracy),
    "MeanSquaredError": (metric_module.MeanSquaredError, metric_module.mean_squared_error),
    "MeanAbsoluteError": (metric_module.MeanAbsoluteError, metric_module.mean_absolute_error),
}


class NotDescribable(ValueError):
    """Part of the compile arguments (a Python function, an unknown class) has no description as data."""


# ----- writing -------------------------------------------------------------------------------
def compile_config(model: Any) -> dict[str, Any] | None:
    """Keras 3's ``compile_config`` of ``model``, or None (with a warning) if it cannot be described."""
    if model.compilation is None:
        return None
    given = model.compilation.arguments
    try:
        return {
            "optimizer": optimizer_module.serialize(model.optimizer),
            "loss": _describe_loss(given["loss"]),
            "loss_weights": given["loss_weights"],
            "metrics": _describe_metrics(given["metrics"]),
            "weighted_metrics": None,
            "run_eagerly": False,
            "steps_per_execution": 1,
            "jit_compile": False,
        }
    except (NotDescribable, ValueError) as error:
        warnings.warn(f"Model '{model.name}': the compile configuration is not saved ({error}); compile the loaded model again", UserWarning, stacklevel=4)
        return None


def _describe_loss(value: Any) -> Any:
    """Names as they are, rnnkit's loss classes as Keras's serialized form, per output in lists and dicts."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return [_describe_loss(v) for v in value]
    if isinstance(value, dict):
        return {key: _describe_loss(v) for key, v in value.items()}
    if isinstance(value, loss_module.Loss):
        return loss_module.serialize(value)  # a ValueError for a custom Loss subclass
    raise NotDescribable(f"the loss {value!r} is Python code, not one of Keras's loss classes")


def _describe_metrics(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return [_describe_metrics(v) for v in value]
    if isinstance(value, dict):
        return {key: _describe_metrics(v) for key, v in value.items()}
    if isinstance(value, metric_module.MeanMetric):
        name = next((n for n, (_, fn) in _METRICS.items() if value.fn is fn), None)
        if name is not None:
            return {"module": "keras.metrics", "class_name": name, "config": {"name": value.name, **value.options}, "registered_name": None}
    raise NotDescribable(f"the metric {value!r} is Python code, not one of Keras's metric classes")


# ----- reading -------------------------------------------------------------------------------
def compile_from_config(path: str, model: Any, config: Any) -> None:
    """``model.compile(...)`` with the arguments a file stored; a warning (model left uncompiled) if it can't."""
    if not config:
        return
    try:
        if not isinstance(config, dict):
            raise NotDescribable(f"the compile configuration is not an object: {config!r}")
        optimizer = optimizer_from_config(config.get("optimizer"))
        loss = _restore_loss(config.get("loss"))
        metrics = config.get("metrics")
        if isinstance(metrics, list) and len(metrics) == 1 and isinstance(metrics[0], list):
            metrics = metrics[0]  # tf.keras 2 wrote one list per output
        metrics = _restore_metrics(metrics)
        model.compile(optimizer=optimizer, loss=loss, metrics=metrics, loss_weights=config.get("loss_weights"))
    except (NotDescribable, TypeError, ValueError) as error:
        warnings.warn(f"{path}: the model is not compiled ({error}); call model.compile(...) before fit or evaluate", UserWarning, stacklevel=4)


def optimizer_from_config(config: Any) -> Any:
    if isinstance(config, str):
        return optimizer_module.get(config)
    if not isinstance(config, dict):
        raise NotDescribable(f"the optimizer is not a config object: {config!r}")
    name = str(config.get("class_name")).removeprefix("Custom>")  # tf.keras 2.11+ named its built-ins so
    body = config.get("config") or {}
    if not isinstance(body, dict):
        raise NotDescribable(f"the optimizer's config is not an object: {body!r}")
    body = {key: value for key, value in body.items() if key not in _TF_KERAS_2_KEYS}
    for key, value in body.items():
        _check_hyperparameter(key, value)
    return optimizer_module.deserialize({"class_name": name, "config": body})


# The ranges in which an optimizer's hyperparameters mean anything; a file's value outside them (a
# clipnorm of 1e308, a beta_1 of -1) would only fail at the first step, or train on NaN.
_BELOW_ONE = ("beta_1", "beta_2", "rho")  # 1 would divide by zero in the bias correction, or never move
_UP_TO_ONE = ("momentum", "ema_momentum")
_POSITIVE = ("epsilon", "clipnorm", "clipvalue", "global_clipnorm")
_NOT_NEGATIVE = ("learning_rate", "weight_decay", "initial_accumulator_value")
_LARGEST = 1e6  # no hyperparameter of Keras's optimizers is meaningful beyond this


def _check_hyperparameter(key: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return  # names, flags, schedules (dicts) are checked by the classes that take them
    if not math.isfinite(value) or abs(value) > _LARGEST:
        raise NotDescribable(f"the optimizer's {key} is {value!r}, not a finite number of at most {_LARGEST:g}")
    if key in _POSITIVE and value <= 0:
        raise NotDescribable(f"the optimizer's {key} is {value!r}; it must be positive")
    if key in _NOT_NEGATIVE and value < 0:
        raise NotDescribable(f"the optimizer's {key} is {value!r}; it must not be negative")
    if key in _BELOW_ONE and not 0 <= value < 1:
        raise NotDescribable(f"the optimizer's {key} is {value!r}; it must be in [0, 1)")
    if key in _UP_TO_ONE and not 0 <= value <= 1:
        raise NotDescribable(f"the optimizer's {key} is {value!r}; it must be in [0, 1]")


def _restore_loss(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list):
        return [_restore_loss(v) for v in value]
    if isinstance(value, dict) and "class_name" not in value:
        return {key: _restore_loss(v) for key, v in value.items()}
    return loss_module.deserialize(value)


def _restore_metrics(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list):
        return [_restore_metrics(v) for v in value]
    if isinstance(value, dict) and "class_name" not in value:
        return {key: _restore_metrics(v) for key, v in value.items()}
    name = value.get("class_name") if isinstance(value, dict) else None
    config = dict(value.get("config") or {}) if isinstance(value, dict) else {}
    if name == "MeanMetricWrapper" and isinstance(config.get("fn"), str):  # tf.keras 2: a metric by function name
        return config["fn"]
    if name not in _METRICS:
        raise NotDescribable(f"metric {name or value!r} is not one rnnkit has ({sorted(_METRICS)})")
    for key in ("dtype",):
        config.pop(key, None)
    return _METRICS[name][0](**config)


# ----- optimizer variables in Keras's order ------------------------------------------------------
def _slot_order(optimizer: Any) -> list[tuple[int, str]]:
    """``(weight index, slot)`` for each slot variable, in the order Keras creates them."""
    groups = _SLOT_GROUPS.get(type(optimizer).__name__)
    if groups is None:
        raise NotDescribable(f"optimizer {optimizer!r} has no Keras variable layout")
    count = len(optimizer.params)
    order = []
    for group in groups:
        names = [name for name in group if name in optimizer.slot_names]
        order += [(i, name) for i in range(count) for name in names]
    return order


def keras_optimizer_variables(optimizer: Any, weight_paths: list[str]) -> list[tuple[str, np.ndarray]]:
    """``(Keras name, value)`` of each optimizer variable, in Keras's order (empty before the first step)."""
    if optimizer is None or optimizer.torch_optimizer is None or optimizer.iterations == 0:
        return []
    params, state = optimizer.params, optimizer.torch_optimizer.state
    name = optimizer.name
    variables = [(f"{name}/iteration", np.array(optimizer.iterations, np.int64)),
                 (f"{name}/learning_rate", np.array(optimizer.learning_rate, np.float32))]
    variables += [(f"{name}/{weight_paths[i].replace('/', '_')}_{slot}", state[params[i]][slot].detach().cpu().numpy())
                  for i, slot in _slot_order(optimizer)]
    values = optimizer.torch_optimizer.param_groups[0]
    variables += [(f"{name}/{key}", np.array(values[key], np.float32)) for key in _TRAILING.get(type(optimizer).__name__, ())]
    return variables


def restore_keras_optimizer_variables(path: str, model: Any, arrays: list[np.ndarray]) -> None:
    """Load optimizer variables in Keras's order into the compiled ``model``'s optimizer."""
    optimizer = model.optimizer
    if optimizer is None or not arrays:
        return
    if optimizer.torch_optimizer is None:
        optimizer.bind(model.parameters())
    try:
        order = _slot_order(optimizer)
    except NotDescribable as error:
        warnings.warn(f"{path}: optimizer state not restored ({error})", UserWarning, stacklevel=4)
        return
    trailing = _TRAILING.get(type(optimizer).__name__, ())
    expected = 2 + len(order) + len(trailing)
    if len(arrays) == expected - 1:  # tf.keras 2 stored no learning-rate variable: keep the configured rate
        arrays = [arrays[0], np.array(optimizer.learning_rate, np.float32), *arrays[1:]]
    if len(arrays) != expected:
        warnings.warn(f"{path}: optimizer state not restored: the file has {len(arrays)} optimizer variables, "
                      f"this optimizer needs {expected}", UserWarning, stacklevel=4)
        return
    params = optimizer.params
    state: dict[int, dict[str, torch.Tensor]] = {}
    for array, (i, slot) in zip(arrays[2:], order):
        if tuple(array.shape) != tuple(params[i].shape):
            raise ModelFileError(path, f"optimizer variable {slot} of weight {i} has shape {tuple(array.shape)}; the weight has {tuple(params[i].shape)}")
        state.setdefault(i, {})[slot] = torch.from_numpy(np.array(array, np.float32))
    groups = optimizer.torch_optimizer.state_dict()["param_groups"]
    groups[0].update({key: float(value) for key, value in zip(trailing, arrays[2 + len(order):])})
    rate = None if isinstance(optimizer._learning_rate, optimizer_module.schedules.LearningRateSchedule) else float(arrays[1])
    optimizer.load_state_dict({"iterations": int(arrays[0]), "learning_rate": rate, "torch": {"state": state, "param_groups": groups}})


# ----- rnnkit's format: the optimizer's own state ---------------------------------------------------
def optimizer_state_parts(optimizer: Any) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """Tensors (``compiled_optimizer/<param>/<key>``) and a JSON-able record of everything else."""
    if optimizer is None or optimizer.torch_optimizer is None:
        return {}, {}
    state = optimizer.state_dict()
    tensors: dict[str, torch.Tensor] = {}
    plain: dict[str, dict[str, Any]] = {}
    for index, entries in state["torch"]["state"].items():
        for key, value in entries.items():
            if isinstance(value, torch.Tensor):
                tensors[f"compiled_optimizer/{index}/{key}"] = value.detach().cpu().contiguous().clone()
            else:
                plain.setdefault(str(index), {})[key] = value
    record = {"iterations": state["iterations"], "learning_rate": state["learning_rate"],
              "param_groups": state["torch"]["param_groups"], "plain_state": plain}
    return tensors, record


def restore_optimizer_state(path: str, model: Any, record: Any, tensors: dict[str, torch.Tensor]) -> None:
    """Load what :func:`optimizer_state_parts` wrote (``tensors``: the file's ``compiled_optimizer`` group) into ``model``'s optimizer."""
    optimizer = model.optimizer
    if optimizer is None or not record:
        return
    if optimizer.torch_optimizer is None:
        optimizer.bind(model.parameters())
    where = "rnnkit.compile.optimizer_state"
    plain = {"param_groups": record_field(path, record, "param_groups", list, where=where),
             "state": record_field(path, record, "plain_state", dict, where=where, default={})}
    state = {"iterations": record_field(path, record, "iterations", int, where=where, minimum=0),
             "learning_rate": record_field(path, record, "learning_rate", (float, type(None)), where=where, minimum=0),
             "torch": optimizer_state_dict(path, tensors, plain, optimizer.torch_optimizer, where, "compiled_optimizer/")}
    try:
        optimizer.load_state_dict(state)
    except (ValueError, KeyError) as error:
        raise ModelFileError(path, f"the stored optimizer state does not fit the compiled optimizer: {error}") from None
