"""Weight initializers by their Keras names, for tensors in Keras layout (fan_in first).

Keras's ``glorot_uniform`` and ``orthogonal`` on a (rows, cols) matrix match torch's
``xavier_uniform_`` and ``orthogonal_`` on the same matrix, so torch's implementations are used.
"""

from __future__ import annotations

import math
from typing import Callable

import torch

from .naming import snake_case

Initializer = Callable[[torch.Tensor], None]


def _fans(shape: tuple[int, ...]) -> tuple[int, int]:
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2]) if len(shape) > 2 else 1
    return shape[-2] * receptive, shape[-1] * receptive


def glorot_uniform(t: torch.Tensor) -> None:
    fan_in, fan_out = _fans(tuple(t.shape))
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    torch.nn.init.uniform_(t, -limit, limit)


def glorot_normal(t: torch.Tensor) -> None:
    fan_in, fan_out = _fans(tuple(t.shape))
    torch.nn.init.trunc_normal_(t, 0.0, math.sqrt(2.0 / (fan_in + fan_out)))


def he_normal(t: torch.Tensor) -> None:
    fan_in, _ = _fans(tuple(t.shape))
    torch.nn.init.trunc_normal_(t, 0.0, math.sqrt(2.0 / fan_in))


def orthogonal(t: torch.Tensor) -> None:
    torch.nn.init.orthogonal_(t)


def zeros(t: torch.Tensor) -> None:
    torch.nn.init.zeros_(t)


def ones(t: torch.Tensor) -> None:
    torch.nn.init.ones_(t)


def random_uniform(t: torch.Tensor) -> None:
    """Keras's default range for ``RandomUniform`` and for ``Embedding``: U(-0.05, 0.05)."""
    torch.nn.init.uniform_(t, -0.05, 0.05)


def random_normal(t: torch.Tensor) -> None:
    torch.nn.init.normal_(t, 0.0, 0.05)


def unit_forget_bias(t: torch.Tensor) -> None:
    """LSTM bias (4H,): zeros except the forget block (the second quarter), which starts at 1."""
    units = t.shape[-1] // 4
    torch.nn.init.zeros_(t)
    with torch.no_grad():
        t[..., units : 2 * units] = 1.0


_BY_NAME: dict[str, Initializer] = {
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "he_normal": he_normal,
    "orthogonal": orthogonal,
    "zeros": zeros,
    "ones": ones,
    "random_uniform": random_uniform,
    "random_normal": random_normal,
    "uniform": random_uniform,
    "unit_forget_bias": unit_forget_bias,
}


def get(identifier: str | Initializer) -> Initializer:
    if callable(identifier):
        return identifier
    if isinstance(identifier, str):
        key = identifier if identifier in _BY_NAME else snake_case(identifier)
        if key in _BY_NAME:
            return _BY_NAME[key]
    raise ValueError(
        f"Unknown initializer {identifier!r}; expected one of {sorted(_BY_NAME)} or a callable"
    )

