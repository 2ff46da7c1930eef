"""Nested inputs and outputs of layers: their leaves, shapes and Keras masks.

A layer's inputs may be a tensor, or lists, tuples and dicts of them (``[x, h, c]``); these
helpers walk such structures. Keras masks ride on the first tensor of a structure as
``tensor._keras_mask`` (a (B, T) bool tensor), which is how the next layer finds them.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import torch


def flatten(structure: Any) -> list:
    """The leaves of nested lists, tuples and dicts, in order."""
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    if isinstance(structure, dict):
        return [leaf for key in structure for leaf in flatten(structure[key])]
    return [structure]


def map_structure(fn: Callable[[Any], Any], structure: Any) -> Any:
    """Apply ``fn`` to every leaf of nested lists, tuples and dicts, keeping the nesting."""
    if isinstance(structure, list):
        return [map_structure(fn, item) for item in structure]
    if isinstance(structure, tuple):
        return tuple(map_structure(fn, item) for item in structure)
    if isinstance(structure, dict):
        return {key: map_structure(fn, value) for key, value in structure.items()}
    return fn(structure)


def mask_of(inputs: Any) -> torch.Tensor | None:
    """The Keras mask carried by a tensor (or the first of a list of tensors), if any."""
    if isinstance(inputs, (list, tuple)):
        return mask_of(inputs[0]) if inputs else None
    return getattr(inputs, "_keras_mask", None)


def attach_mask(outputs: Any, mask: torch.Tensor | None) -> None:
    """Put ``mask`` on the first output tensor so the next layer finds it (the rest have none).

    ``None`` is not written, so a model passes on the mask its last layer attached.
    """
    if mask is None:
        return
    first = outputs[0] if isinstance(outputs, (list, tuple)) else outputs
    if isinstance(first, torch.Tensor):
        first._keras_mask = mask


def shape_of(inputs: Any) -> Any:
    """Batch-first shape(s) of tensors or KerasTensors, nested as the inputs are."""
    return map_structure(lambda t: tuple(t.shape) if hasattr(t, "shape") else t, inputs)


def to_tensor(value: Any, dtype: torch.dtype | None = None) -> torch.Tensor:
    """A numpy array, list or tensor as a tensor: floats become float32 unless ``dtype`` says.

    Text stays a NumPy array of strings (torch has no string tensors) for a text layer to read.
    """
    if isinstance(value, torch.Tensor):
        return value if dtype is None else value.to(dtype)
    array = np.asarray(value)
    if dtype is None and is_text(array):
        return array
    if dtype is None and array.dtype.kind == "f":
        dtype = torch.float32
    tensor = torch.from_numpy(np.ascontiguousarray(array))
    if dtype is None and array.dtype.kind in "iub":
        dtype = torch.long
    return tensor if dtype is None else tensor.to(dtype)


def is_text(array: np.ndarray) -> bool:
    """Whether an array holds strings: a str/bytes dtype, or objects that are all str."""
    return array.dtype.kind in "US" or (
        array.dtype.kind == "O" and array.size > 0 and all(isinstance(v, (str, bytes)) for v in array.reshape(-1).tolist())
    )
