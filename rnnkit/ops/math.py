"""Elementwise arithmetic, comparisons, logic and products, with Keras's dtype rules (see ``core``).

Real functions (``exp``, ``log``, ``sqrt``, ``tanh``, ``sigmoid``, ``divide``) give ``floatx()``
for integer inputs; ``abs``, ``square``, ``relu``, ``add``... keep integers integral; ``clip``
of booleans is ``int32``; comparisons and logic give ``bool``.
"""

from __future__ import annotations

from typing import Any

import torch

from .core import convert_to_tensor, floating, pair


def add(x1: Any, x2: Any) -> torch.Tensor:
    a, b = pair(x1, x2)
    return a + b


def subtract(x1: Any, x2: Any) -> torch.Tensor:
    a, b = pair(x1, x2)
    return a - b


def multiply(x1: Any, x2: Any) -> torch.Tensor:
    a, b = pair(x1, x2)
    return a * b


def divide(x1: Any, x2: Any) -> torch.Tensor:
    """True division; integers divide as ``floatx()`` (``int64 / int64`` is ``float32`` in Keras)."""
    a, b = pair(x1, x2)
    return floating(a) / floating(b)


def maximum(x1: Any, x2: Any) -> torch.Tensor:
    return torch.maximum(*pair(x1, x2))


def minimum(x1: Any, x2: Any) -> torch.Tensor:
    return torch.minimum(*pair(x1, x2))


def clip(x: Any, x_min: Any, x_max: Any) -> torch.Tensor:
    x = convert_to_tensor(x)
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    return torch.clamp(x, convert_to_tensor(x_min).to(x.device, x.dtype), convert_to_tensor(x_max).to(x.device, x.dtype))


def abs(x: Any) -> torch.Tensor:  # noqa: A001 - Keras's name
    return torch.abs(convert_to_tensor(x))


def square(x: Any) -> torch.Tensor:
    x = convert_to_tensor(x)
    return x * x if x.dtype != torch.bool else x.to(torch.int32)


def sqrt(x: Any) -> torch.Tensor:
    return torch.sqrt(floating(x))


def exp(x: Any) -> torch.Tensor:
    return torch.exp(floating(x))


def log(x: Any) -> torch.Tensor:
    return torch.log(floating(x))


def tanh(x: Any) -> torch.Tensor:
    return torch.tanh(floating(x))


def sigmoid(x: Any) -> torch.Tensor:
    return torch.sigmoid(floating(x))


def relu(x: Any) -> torch.Tensor:
    return torch.relu(convert_to_tensor(x))


def equal(x1: Any, x2: Any) -> torch.Tensor:
    return torch.eq(*pair(x1, x2))


def not_equal(x1: Any, x2: Any) -> torch.Tensor:
    return torch.ne(*pair(x1, x2))


def greater(x1: Any, x2: Any) -> torch.Tensor:
    return torch.gt(*pair(x1, x2))


def greater_equal(x1: Any, x2: Any) -> torch.Tensor:
    return torch.ge(*pair(x1, x2))


def less(x1: Any, x2: Any) -> torch.Tensor:
    return torch.lt(*pair(x1, x2))


def less_equal(x1: Any, x2: Any) -> torch.Tensor:
    return torch.le(*pair(x1, x2))


def logical_and(x1: Any, x2: Any) -> torch.Tensor:
    return torch.logical_and(convert_to_tensor(x1), convert_to_tensor(x2))


def logical_or(x1: Any, x2: Any) -> torch.Tensor:
    return torch.logical_or(convert_to_tensor(x1), convert_to_tensor(x2))


def logical_not(x: Any) -> torch.Tensor:
    return torch.logical_not(convert_to_tensor(x))


def matmul(x1: Any, x2: Any) -> torch.Tensor:
    """NumPy's ``matmul``: batch axes broadcast, a 1-D operand is a vector."""
    a, b = pair(x1, x2)
    return torch.matmul(a, b)


def dot(x1: Any, x2: Any) -> torch.Tensor:
    """NumPy's ``dot``: a scalar scales; otherwise the last axis of ``x1`` meets the second-to-last of ``x2``.

    Shapes: ``(..., n) . (n,) -> (...)``; ``(..., n) . (..., n, m) -> (x1 batch..., x2 batch..., m)``.
    """
    a, b = pair(x1, x2)
    if a.dim() == 0 or b.dim() == 0:
        return a * b
    return torch.tensordot(a, b, dims=([-1], [-1 if b.dim() == 1 else -2]))


def einsum(subscripts: str, *operands: Any, **kwargs: Any) -> torch.Tensor:
    if kwargs:
        raise TypeError(f"einsum: unexpected arguments {sorted(kwargs)}")
    tensors = [convert_to_tensor(x) for x in operands]
    common = tensors[0].dtype
    for t in tensors[1:]:
        common = torch.promote_types(common, t.dtype)
    return torch.einsum(subscripts, *[t.to(common) for t in tensors])


def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> torch.Tensor:  # noqa: A002 - Keras's name
    """NumPy's ``linalg.norm``: vector norms over one axis, matrix norms (``"fro"``, ``"nuc"``...) over two."""
    x = floating(x)
    if axis is None and ord is None:
        result = torch.linalg.vector_norm(x)
        return result.reshape([1] * x.dim()) if keepdims else result
    return torch.linalg.norm(x, ord=ord, dim=axis, keepdim=keepdims)


__all__ = [
    "abs", "add", "clip", "divide", "dot", "einsum", "equal", "exp", "greater", "greater_equal", "less",
    "less_equal", "log", "logical_and", "logical_not", "logical_or", "matmul", "maximum", "minimum",
    "multiply", "norm", "not_equal", "relu", "sigmoid", "sqrt", "square", "subtract", "tanh",
]
