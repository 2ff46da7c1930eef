"""Keras metrics: per-sample functions, and :class:`MeanMetric`, which averages them over an epoch.

``compile(metrics=['accuracy'])`` is resolved on the first batch, when the shapes are known, as
Keras resolves it: binary accuracy when the model has one output unit (or the loss is binary
crossentropy), sparse categorical accuracy when the labels have no class axis (or one of size
1), categorical accuracy otherwise. Binary accuracy thresholds at 0.5 even for logits, as Keras
does; pass ``BinaryAccuracy(threshold=0.0)`` for a model that outputs logits.

As in Keras, ``keras.metrics`` also names the per-sample loss functions
(``keras.metrics.mean_squared_error``...), which custom metrics are written with.
"""

from __future__ import annotations

from typing import Any, Callable

import torch

from .losses import (Loss, binary_crossentropy, broadcast_weights, categorical_crossentropy, categorical_hinge, hinge,
                     huber, kl_divergence, log_cosh, match_rank, mean_absolute_error,
                     mean_absolute_percentage_error, mean_squared_error, mean_squared_logarithmic_error, poisson,
                     sparse_categorical_crossentropy, squared_hinge, takes_arrays)

__all__ = [
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "MeanAbsoluteError",
    "MeanMetric",
    "MeanSquaredError",
    "SparseCategoricalAccuracy",
    "binary_accuracy",
    "binary_crossentropy",
    "categorical_accuracy",
    "categorical_crossentropy",
    "categorical_hinge",
    "get",
    "hinge",
    "huber",
    "kl_divergence",
    "log_cosh",
    "mae",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "mse",
    "poisson",
    "sparse_categorical_accuracy",
    "sparse_categorical_crossentropy",
    "squared_hinge",
]


@takes_arrays
def binary_accuracy(y_true: torch.Tensor, y_pred: torch.Tensor, threshold: float = 0.5) -> torch.Tensor:
    """The fraction of the last axis where ``y_pred > threshold`` agrees with ``y_true``."""
    y_true = match_rank(y_true, y_pred, "binary_accuracy")
    return ((y_pred > threshold) == (y_true > 0.5)).to(y_pred.dtype).mean(dim=-1)


@takes_arrays
def categorical_accuracy(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """1 where the largest entry of ``y_pred`` is at the class ``y_true`` (one-hot) marks."""
    y_true = match_rank(y_true, y_pred, "categorical_accuracy")
    return (y_true.argmax(dim=-1) == y_pred.argmax(dim=-1)).to(y_pred.dtype)


@takes_arrays
def sparse_categorical_accuracy(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """1 where the largest entry of ``y_pred`` is at class index ``y_true``."""
    if y_true.dim() == y_pred.dim() and y_true.shape[-1] == 1:
        y_true = y_true.squeeze(-1)
    return (y_true.long() == y_pred.argmax(dim=-1)).to(y_pred.dtype)


mse = mean_squared_error
mae = mean_absolute_error


class MeanMetric:
    """The running weighted mean of ``fn(y_true, y_pred)`` over the batches seen since ``reset_state``."""

    def __init__(self, fn: Callable[..., torch.Tensor], name: str, **options: Any):
        self.fn = fn
        self.name = name
        self.options = options
        self.total = 0.0
        self.count = 0.0

    def update_state(self, y_true: Any, y_pred: torch.Tensor, sample_weight: Any = None) -> None:
        with torch.no_grad():
            values = torch.as_tensor(self.fn(torch.as_tensor(y_true), y_pred, **self.options), dtype=torch.float64)
            weights = torch.ones_like(values)
            if sample_weight is not None:
                weights = weights * broadcast_weights(torch.as_tensor(sample_weight), values, "sample_weight")
            mask = getattr(y_pred, "_keras_mask", None)
            if mask is not None and mask.shape == values.shape:
                weights = weights * mask
            self.total += float((values * weights).sum())
            self.count += float(weights.sum())

    def result(self) -> float:
        return self.total / self.count if self.count else 0.0

    def reset_state(self) -> None:
        self.total = 0.0
        self.count = 0.0

    def __repr__(self) -> str:
        return f"MeanMetric({self.name})"


def BinaryAccuracy(name: str = "binary_accuracy", threshold: float = 0.5) -> MeanMetric:
    return MeanMetric(binary_accuracy, name, threshold=threshold)


def CategoricalAccuracy(name: str = "categorical_accuracy") -> MeanMetric:
    return MeanMetric(categorical_accuracy, name)


def SparseCategoricalAccuracy(name: str = "sparse_categorical_accuracy") -> MeanMetric:
    return MeanMetric(sparse_categorical_accuracy, name)


def MeanSquaredError(name: str = "mean_squared_error") -> MeanMetric:
    return MeanMetric(mean_squared_error, name)


def MeanAbsoluteError(name: str = "mean_absolute_error") -> MeanMetric:
    return MeanMetric(mean_absolute_error, name)


_BY_NAME: dict[str, Callable[..., torch.Tensor]] = {
    "binary_accuracy": binary_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "mse": mean_squared_error,
    "mean_squared_error": mean_squared_error,
    "mae": mean_absolute_error,
    "mean_absolute_error": mean_absolute_error,
}


def accuracy_for(y_true: torch.Tensor, y_pred: torch.Tensor, loss: Loss | None) -> Callable[..., torch.Tensor]:
    """The accuracy Keras means by ``'accuracy'`` for these targets, outputs and loss."""
    if y_pred.shape[-1] == 1 or (loss is not None and loss.fn is binary_crossentropy):
        return binary_accuracy
    if y_true.dim() == y_pred.dim() - 1 or y_true.shape[-1] == 1:
        return sparse_categorical_accuracy
    return categorical_accuracy


def get(identifier: Any, y_true: torch.Tensor, y_pred: torch.Tensor, loss: Loss | None = None) -> MeanMetric:
    """A :class:`MeanMetric` from a Keras name, a :class:`MeanMetric`, or a function ``fn(y_true, y_pred)``.

    ``y_true``/``y_pred`` (one batch) and ``loss`` decide what ``'accuracy'``/``'acc'`` means.
    """
    if isinstance(identifier, MeanMetric):
        return identifier
    if isinstance(identifier, str):
        if identifier.lower() in ("accuracy", "acc"):
            return MeanMetric(accuracy_for(y_true, y_pred, loss), identifier)
        fn = _BY_NAME.get(identifier.lower())
        if fn is None:
            raise ValueError(
                f"metrics: unknown metric {identifier!r}; known names are "
                f"{sorted(['accuracy', 'acc', *_BY_NAME])}"
            )
        return MeanMetric(fn, identifier)
    if callable(identifier):
        return MeanMetric(identifier, getattr(identifier, "__name__", type(identifier).__name__))
    raise ValueError(f"metrics: each metric must be a name, a rnnkit.metrics metric or a function; got {identifier!r}")
