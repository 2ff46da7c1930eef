"""Keras 3's losses: per-value functions, and :class:`Loss`, which weights, masks and reduces.

A loss function takes ``y_true`` and ``y_pred`` shaped ``(batch, ..., last)`` and returns one value
per sample and position, ``(batch, ...)`` (the last axis averaged, or summed over classes).
:class:`Loss` then multiplies by ``sample_weight`` and by the mask Keras layers attach to
``y_pred`` and reduces as Keras's ``reduction`` says; the default ``"sum_over_batch_size"``
divides the weighted sum by the number of values, masked-out values not counted.

Crossentropies on probabilities clip them to ``[1e-7, 1 - 1e-7]`` before the log, as Keras does.
But like Keras, when ``y_pred`` came out of a ``sigmoid`` or ``softmax`` activation (which leave
their input on the output as ``_keras_logits``), the crossentropies use those logits instead, so
a saturated output still has a gradient and a confident wrong answer costs its full amount.
"""

from __future__ import annotations

import functools
import math
from typing import Any, Callable

import numpy as np
import torch
import torch.nn.functional as F

EPSILON = 1e-7
REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)

__all__ = [
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "CategoricalHinge",
    "CosineSimilarity",
    "Hinge",
    "Huber",
    "KLDivergence",
    "LogCosh",
    "Loss",
    "LossFunctionWrapper",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Poisson",
    "SparseCategoricalCrossentropy",
    "SquaredHinge",
    "binary_crossentropy",
    "categorical_crossentropy",
    "categorical_hinge",
    "cosine_similarity",
    "deserialize",
    "get",
    "hinge",
    "huber",
    "kl_divergence",
    "kld",
    "log_cosh",
    "logcosh",
    "mae",
    "mape",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "mse",
    "msle",
    "poisson",
    "serialize",
    "sparse_categorical_crossentropy",
    "squared_hinge",
]


def takes_arrays(fn: Callable[..., torch.Tensor]) -> Callable[..., torch.Tensor]:
    """Let a per-value function take NumPy arrays and lists, as Keras's ``convert_to_tensor`` does.

    ``keras.losses.mean_squared_error(y_valid, y_pred)`` on two NumPy arrays is how tutorials
    score a baseline. ``y_pred`` becomes a tensor of its own float dtype (integers and booleans
    become float32, Keras's ``floatx``); ``y_true`` a tensor on ``y_pred``'s device. Tensors pass
    through untouched, so the logits Keras's activations leave on ``y_pred`` are kept.
    """

    @functools.wraps(fn)
    def wrapped(y_true: Any, y_pred: Any, *args: Any, **kwargs: Any) -> torch.Tensor:
        return fn(*as_tensors(y_true, y_pred), *args, **kwargs)

    return wrapped


def as_tensors(y_true: Any, y_pred: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """``(y_true, y_pred)`` as tensors by the rule of :func:`takes_arrays`."""
    if not isinstance(y_pred, torch.Tensor):
        y_pred = torch.as_tensor(np.asarray(y_pred))
        if not y_pred.is_floating_point():
            y_pred = y_pred.to(torch.float32)
    if not isinstance(y_true, torch.Tensor):
        y_true = np.asarray(y_true)
    return torch.as_tensor(y_true, device=y_pred.device), y_pred


def match_rank(y_true: torch.Tensor, y_pred: torch.Tensor, loss_name: str) -> torch.Tensor:
    """``y_true`` reshaped to ``y_pred``'s shape where they differ by a trailing axis of size 1."""
    if y_true.dim() == y_pred.dim() - 1 and y_pred.shape[-1] == 1:
        y_true = y_true.unsqueeze(-1)
    elif y_true.dim() == y_pred.dim() + 1 and y_true.shape[-1] == 1:
        y_true = y_true.squeeze(-1)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"{loss_name}: targets y (y_true) have shape {tuple(y_true.shape)} but the model output "
            f"(y_pred) has shape {tuple(y_pred.shape)}; they must match"
        )
    return y_true


def _check_probabilities(y_true: torch.Tensor, loss_name: str) -> None:
    if y_true.numel() and (y_true.min() < 0 or y_true.max() > 1):
        raise ValueError(
            f"{loss_name}: targets y (y_true) must lie in [0, 1]; got values from "
            f"{y_true.min().item():g} to {y_true.max().item():g}"
        )


def _logits_of(y_pred: torch.Tensor, from_logits: bool) -> tuple[torch.Tensor, bool]:
    """Keras's ``_get_logits``: the input of the sigmoid/softmax that made ``y_pred``, if it left one."""
    logits = getattr(y_pred, "_keras_logits", None)
    return (logits, True) if logits is not None else (y_pred, from_logits)


@takes_arrays
def binary_crossentropy(
    y_true: torch.Tensor, y_pred: torch.Tensor, from_logits: bool = False, label_smoothing: float = 0.0
) -> torch.Tensor:
    """``-(y log p + (1 - y) log(1 - p))`` averaged over the last axis."""
    y_true = match_rank(y_true, y_pred, "binary_crossentropy").to(y_pred.dtype)
    _check_probabilities(y_true, "binary_crossentropy")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    y_pred, from_logits = _logits_of(y_pred, from_logits)
    if from_logits:
        values = F.binary_cross_entropy_with_logits(y_pred, y_true, reduction="none")
    else:
        p = y_pred.clamp(EPSILON, 1.0 - EPSILON)
        values = -(y_true * torch.log(p) + (1.0 - y_true) * torch.log(1.0 - p))
    return values.mean(dim=-1)


@takes_arrays
def categorical_crossentropy(
    y_true: torch.Tensor, y_pred: torch.Tensor, from_logits: bool = False, label_smoothing: float = 0.0
) -> torch.Tensor:
    """``-sum_k y_k log p_k`` over the class axis (the last); ``y_true`` is one-hot or soft.

    Probabilities are divided by their sum and then clipped, as Keras does.
    """
    y_true = match_rank(y_true, y_pred, "categorical_crossentropy").to(y_pred.dtype)
    _check_probabilities(y_true, "categorical_crossentropy")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_pred.shape[-1]
    y_pred, from_logits = _logits_of(y_pred, from_logits)
    if from_logits:
        log_p = F.log_softmax(y_pred, dim=-1)
    else:
        log_p = torch.log((y_pred / y_pred.sum(dim=-1, keepdim=True)).clamp(EPSILON, 1.0 - EPSILON))
    return -(y_true * log_p).sum(dim=-1)


@takes_arrays
def sparse_categorical_crossentropy(
    y_true: torch.Tensor, y_pred: torch.Tensor, from_logits: bool = False
) -> torch.Tensor:
    """``-log p[label]``: ``y_true`` holds integer class indices, shaped as ``y_pred`` less its last axis.

    Probabilities are clipped, logged and then treated as logits (Keras's TensorFlow backend), so
    they are in effect renormalised after clipping.
    """
    if y_true.dim() == y_pred.dim() and y_true.shape[-1] == 1:
        y_true = y_true.squeeze(-1)
    if y_true.shape != y_pred.shape[:-1]:
        raise ValueError(
            f"sparse_categorical_crossentropy: labels y (y_true) must have shape "
            f"{tuple(y_pred.shape[:-1])} (the model output {tuple(y_pred.shape)} without its class "
            f"axis); got {tuple(y_true.shape)}"
        )
    if y_true.is_floating_point():
        if not torch.equal(y_true, y_true.round()):
            raise ValueError(
                "sparse_categorical_crossentropy: labels y (y_true) must be whole class indices; "
                "got fractional values (one-hot targets need categorical_crossentropy)"
            )
    elif y_true.dtype == torch.bool or y_true.is_complex():
        raise ValueError(f"sparse_categorical_crossentropy: labels y (y_true) must be integers; got {y_true.dtype}")
    labels = y_true.long()
    classes = y_pred.shape[-1]
    if labels.numel() and (labels.min() < 0 or labels.max() >= classes):
        raise ValueError(
            f"sparse_categorical_crossentropy: labels y (y_true) must lie in [0, {classes - 1}] for "
            f"a model output with {classes} classes; got values from {labels.min().item()} to "
            f"{labels.max().item()}"
        )
    y_pred, from_logits = _logits_of(y_pred, from_logits)
    logits = y_pred if from_logits else torch.log(y_pred.clamp(EPSILON, 1.0 - EPSILON))
    log_p = F.log_softmax(logits, dim=-1)
    return -log_p.gather(-1, labels.unsqueeze(-1)).squeeze(-1)


def _float_targets(y_true: torch.Tensor, y_pred: torch.Tensor, name: str) -> torch.Tensor:
    return match_rank(y_true, y_pred, name).to(y_pred.dtype)


@takes_arrays
def mean_squared_error(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """``mean((y - p)^2)`` over the last axis."""
    return (y_pred - _float_targets(y_true, y_pred, "mean_squared_error")).square().mean(dim=-1)


@takes_arrays
def mean_absolute_error(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """``mean(|y - p|)`` over the last axis."""
    return (y_pred - _float_targets(y_true, y_pred, "mean_absolute_error")).abs().mean(dim=-1)


@takes_arrays
def mean_absolute_percentage_error(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """``100 * mean(|y - p| / max(|y|, 1e-7))`` over the last axis."""
    y_true = _float_targets(y_true, y_pred, "mean_absolute_percentage_error")
    return 100.0 * ((y_true - y_pred) / y_true.abs().clamp(min=EPSILON)).abs().mean(dim=-1)


@takes_arrays
def mean_squared_logarithmic_error(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """``mean((log(max(p, 1e-7) + 1) - log(max(y, 1e-7) + 1))^2)`` over the last axis."""
    y_true = _float_targets(y_true, y_pred, "mean_squared_logarithmic_error")
    return (torch.log(y_pred.clamp(min=EPSILON) + 1.0) - torch.log(y_true.clamp(min=EPSILON) + 1.0)).square().mean(dim=-1)


@takes_arrays
def huber(y_true: torch.Tensor, y_pred: torch.Tensor, delta: float = 1.0) -> torch.Tensor:
    """Squared error ``e^2 / 2`` within ``delta``, linear ``delta (|e| - delta / 2)`` beyond; mean over the last axis."""
    error = (y_pred - _float_targets(y_true, y_pred, "huber")).abs()
    values = torch.where(error <= delta, 0.5 * error.square(), delta * error - 0.5 * delta**2)
    return values.mean(dim=-1)


@takes_arrays
def log_cosh(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """``mean(log(cosh(p - y)))`` over the last axis, as ``x + softplus(-2x) - log 2``."""
    x = y_pred - _float_targets(y_true, y_pred, "log_cosh")
    return (x + F.softplus(-2.0 * x) - math.log(2.0)).mean(dim=-1)


def _hinge_labels(y_true: torch.Tensor, y_pred: torch.Tensor, name: str) -> torch.Tensor:
    """Labels 0/1 become -1/1 (all of them, only when every label is 0 or 1), as Keras's hinge losses do."""
    y_true = _float_targets(y_true, y_pred, name)
    return 2.0 * y_true - 1.0 if bool(((y_true == 0) | (y_true == 1)).all()) else y_true


@takes_arrays
def hinge(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """``mean(max(1 - y p, 0))`` over the last axis, labels -1/1 (0/1 converted)."""
    return (1.0 - _hinge_labels(y_true, y_pred, "hinge") * y_pred).clamp(min=0.0).mean(dim=-1)


@takes_arrays
def squared_hinge(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """``mean(max(1 - y p, 0)^2)`` over the last axis, labels -1/1 (0/1 converted)."""
    return (1.0 - _hinge_labels(y_true, y_pred, "squared_hinge") * y_pred).clamp(min=0.0).square().mean(dim=-1)


@takes_arrays
def categorical_hinge(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """``max(max_k((1 - y_k) p_k) - sum_k y_k p_k + 1, 0)`` for one-hot ``y_true``."""
    y_true = _float_targets(y_true, y_pred, "categorical_hinge")
    positive = (y_true * y_pred).sum(dim=-1)
    negative = ((1.0 - y_true) * y_pred).amax(dim=-1)
    return (negative - positive + 1.0).clamp(min=0.0)


@takes_arrays
def kl_divergence(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """``sum_k y_k log(y_k / p_k)`` with both clipped to ``[1e-7, 1]``."""
    y_true = _float_targets(y_true, y_pred, "kl_divergence").clamp(EPSILON, 1.0)
    return (y_true * torch.log(y_true / y_pred.clamp(EPSILON, 1.0))).sum(dim=-1)


@takes_arrays
def poisson(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """``mean(p - y log(p + 1e-7))`` over the last axis."""
    y_true = _float_targets(y_true, y_pred, "poisson")
    return (y_pred - y_true * torch.log(y_pred + EPSILON)).mean(dim=-1)


@takes_arrays
def cosine_similarity(y_true: torch.Tensor, y_pred: torch.Tensor, axis: int = -1) -> torch.Tensor:
    """``-sum(y / |y| * p / |p|)`` along ``axis`` (each norm at least 1e-7's square root, as Keras)."""
    y_true = _float_targets(y_true, y_pred, "cosine_similarity")

    def unit(x: torch.Tensor) -> torch.Tensor:
        return x * torch.rsqrt(x.square().sum(dim=axis, keepdim=True)).clamp(max=1.0 / EPSILON)

    return -(unit(y_true) * unit(y_pred)).sum(dim=axis)


mse = mean_squared_error
mae = mean_absolute_error
mape = mean_absolute_percentage_error
msle = mean_squared_logarithmic_error
kld = kl_divergence
logcosh = log_cosh


def broadcast_weights(weights: torch.Tensor, values: torch.Tensor, argument: str) -> torch.Tensor:
    """Per-sample (or per-sample-and-step) weights shaped to multiply ``values``."""
    if weights.shape != values.shape[: weights.dim()]:
        raise ValueError(
            f"{argument} must have shape {tuple(values.shape[:1])} (one weight per sample) or "
            f"{tuple(values.shape)}; got {tuple(weights.shape)}"
        )
    return weights.to(values.dtype).reshape(*weights.shape, *([1] * (values.dim() - weights.dim())))


def reduce_weighted(values: torch.Tensor, sample_weight: torch.Tensor | None, mask: torch.Tensor | None,
                    reduction: str | None) -> torch.Tensor:
    """Keras's ``reduce_weighted_values``: weights and mask applied, then reduced.

    For ``sum_over_batch_size`` (and ``mean``) a mask gives each kept value the weight
    ``total / kept``, so the result is the weighted sum over the kept values' count.
    """
    if mask is not None:
        mask = mask.to(values.dtype)
        if reduction in ("sum_over_batch_size", "mean"):
            kept = mask.sum()
            mask = mask * (mask.numel() / kept if kept > 0 else 0.0)
        sample_weight = mask if sample_weight is None else sample_weight * mask
    if sample_weight is not None:
        values = values * sample_weight
    if reduction in (None, "none"):
        return values
    total = values.sum()
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = torch.broadcast_to(sample_weight, values.shape).sum()
    else:
        divisor = torch.tensor(float(values.numel()), dtype=values.dtype, device=values.device)
    return torch.where(divisor != 0, total / torch.where(divisor != 0, divisor, 1.0), 0.0)


class Loss:
    """Keras's ``keras.losses.Loss``: ``call(y_true, y_pred)`` per value, reduced by ``__call__``.

    Subclass it and write ``call`` for a custom loss (as in Keras); built-in losses are
    :class:`LossFunctionWrapper` s. ``loss(y_true, y_pred, sample_weight)`` weights each value by
    ``sample_weight`` (``(batch,)`` or ``(batch, time)``) and by the mask on ``y_pred``, then reduces.
    """

    fn: Callable[..., torch.Tensor] | None = None

    def __init__(self, name: str | None = None, reduction: str | None = "sum_over_batch_size", dtype: Any = None):
        if reduction not in REDUCTIONS:
            raise ValueError(f"{type(self).__name__}: reduction must be one of {list(REDUCTIONS)}; got {reduction!r}")
        self.name = name or type(self).__name__
        self.reduction = reduction
        self.dtype = dtype

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError(f"{type(self).__name__}: a Loss subclass must define call(y_true, y_pred)")

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> torch.Tensor:
        values = self.call(*as_tensors(y_true, y_pred))
        weights = None
        if sample_weight is not None:
            weights = broadcast_weights(torch.as_tensor(sample_weight, device=values.device), values, "sample_weight")
        mask = getattr(y_pred, "_keras_mask", None)
        if mask is not None and mask.shape != values.shape:
            mask = None
        return reduce_weighted(values, weights, mask, self.reduction)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        return cls(**config)


class LossFunctionWrapper(Loss):
    """A loss function with its options fixed (``LossFunctionWrapper(fn, name=..., **options)``)."""

    def __init__(self, fn: Callable[..., torch.Tensor], name: str | None = None,
                 reduction: str | None = "sum_over_batch_size", dtype: Any = None, **options: Any):
        super().__init__(name or getattr(fn, "__name__", type(fn).__name__), reduction, dtype)
        self.fn = fn
        self.options = options

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        return self.fn(y_true, y_pred, **self.options)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), **self.options}

    def __repr__(self) -> str:
        options = "".join(f", {k}={v!r}" for k, v in self.options.items())
        return f"{type(self).__name__}({self.name}{options})"


def _wrapper(fn: Callable[..., torch.Tensor], default_name: str, doc: str) -> type[LossFunctionWrapper]:
    """A Keras loss class without options of its own (``MeanSquaredError(reduction=..., name=...)``)."""

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str = default_name, dtype: Any = None):
        LossFunctionWrapper.__init__(self, fn, name, reduction, dtype)

    def get_config(self) -> dict[str, Any]:
        return Loss.get_config(self)

    return type(doc.split(":")[0], (LossFunctionWrapper,), {"__init__": __init__, "get_config": get_config, "__doc__": doc})


MeanSquaredError = _wrapper(mean_squared_error, "mean_squared_error", "MeanSquaredError: mean of (y - p)^2.")
MeanAbsoluteError = _wrapper(mean_absolute_error, "mean_absolute_error", "MeanAbsoluteError: mean of |y - p|.")
MeanAbsolutePercentageError = _wrapper(mean_absolute_percentage_error, "mean_absolute_percentage_error",
                                       "MeanAbsolutePercentageError: 100 * mean of |y - p| / |y|.")
MeanSquaredLogarithmicError = _wrapper(mean_squared_logarithmic_error, "mean_squared_logarithmic_error",
                                       "MeanSquaredLogarithmicError: mean of (log(p + 1) - log(y + 1))^2.")
LogCosh = _wrapper(log_cosh, "log_cosh", "LogCosh: mean of log(cosh(p - y)).")
Hinge = _wrapper(hinge, "hinge", "Hinge: mean of max(1 - y p, 0).")
SquaredHinge = _wrapper(squared_hinge, "squared_hinge", "SquaredHinge: mean of max(1 - y p, 0)^2.")
CategoricalHinge = _wrapper(categorical_hinge, "categorical_hinge", "CategoricalHinge: max(neg - pos + 1, 0).")
KLDivergence = _wrapper(kl_divergence, "kl_divergence", "KLDivergence: sum of y log(y / p).")
Poisson = _wrapper(poisson, "poisson", "Poisson: mean of p - y log(p).")


class BinaryCrossentropy(LossFunctionWrapper):
    """Keras's ``BinaryCrossentropy(from_logits=False, label_smoothing=0.0, ...)``."""

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: str | None = "sum_over_batch_size", name: str = "binary_crossentropy", dtype: Any = None):
        _last_axis_only(type(self).__name__, axis)
        super().__init__(binary_crossentropy, name, reduction, dtype, from_logits=from_logits, label_smoothing=label_smoothing)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": -1}


class CategoricalCrossentropy(LossFunctionWrapper):
    """Keras's ``CategoricalCrossentropy(from_logits=False, label_smoothing=0.0, ...)`` for one-hot or soft targets."""

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: str | None = "sum_over_batch_size", name: str = "categorical_crossentropy", dtype: Any = None):
        _last_axis_only(type(self).__name__, axis)
        super().__init__(categorical_crossentropy, name, reduction, dtype, from_logits=from_logits, label_smoothing=label_smoothing)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": -1}


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Keras's ``SparseCategoricalCrossentropy(from_logits=False, ...)`` for integer labels."""

    def __init__(self, from_logits: bool = False, ignore_class: int | None = None, reduction: str | None = "sum_over_batch_size",
                 axis: int = -1, name: str = "sparse_categorical_crossentropy", dtype: Any = None):
        _last_axis_only(type(self).__name__, axis)
        if ignore_class is not None:
            raise ValueError(f"{type(self).__name__}: ignore_class is not supported by rnnkit; got {ignore_class!r} "
                             "(mask those positions with sample_weight=0 instead)")
        super().__init__(sparse_categorical_crossentropy, name, reduction, dtype, from_logits=from_logits)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "ignore_class": None}


class Huber(LossFunctionWrapper):
    """Keras's ``Huber(delta=1.0)``: squared within ``delta``, linear beyond."""

    def __init__(self, delta: float = 1.0, reduction: str | None = "sum_over_batch_size", name: str = "huber_loss", dtype: Any = None):
        super().__init__(huber, name, reduction, dtype, delta=delta)


class CosineSimilarity(LossFunctionWrapper):
    """Keras's ``CosineSimilarity(axis=-1)``: minus the cosine between target and output."""

    def __init__(self, axis: int = -1, reduction: str | None = "sum_over_batch_size", name: str = "cosine_similarity", dtype: Any = None):
        super().__init__(cosine_similarity, name, reduction, dtype, axis=axis)


def _last_axis_only(name: str, axis: int) -> None:
    if axis != -1:
        raise ValueError(f"{name}: rnnkit computes crossentropies over the last axis only (axis=-1); got axis={axis}")


_BY_NAME: dict[str, Callable[..., torch.Tensor]] = {
    "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "mse": mean_squared_error,
    "mean_squared_error": mean_squared_error,
    "mae": mean_absolute_error,
    "mean_absolute_error": mean_absolute_error,
    "mape": mean_absolute_percentage_error,
    "mean_absolute_percentage_error": mean_absolute_percentage_error,
    "msle": mean_squared_logarithmic_error,
    "mean_squared_logarithmic_error": mean_squared_logarithmic_error,
    "huber": huber,
    "huber_loss": huber,
    "log_cosh": log_cosh,
    "logcosh": log_cosh,
    "hinge": hinge,
    "squared_hinge": squared_hinge,
    "categorical_hinge": categorical_hinge,
    "kld": kl_divergence,
    "kl_divergence": kl_divergence,
    "kullback_leibler_divergence": kl_divergence,
    "poisson": poisson,
    "cosine_similarity": cosine_similarity,
}

_CLASSES: dict[str, type[Loss]] = {
    cls.__name__: cls
    for cls in (BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, MeanSquaredError,
                MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError, Huber, LogCosh, Hinge,
                SquaredHinge, CategoricalHinge, KLDivergence, Poisson, CosineSimilarity)
}


def serialize(loss: Loss) -> dict[str, Any]:
    """Keras's serialized form of a built-in loss class."""
    if type(loss).__name__ not in _CLASSES:
        raise ValueError(f"serialize: {loss!r} is not one of rnnkit's Keras loss classes {sorted(_CLASSES)}")
    return {"module": "keras.losses", "class_name": type(loss).__name__, "config": loss.get_config(), "registered_name": None}


def deserialize(config: dict[str, Any]) -> Loss:
    """A loss from :func:`serialize`'s form (Keras's, as in ``.keras`` files)."""
    name = config.get("class_name") if isinstance(config, dict) else None
    if name not in _CLASSES:
        raise ValueError(f"loss config: class_name must be one of {sorted(_CLASSES)}; got {name!r}")
    return _CLASSES[name].from_config(dict(config.get("config") or {}))


def get(identifier: Any) -> Loss:
    """A :class:`Loss` from a Keras name (``'mse'``), a config dict, a :class:`Loss`, or ``fn(y_true, y_pred)``."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str):
        fn = _BY_NAME.get(identifier.lower())
        if fn is None:
            raise ValueError(f"loss: unknown loss {identifier!r}; known names are {sorted(_BY_NAME)}")
        return LossFunctionWrapper(fn, identifier)
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if callable(identifier):
        return LossFunctionWrapper(identifier, getattr(identifier, "__name__", type(identifier).__name__))
    raise ValueError(f"loss must be a loss name, a rnnkit.losses loss or a function; got {identifier!r}")
