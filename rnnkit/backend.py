"""Keras's ``keras.backend`` essentials, answered for rnnkit's one backend: torch.

``floatx`` is torch's default floating dtype, so ``set_floatx("float64")`` makes new layers'
weights, ``rnnkit.ops`` results from Python floats and ``ops.zeros(...)`` float64 together, as
Keras's setting does. ``epsilon`` is the fuzz factor Keras code reads (``keras.backend.epsilon()``
in custom losses and metrics); rnnkit's own losses keep their own constants.
"""

from __future__ import annotations

from typing import Any

import torch

from .layers.base import KerasTensor
from .naming import clear_session

_FLOATS = {"float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32, "float64": torch.float64}
_epsilon = 1e-7
_image_data_format = "channels_last"


def backend() -> str:
    """The name of the backend, as Keras reports it: always ``"torch"``."""
    return "torch"


def floatx() -> str:
    """The default float type as a string (``"float32"`` unless :func:`set_floatx` changed it)."""
    return str(torch.get_default_dtype()).removeprefix("torch.")


def set_floatx(value: str) -> None:
    """Make ``value`` (``"float16"``, ``"bfloat16"``, ``"float32"`` or ``"float64"``) the default float type."""
    if value not in _FLOATS:
        raise ValueError(f"set_floatx: value must be one of {sorted(_FLOATS)}; got {value!r}")
    torch.set_default_dtype(_FLOATS[value])


def epsilon() -> float:
    """The fuzz factor Keras code adds to avoid dividing by zero (``1e-7`` by default)."""
    return _epsilon


def set_epsilon(value: float) -> None:
    global _epsilon
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"set_epsilon: value must be a positive number; got {value!r}")
    _epsilon = float(value)


def image_data_format() -> str:
    """``"channels_last"`` (Keras's default), or what :func:`set_image_data_format` set."""
    return _image_data_format


def set_image_data_format(data_format: str) -> None:
    global _image_data_format
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"set_image_data_format: data_format must be 'channels_last' or 'channels_first'; got {data_format!r}")
    _image_data_format = data_format


def is_keras_tensor(x: Any) -> bool:
    """True for the symbolic tensors of the functional API (from ``Input`` and layer calls)."""
    return isinstance(x, KerasTensor)


def int_shape(x: Any) -> tuple[int | None, ...]:
    """The shape of a tensor, array or symbolic tensor as a tuple (``None`` for unknown sizes)."""
    if isinstance(x, KerasTensor):
        return tuple(x.shape)
    shape = getattr(x, "shape", None)
    if shape is None:
        raise TypeError(f"int_shape: expected a tensor, array or symbolic tensor; got {type(x).__name__}")
    return tuple(int(s) if s is not None else None for s in shape)


__all__ = [
    "backend",
    "clear_session",
    "epsilon",
    "floatx",
    "image_data_format",
    "int_shape",
    "is_keras_tensor",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
]
