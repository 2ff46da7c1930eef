"""What ``compile`` fixed, as Keras 3 files store it, and the optimizer's state.

A Keras 3 file keeps the compile arguments as ``compile_config`` (``.keras``: in config.json;
legacy ``.h5``: the ``training_config`` attribute, with the optimizer as ``optimizer_config``)::

    {"optimizer": {"module": "keras.optimizers", "class_name": "Adam", "config": {...}},
     "loss": "binary_crossentropy", "loss_weights": null, "metrics": ["accuracy"], ...}

and the optimizer's variables in Keras's order (``.keras``: ``optimizer/vars/0..n`` in
model.weights.h5; ``.h5``: the ``optimizer_weights`` group): the step count, the learning rate,
then each slot of each trainable weight, e.g. Adam's ``[m_0, v_0, m_1, v_1, ...]``.

rnnkit's optimizers run on ``torch.optim``; the table below says which torch state each Keras
slot is (SGD's and RMSprop's momentum hold the update scaled by the learning rate in Keras,
the raw one in torch). Only names from explicit tables are read from a file: an unknown
optimizer, loss or metric class leaves the model uncompiled with a warning, as Keras does when
a compile config cannot be restored.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import torch

from ..training import losses as loss_module
from ..training import metrics as metric_module
from ..training import optimizers as optimizer_module
from ..training import schedules as schedule_module
from .errors import ModelFileError

# Keras class -> (rnnkit factory, torch class, {Keras argument: torch option or (option, index)}).
_OPTIMIZERS: dict[str, tuple[Any, type, dict[str, Any]]] = {
    "SGD": (optimizer_module.SGD, torch.optim.SGD, {"momentum": "momentum", "nesterov": "nesterov"}),
    "Adam": (optimizer_module.Adam, torch.optim.Adam, {"beta_1": ("betas", 0), "beta_2": ("betas", 1), "epsilon": "eps", "amsgrad": "amsgrad"}),
    "AdamW": (optimizer_module.AdamW, torch.optim.AdamW, {"beta_1": ("betas", 0), "beta_2": ("betas", 1), "epsilon": "eps", "amsgrad": "amsgrad"}),
    "RMSprop": (optimizer_module.RMSprop, torch.optim.RMSprop, {"rho": "alpha", "momentum": "momentum", "epsilon": "eps", "centered": "centered"}),
    "Adagrad": (optimizer_module.Adagrad, torch.optim.Adagrad, {"initial_accumulator_value": "initial_accumulator_value", "epsilon": "eps"}),
}
_SCHEDULES = {cls.__name__: cls for cls in (schedule_module.ExponentialDecay, schedule_module.InverseTimeDecay,
                                            schedule_module.PiecewiseConstantDecay, schedule_module.CosineDecay)}
_LOSSES = {
    "BinaryCrossentropy": (loss_module.BinaryCrossentropy, loss_module.binary_crossentropy),
    "CategoricalCrossentropy": (loss_module.CategoricalCrossentropy, loss_module.categorical_crossentropy),
    "SparseCategoricalCrossentropy": (loss_module.SparseCategoricalCrossentropy, loss_module.sparse_categorical_crossentropy),
    "MeanSquaredError": (loss_module.MeanSquaredError, loss_module.mean_squared_error),
    "MeanAbsoluteError": (loss_module.MeanAbsoluteError, loss_module.mean_absolute_error),
    "Huber": (loss_module.Huber, loss_module.huber),
}
_METRICS = {
    "BinaryAccuracy": (metric_module.BinaryAccuracy, metric_module.binary_accuracy),
    "CategoricalAccuracy": (metric_module.CategoricalAccuracy, metric_module.categorical_accuracy),
    "SparseCategoricalAccuracy": (metric_module.SparseCategoricalAccuracy, metric_module.sparse_categorical_accuracy),
    "MeanSquaredError": (metric_module.MeanSquaredError, metric_module.mean_squared_error),
    "MeanAbsoluteError": (metric_module.MeanAbsoluteError, metric_module.mean_absolute_error),
}
_COMMON = {"use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None, "loss_scale_factor": None,
           "gradient_accumulation_steps": None}


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
            "optimizer": optimizer_config(model.optimizer),
            "loss": _describe(given["loss"], "loss", _LOSSES, loss_module.Loss),
            "loss_weights": given["loss_weights"],
            "metrics": _describe(given["metrics"], "metric", _METRICS, metric_module.MeanMetric),
            "weighted_metrics": None,
            "run_eagerly": False,
            "steps_per_execution": 1,
            "jit_compile": False,
        }
    except NotDescribable as error:
        warnings.warn(f"Model '{model.name}': the compile configuration is not saved ({error}); compile the loaded model again", UserWarning, stacklevel=4)
        return None


def optimizer_config(optimizer: Any) -> dict[str, Any]:
    kind = next((name for name, (_, torch_class, _) in _OPTIMIZERS.items() if optimizer.torch_class is torch_class), None)
    if kind is None:
        raise NotDescribable(f"optimizer {optimizer!r} has no Keras class")
    _, _, arguments = _OPTIMIZERS[kind]
    config: dict[str, Any] = {
        "name": optimizer.name,
        "learning_rate": _rate_config(optimizer._learning_rate),
        "weight_decay": optimizer.weight_decay or None,
        "clipnorm": optimizer.clipnorm,
        "global_clipnorm": optimizer.global_clipnorm,
        "clipvalue": optimizer.clipvalue,
        **_COMMON,
    }
    for keras_name, option in arguments.items():
        config[keras_name] = optimizer.options[option[0]][option[1]] if isinstance(option, tuple) else optimizer.options[option]
    return {"module": "keras.optimizers", "class_name": kind, "config": config, "registered_name": None}


def _rate_config(rate: Any) -> Any:
    if not callable(rate):
        return float(rate)
    name = type(rate).__name__
    if _SCHEDULES.get(name) is not type(rate):
        raise NotDescribable(f"learning-rate schedule {rate!r} has no Keras class")
    return {"module": "keras.optimizers.schedules", "class_name": name, "config": dict(vars(rate)), "registered_name": None}


def _describe(value: Any, what: str, table: dict, kind: type) -> Any:
    """Strings as they are; rnnkit loss/metric objects as Keras class configs; lists and dicts item by item."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return [_describe(v, what, table, kind) for v in value]
    if isinstance(value, dict):
        return {key: _describe(v, what, table, kind) for key, v in value.items()}
    if isinstance(value, kind):
        name = next((n for n, (_, fn) in table.items() if value.fn is fn), None)
        if name is not None:
            return {"module": f"keras.{what}es" if what == "loss" else f"keras.{what}s", "class_name": name,
                    "config": {"name": value.name, **value.options}, "registered_name": None}
    raise NotDescribable(f"the {what} {value!r} is Python code, not one of Keras's {what} classes")


# ----- reading -------------------------------------------------------------------------------
def compile_from_config(path: str, model: Any, config: Any) -> None:
    """``model.compile(...)`` with the arguments a file stored; a warning (model left uncompiled) if it can't."""
    if not config:
        return
    try:
        if not isinstance(config, dict):
            raise NotDescribable(f"the compile configuration is not an object: {config!r}")
        optimizer = optimizer_from_config(config.get("optimizer"))
        loss = _restore(config.get("loss"), "loss", _LOSSES)
        metrics = config.get("metrics")
        if isinstance(metrics, list) and len(metrics) == 1 and isinstance(metrics[0], list):
            metrics = metrics[0]  # tf.keras 2 wrote one list per output
        metrics = _restore(metrics, "metric", _METRICS)
        model.compile(optimizer=optimizer, loss=loss, metrics=metrics, loss_weights=config.get("loss_weights"))
    except (NotDescribable, TypeError, ValueError) as error:
        warnings.warn(f"{path}: the model is not compiled ({error}); call model.compile(...) before fit or evaluate", UserWarning, stacklevel=4)


def optimizer_from_config(config: Any) -> Any:
    if isinstance(config, str):
        return optimizer_module.get(config)
    if isinstance(config, dict) and str(config.get("class_name")).startswith("Custom>"):  # tf.keras 2.11+ built-ins
        config = {**config, "class_name": config["class_name"].removeprefix("Custom>")}
    if not isinstance(config, dict) or config.get("class_name") not in _OPTIMIZERS:
        name = config.get("class_name") if isinstance(config, dict) else config
        raise NotDescribable(f"optimizer {name!r} is not one rnnkit has ({sorted(_OPTIMIZERS)})")
    factory, _, arguments = _OPTIMIZERS[config["class_name"]]
    stored = dict(config.get("config") or {})
    for key, default in _COMMON.items():
        if stored.pop(key, default) not in (default, False, None):
            raise NotDescribable(f"optimizer option {key}={config['config'][key]!r} is not supported")
    kwargs = {key: stored[key] for key in ("name", "weight_decay", "clipnorm", "global_clipnorm", "clipvalue", *arguments) if key in stored}
    if config["class_name"] == "AdamW" and kwargs.get("weight_decay") is None:
        kwargs.pop("weight_decay", None)
    kwargs["learning_rate"] = _rate_from_config(stored.get("learning_rate", 0.001))
    return factory(**kwargs)


def _rate_from_config(value: Any) -> Any:
    if isinstance(value, (int, float)):
        return float(value)
    name = value.get("class_name") if isinstance(value, dict) else None
    if name not in _SCHEDULES:
        raise NotDescribable(f"learning-rate schedule {name or value!r} is not one rnnkit has ({sorted(_SCHEDULES)})")
    config = {key: item for key, item in (value.get("config") or {}).items() if key != "name"}
    return _SCHEDULES[name](**config)


def _restore(value: Any, what: str, table: dict) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list):
        return [_restore(v, what, table) for v in value]
    if isinstance(value, dict) and "class_name" not in value:
        return {key: _restore(v, what, table) for key, v in value.items()}
    name = value.get("class_name") if isinstance(value, dict) else None
    config = dict(value.get("config") or {}) if isinstance(value, dict) else {}
    if name == "MeanMetricWrapper" and isinstance(config.get("fn"), str):  # tf.keras 2: a metric by function name
        return config["fn"]
    if name not in table:
        raise NotDescribable(f"{what} {name or value!r} is not one rnnkit has ({sorted(table)})")
    for key in ("reduction", "dtype", "axis"):
        config.pop(key, None)
    if config.get("ignore_class", 0) is None:  # Keras's default: no class ignored
        del config["ignore_class"]
    return table[name][0](**config)


# ----- optimizer variables in Keras's order ------------------------------------------------------
def _slots(optimizer: Any) -> list[tuple[str, str, bool]]:
    """``(Keras slot, torch state key, scaled by the learning rate)`` for each slot kind, in Keras's order."""
    options = optimizer.options
    if optimizer.torch_class in (torch.optim.Adam, torch.optim.AdamW):
        return [("momentum", "exp_avg", False), ("velocity", "exp_avg_sq", False)] + (
            [("velocity_hat", "max_exp_avg_sq", False)] if options["amsgrad"] else [])
    if optimizer.torch_class is torch.optim.RMSprop:
        return [("velocity", "square_avg", False)] + (
            [("momentum", "momentum_buffer", True)] if options["momentum"] > 0 else []) + (
            [("average_gradient", "grad_avg", False)] if options["centered"] else [])
    if optimizer.torch_class is torch.optim.SGD:
        return [("momentum", "momentum_buffer", True)] if options["momentum"] != 0 else []
    if optimizer.torch_class is torch.optim.Adagrad:
        return [("accumulator", "sum", False)]
    raise NotDescribable(f"optimizer {optimizer!r} has no Keras variables")


def _interleaved(optimizer: Any) -> bool:
    """Adam and AdamW create their two slots weight by weight ([m_0, v_0, m_1, ...]); the rest slot by slot."""
    return optimizer.torch_class in (torch.optim.Adam, torch.optim.AdamW)


def keras_optimizer_variables(optimizer: Any, weight_paths: list[str]) -> list[tuple[str, np.ndarray]]:
    """``(Keras name, value)`` of each optimizer variable, in Keras's order (empty before the first step)."""
    if optimizer is None or optimizer.torch_optimizer is None or optimizer.iterations == 0:
        return []
    params = optimizer.params
    state = optimizer.torch_optimizer.state
    rate = optimizer.learning_rate
    sgd_sign = -1.0 if optimizer.torch_class is torch.optim.SGD else 1.0  # Keras SGD keeps -lr * buffer
    slots = _slots(optimizer)

    def value(param: torch.Tensor, key: str, scaled: bool) -> np.ndarray:
        tensor = state[param].get(key)
        array = np.zeros(tuple(param.shape), np.float32) if tensor is None else tensor.detach().cpu().numpy().astype(np.float32)
        return array * (sgd_sign * rate) if scaled else array

    order = [(i, s) for i in range(len(params)) for s in slots] if _interleaved(optimizer) else [(i, s) for s in slots for i in range(len(params))]
    name = optimizer.name
    variables = [(f"{name}/iteration", np.array(optimizer.iterations, np.int64)), (f"{name}/learning_rate", np.array(rate, np.float32))]
    variables += [(f"{name}/{weight_paths[i].replace('/', '_')}_{slot}", value(params[i], key, scaled)) for i, (slot, key, scaled) in order]
    return variables


def restore_keras_optimizer_variables(path: str, model: Any, arrays: list[np.ndarray]) -> None:
    """Load optimizer variables in Keras's order into the compiled ``model``'s optimizer."""
    optimizer = model.optimizer
    if optimizer is None or not arrays:
        return
    if optimizer.torch_optimizer is None:
        optimizer.bind(model.parameters())
    params = optimizer.params
    try:
        slots = _slots(optimizer)
    except NotDescribable as error:
        warnings.warn(f"{path}: optimizer state not restored ({error})", UserWarning, stacklevel=4)
        return
    expected = 2 + len(slots) * len(params)
    if len(arrays) == expected - 1:  # tf.keras 2 stored no learning-rate variable: keep the configured rate
        arrays = [arrays[0], np.array(optimizer.learning_rate, np.float32), *arrays[1:]]
    if len(arrays) != expected:
        warnings.warn(f"{path}: optimizer state not restored: the file has {len(arrays)} optimizer variables, "
                      f"this optimizer needs {expected}", UserWarning, stacklevel=4)
        return
    iterations, rate = int(arrays[0]), float(arrays[1])
    order = [(i, s) for i in range(len(params)) for s in slots] if _interleaved(optimizer) else [(i, s) for s in slots for i in range(len(params))]
    sgd_sign = -1.0 if optimizer.torch_class is torch.optim.SGD else 1.0
    state: dict[int, dict[str, torch.Tensor]] = {}
    for array, (i, (slot, key, scaled)) in zip(arrays[2:], order):
        if tuple(array.shape) != tuple(params[i].shape):
            raise ModelFileError(path, f"optimizer variable {slot} of weight {i} has shape {tuple(array.shape)}; the weight has {tuple(params[i].shape)}")
        tensor = torch.from_numpy(np.array(array, np.float32))
        state.setdefault(i, {"step": torch.tensor(float(iterations))})[key] = tensor / (sgd_sign * rate) if scaled else tensor
    torch_state = optimizer.torch_optimizer.state_dict()
    optimizer.load_state_dict({"iterations": iterations, "learning_rate": None if callable(optimizer._learning_rate) else rate,
                               "torch": {"state": state, "param_groups": torch_state["param_groups"]}})


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


def restore_optimizer_state(path: str, model: Any, record: dict[str, Any], tensors: dict[str, torch.Tensor]) -> None:
    optimizer = model.optimizer
    if optimizer is None or not record:
        return
    if optimizer.torch_optimizer is None:
        optimizer.bind(model.parameters())
    state: dict[int, dict[str, Any]] = {int(i): dict(values) for i, values in record.get("plain_state", {}).items()}
    for key, tensor in tensors.items():
        if key.startswith("compiled_optimizer/"):
            _, index, name = key.split("/", 2)
            state.setdefault(int(index), {})[name] = tensor
    try:
        optimizer.load_state_dict({"iterations": record["iterations"], "learning_rate": record["learning_rate"],
                                   "torch": {"state": state, "param_groups": record["param_groups"]}})
    except (ValueError, KeyError) as error:
        raise ModelFileError(path, f"the stored optimizer state does not fit the compiled optimizer: {error}") from None
