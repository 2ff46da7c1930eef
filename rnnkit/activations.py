"""Activation functions by their Keras names.

Keras 3 semantics: ``hard_sigmoid(x) = clip(x / 6 + 1/2, 0, 1)`` (not Keras 2's ``0.2 x``), and
``gelu`` is the exact erf form unless ``approximate=True`` is asked for.
"""

from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F

Activation = Callable[[torch.Tensor], torch.Tensor]


def linear(x: torch.Tensor) -> torch.Tensor:
    return x


def tanh(x: torch.Tensor) -> torch.Tensor:
    return torch.tanh(x)


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    output = torch.sigmoid(x)
    output._keras_logits = x  # Keras's crossentropies use the logits of a sigmoid/softmax output
    return output


def hard_sigmoid(x: torch.Tensor) -> torch.Tensor:
    return torch.clamp(x / 6.0 + 0.5, 0.0, 1.0)


def relu(x: torch.Tensor) -> torch.Tensor:
    return torch.relu(x)


def swish(x: torch.Tensor) -> torch.Tensor:
    return F.silu(x)


def softmax(x: torch.Tensor, axis: int = -1) -> torch.Tensor:
    output = torch.softmax(x, dim=axis)
    output._keras_logits = x
    return output


def elu(x: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    return F.elu(x, alpha=alpha)


def selu(x: torch.Tensor) -> torch.Tensor:
    return F.selu(x)


def gelu(x: torch.Tensor, approximate: bool = False) -> torch.Tensor:
    return F.gelu(x, approximate="tanh" if approximate else "none")


silu = swish

_BY_NAME: dict[str, Activation] = {
    "linear": linear,
    "tanh": tanh,
    "sigmoid": sigmoid,
    "hard_sigmoid": hard_sigmoid,
    "relu": relu,
    "swish": swish,
    "silu": swish,
    "softmax": softmax,
    "elu": elu,
    "selu": selu,
    "gelu": gelu,
}


def get(identifier: str | Activation | None) -> Activation:
    """Resolve a Keras activation name (or a callable, or None meaning linear)."""
    if identifier is None:
        return linear
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in _BY_NAME:
        return _BY_NAME[identifier]
    raise ValueError(
        f"Unknown activation {identifier!r}; expected one of {sorted(_BY_NAME)} or a callable"
    )


def name_of(activation: str | Activation | None) -> str | None:
    """The Keras name of an activation, or None for a custom callable."""
    if activation is None:
        return "linear"
    if isinstance(activation, str):
        get(activation)
        return activation
    for name, fn in _BY_NAME.items():
        if fn is activation:
            return "silu" if name == "swish" else name
    return None
