"""Keras losses: per-sample functions, and :class:`Loss`, which fixes options and reduces.

A loss function takes ``y_true`` and ``y_pred`` shaped ``(batch, ..., last)`` and returns one value
per sample and position, ``(batch, ...)``: the last axis is averaged (or summed over classes).
:class:`Loss` then applies sample weights and the model's output mask and divides the weighted sum
by the number of values (Keras's ``sum_over_batch_size``).

Probabilities given to the crossentropies without ``from_logits`` are clipped to
``[1e-7, 1 - 1e-7]`` before the log, as Keras does, so a confident wrong answer costs
``-log(1e-7) ~ 16.1`` rather than infinity.
"""

from __future__ import annotations

from typing import Any, Callable

import torch
import torch.nn.functional as F

EPSILON = 1e-7

__all__ = [
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "Huber",
    "Loss",
    "MeanAbsoluteError",
    "MeanSquaredError",
    "SparseCategoricalCrossentropy",
    "binary_crossentropy",
    "categorical_crossentropy",
    "get",
    "huber",
    "mae",
    "mean_absolute_error",
    "mean_squared_error",
    "mse",
    "sparse_categorical_crossentropy",
]


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


def binary_crossentropy(
    y_true: torch.Tensor, y_pred: torch.Tensor, from_logits: bool = False, label_smoothing: float = 0.0
) -> torch.Tensor:
    """``-(y log p + (1 - y) log(1 - p))`` averaged over the last axis."""
    y_true = match_rank(y_true, y_pred, "binary_crossentropy").to(y_pred.dtype)
    _check_probabilities(y_true, "binary_crossentropy")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        values = F.binary_cross_entropy_with_logits(y_pred, y_true, reduction="none")
    else:
        p = y_pred.clamp(EPSILON, 1.0 - EPSILON)
        values = -(y_true * torch.log(p) + (1.0 - y_true) * torch.log(1.0 - p))
    return values.mean(dim=-1)


def _log_probabilities(y_pred: torch.Tensor, from_logits: bool) -> torch.Tensor:
    if from_logits:
        return F.log_softmax(y_pred, dim=-1)
    p = y_pred / y_pred.sum(dim=-1, keepdim=True)  # Keras renormalises before clipping
    return torch.log(p.clamp(EPSILON, 1.0 - EPSILON))


def categorical_crossentropy(
    y_true: torch.Tensor, y_pred: torch.Tensor, from_logits: bool = False, label_smoothing: float = 0.0
) -> torch.Tensor:
    """``-sum_k y_k log p_k`` over the class axis (the last); ``y_true`` is one-hot or soft."""
    y_true = match_rank(y_true, y_pred, "categorical_crossentropy").to(y_pred.dtype)
    _check_probabilities(y_true, "categorical_crossentropy")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_pred.shape[-1]
    return -(y_true * _log_probabilities(y_pred, from_logits)).sum(dim=-1)


def sparse_categorical_crossentropy(
    y_true: torch.Tensor, y_pred: torch.Tensor, from_logits: bool = False
) -> torch.Tensor:
    """``-log p[label]``: ``y_true`` holds integer class indices, shaped as ``y_pred`` less its last axis."""
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
    log_p = _log_probabilities(y_pred, from_logits)
    return -log_p.gather(-1, labels.unsqueeze(-1)).squeeze(-1)


def _float_targets(y_true: torch.Tensor, y_pred: torch.Tensor, name: str) -> torch.Tensor:
    return match_rank(y_true, y_pred, name).to(y_pred.dtype)


def mean_squared_error(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """``mean((y - p)^2)`` over the last axis."""
    return (y_pred - _float_targets(y_true, y_pred, "mean_squared_error")).square().mean(dim=-1)


def mean_absolute_error(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """``mean(|y - p|)`` over the last axis."""
    return (y_pred - _float_targets(y_true, y_pred, "mean_absolute_error")).abs().mean(dim=-1)


def huber(y_true: torch.Tensor, y_pred: torch.Tensor, delta: float = 1.0) -> torch.Tensor:
    """Squared error ``e^2 / 2`` within ``delta``, linear ``delta (|e| - delta / 2)`` beyond; mean over the last axis."""
    error = (y_pred - _float_targets(y_true, y_pred, "huber")).abs()
    values = torch.where(error <= delta, 0.5 * error.square(), delta * error - 0.5 * delta**2)
    return values.mean(dim=-1)


mse = mean_squared_error
mae = mean_absolute_error


class Loss:
    """A loss function with its options fixed, reduced Keras's way to one scalar.

    ``Loss(fn, name, **options)(y_true, y_pred, sample_weight)`` computes ``fn(y_true, y_pred,
    **options)`` (shape ``(batch, ...)``), weights each value by ``sample_weight`` (``(batch,)``
    or ``(batch, time)``) and by the mask Keras layers attach to ``y_pred``, and returns the
    weighted sum divided by the number of values (masked-out values are not counted).
    """

    def __init__(self, fn: Callable[..., torch.Tensor], name: str, **options: Any):
        self.fn = fn
        self.name = name
        self.options = options

    def __call__(self, y_true: Any, y_pred: torch.Tensor, sample_weight: Any = None) -> torch.Tensor:
        values = self.fn(torch.as_tensor(y_true, device=y_pred.device), y_pred, **self.options)
        weights = None
        if sample_weight is not None:
            weights = broadcast_weights(torch.as_tensor(sample_weight, device=values.device), values, "sample_weight")
        mask = getattr(y_pred, "_keras_mask", None)
        if mask is not None and mask.shape == values.shape:
            mask = mask.to(values.dtype)
            weights = mask if weights is None else weights * mask
            return (values * weights).sum() / mask.sum().clamp(min=1.0)
        if weights is not None:
            values = values * weights
        return values.sum() / max(values.numel(), 1)

    def __repr__(self) -> str:
        options = "".join(f", {k}={v!r}" for k, v in self.options.items())
        return f"Loss({self.name}{options})"


def broadcast_weights(weights: torch.Tensor, values: torch.Tensor, argument: str) -> torch.Tensor:
    """Per-sample (or per-sample-and-step) weights shaped to multiply ``values``."""
    if weights.shape != values.shape[: weights.dim()]:
        raise ValueError(
            f"{argument} must have shape {tuple(values.shape[:1])} (one weight per sample) or "
            f"{tuple(values.shape)}; got {tuple(weights.shape)}"
        )
    return weights.to(values.dtype).reshape(*weights.shape, *([1] * (values.dim() - weights.dim())))


def BinaryCrossentropy(from_logits: bool = False, label_smoothing: float = 0.0, name: str = "binary_crossentropy") -> Loss:
    return Loss(binary_crossentropy, name, from_logits=from_logits, label_smoothing=label_smoothing)


def CategoricalCrossentropy(from_logits: bool = False, label_smoothing: float = 0.0, name: str = "categorical_crossentropy") -> Loss:
    return Loss(categorical_crossentropy, name, from_logits=from_logits, label_smoothing=label_smoothing)


def SparseCategoricalCrossentropy(from_logits: bool = False, name: str = "sparse_categorical_crossentropy") -> Loss:
    return Loss(sparse_categorical_crossentropy, name, from_logits=from_logits)


def MeanSquaredError(name: str = "mean_squared_error") -> Loss:
    return Loss(mean_squared_error, name)


def MeanAbsoluteError(name: str = "mean_absolute_error") -> Loss:
    return Loss(mean_absolute_error, name)


def Huber(delta: float = 1.0, name: str = "huber_loss") -> Loss:
    return Loss(huber, name, delta=delta)


_BY_NAME: dict[str, Callable[..., torch.Tensor]] = {
    "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "mse": mean_squared_error,
    "mean_squared_error": mean_squared_error,
    "mae": mean_absolute_error,
    "mean_absolute_error": mean_absolute_error,
    "huber": huber,
    "huber_loss": huber,
}


def get(identifier: Any) -> Loss:
    """A :class:`Loss` from a Keras name (``'mse'``), a :class:`Loss`, or a function ``fn(y_true, y_pred)``."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str):
        fn = _BY_NAME.get(identifier.lower())
        if fn is None:
            raise ValueError(f"loss: unknown loss {identifier!r}; known names are {sorted(_BY_NAME)}")
        return Loss(fn, identifier)
    if callable(identifier):
        return Loss(identifier, getattr(identifier, "__name__", type(identifier).__name__))
    raise ValueError(f"loss must be a loss name, a rnnkit.losses loss or a function; got {identifier!r}")
