"""Conversion and Keras's dtype rules, which every other op module uses.

Keras differs from torch where Python numbers meet tensors: a Python ``int`` is ``int32`` and a
Python ``float`` is ``floatx()`` (``float32``), and next to a tensor a Python number is *weak* (it
takes the tensor's type: ``int8 tensor + 1000`` stays ``int8``, ``bool tensor * 2`` is ``int32``,
``int32 tensor + 2.5`` is ``float32``). NumPy arrays keep their dtype (``float64`` stays
``float64``). Functions of real numbers (``exp``, ``mean``, ``divide``...) turn integers into
``floatx()`` first, as Keras does.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import torch

from .. import backend
from ..layers.base import KerasTensor

Axis = int | Sequence[int] | None

_NAMES = {
    "bool": torch.bool, "uint8": torch.uint8, "uint16": torch.uint16, "uint32": torch.uint32,
    "uint64": torch.uint64, "int8": torch.int8, "int16": torch.int16, "int32": torch.int32,
    "int64": torch.int64, "float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32,
    "float64": torch.float64, "complex64": torch.complex64, "complex128": torch.complex128,
}
_SMALL_SIGNED = (torch.bool, torch.int8, torch.int16)
_SMALL_UNSIGNED = (torch.uint8, torch.uint16)


def to_dtype(dtype: Any) -> torch.dtype:
    """A torch dtype from a Keras/NumPy name (``"int32"``), a NumPy or torch dtype, or ``int``/``float``/``bool``."""
    if isinstance(dtype, torch.dtype):
        return dtype
    if dtype is float:
        return torch.get_default_dtype()
    if dtype is int:
        return torch.int32
    if dtype is bool:
        return torch.bool
    if isinstance(dtype, str):
        name = dtype
    else:
        try:
            name = np.dtype(dtype).name
        except TypeError:
            name = None
    if name == "float":
        return torch.get_default_dtype()
    if name == "int":
        return torch.int32
    if name not in _NAMES:
        raise ValueError(f"Unknown dtype {dtype!r}; expected a name such as 'float32', 'int32' or 'bool'")
    return _NAMES[name]


def is_python_number(x: Any) -> bool:
    return isinstance(x, (bool, int, float)) and not isinstance(x, np.generic)


def _python_dtype(x: bool | int | float) -> torch.dtype:
    if isinstance(x, bool):
        return torch.bool
    return torch.int32 if isinstance(x, int) else torch.get_default_dtype()


def _list_dtype(values: list) -> torch.dtype:
    """Keras's dtype for a (nested) list: its arrays' dtypes, with Python numbers weak."""
    strong = [getattr(v, "dtype") for v in values if not is_python_number(v)]
    weak = [v for v in values if is_python_number(v)]
    if not strong:
        kinds = {_python_dtype(v) for v in weak}
        return torch.get_default_dtype() if torch.get_default_dtype() in kinds else (torch.int32 if torch.int32 in kinds else torch.bool)
    result = to_dtype(strong[0])
    for other in strong[1:]:
        result = torch.promote_types(result, to_dtype(other))
    if any(isinstance(v, float) for v in weak) and not result.is_floating_point:
        return torch.get_default_dtype()
    if any(isinstance(v, int) and not isinstance(v, bool) for v in weak) and result == torch.bool:
        return torch.int32
    return result


def _leaves(x: Any) -> list:
    if isinstance(x, (list, tuple)):
        return [leaf for item in x for leaf in _leaves(item)]
    return [x]


def convert_to_tensor(x: Any, dtype: Any = None, sparse: bool | None = None, ragged: bool | None = None) -> torch.Tensor:
    """``x`` (a tensor, NumPy array, Python number or nested list) as a torch tensor, Keras's dtypes.

    Tensors are returned as they are (cast if ``dtype`` is given); NumPy arrays share memory.
    """
    if sparse or ragged:
        raise ValueError("convert_to_tensor: rnnkit has no sparse or ragged tensors; pass sparse=None and ragged=None")
    target = None if dtype is None else to_dtype(dtype)
    if isinstance(x, KerasTensor):
        raise TypeError(
            f"rnnkit.ops works on real tensors, not on the symbolic {x}; inside a functional model put "
            "the computation in a layer (a Lambda layer or a custom Layer's call())"
        )
    if isinstance(x, torch.Tensor):
        return x if target is None else x.to(target)
    if is_python_number(x):
        return torch.tensor(x, dtype=target or _python_dtype(x))
    if isinstance(x, (list, tuple)):
        leaves = _leaves(x)
        if any(isinstance(leaf, torch.Tensor) for leaf in leaves):
            parts = [convert_to_tensor(item) for item in x]
            common = parts[0].dtype
            for part in parts[1:]:
                common = torch.promote_types(common, part.dtype)
            stacked = torch.stack([p.to(common) for p in parts])
            return stacked if target is None else stacked.to(target)
        array = np.asarray(x)
        _check_numeric(array, x)
        inferred = _list_dtype(leaves) if leaves else torch.get_default_dtype()
        return torch.from_numpy(np.ascontiguousarray(array)).to(target or inferred)
    if x is None:
        raise TypeError("convert_to_tensor: got None; expected a tensor, array or number")
    array = np.asarray(x)
    _check_numeric(array, x)
    tensor = torch.from_numpy(np.ascontiguousarray(array)) if array.ndim else torch.tensor(array.item(), dtype=to_dtype(array.dtype))
    return tensor if target is None else tensor.to(target)


def _check_numeric(array: np.ndarray, given: Any) -> None:
    if array.dtype.kind not in "biufc":
        raise TypeError(f"convert_to_tensor: expected numbers; got {type(given).__name__} holding dtype {array.dtype}")


def convert_to_numpy(x: Any) -> np.ndarray:
    """``x`` as a NumPy array (``bfloat16``, which NumPy lacks, comes back as ``float32``)."""
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu()
        return (x.float() if x.dtype == torch.bfloat16 else x).numpy()
    return np.asarray(x)


def cast(x: Any, dtype: Any) -> torch.Tensor:
    return convert_to_tensor(x).to(to_dtype(dtype))


def shape(x: Any) -> tuple[int, ...]:
    """The shape as a tuple of ints, as Keras returns it (``ops.shape(x)[0]`` is the batch size)."""
    return tuple(convert_to_tensor(x).shape)


def pair(x1: Any, x2: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """Two operands as tensors of their common Keras dtype (a Python number next to a tensor is weak)."""
    weak1, weak2 = is_python_number(x1), is_python_number(x2)
    if weak1 != weak2:
        tensor, number = (convert_to_tensor(x2), x1) if weak1 else (convert_to_tensor(x1), x2)
        common = torch.result_type(tensor, number)
        if tensor.dtype == torch.bool and isinstance(number, int) and not isinstance(number, bool):
            common = torch.int32
        tensor, scalar = tensor.to(common), torch.tensor(number, device=tensor.device).to(common)  # wraps as Keras does
        return (scalar, tensor) if weak1 else (tensor, scalar)
    a, b = convert_to_tensor(x1), convert_to_tensor(x2)
    common = torch.promote_types(a.dtype, b.dtype)
    return a.to(common), b.to(a.device if b.dim() == 0 else b.device, common)


def floating(x: Any) -> torch.Tensor:
    """``x`` as a tensor, integers and booleans cast to ``floatx()`` (Keras's rule for real functions)."""
    tensor = convert_to_tensor(x)
    if tensor.is_floating_point() or tensor.is_complex():
        return tensor
    return tensor.to(to_dtype(backend.floatx()))


def axes(axis: Axis, ndim: int) -> tuple[int, ...]:
    """``axis`` (None = all, an int, or several) as a tuple of non-negative axes, checked."""
    if axis is None:
        return tuple(range(ndim))
    given = (axis,) if isinstance(axis, int) else tuple(axis)
    out = []
    for a in given:
        if not -max(ndim, 1) <= a < max(ndim, 1):
            raise ValueError(f"axis {a} is out of range for a tensor of rank {ndim}")
        out.append(a % max(ndim, 1))
    return tuple(out)


def summed_dtype(dtype: torch.dtype) -> torch.dtype:
    """Keras's result type of ``sum``/``cumsum``: small integers and bools widen to 32 bits, others stay."""
    if dtype in _SMALL_SIGNED:
        return torch.int32
    if dtype in _SMALL_UNSIGNED:
        return torch.uint32
    return dtype
