"""The Keras operations that a functional ``.keras`` file holds between layers: the mask arithmetic.

Keras 3 writes a functional model's masks into its graph. ``Embedding(mask_zero=True)`` followed
by ``LSTM`` is saved as three calls: the embedding, ``not_equal(ids, 0)`` and
``LSTM(embedded, mask=not_equal)``; ``Masking`` adds ``any(not_equal(x, value), axis=-1)``, and a
``Concatenate`` of masked branches adds ``expand_dims``/``zeros_like``/``logical_or``/``concatenate``
/``any``. These are Keras *operations* (``keras.src.ops.numpy``), not layers: they have no
weights, ``model.layers`` does not list them, and ``summary()`` shows them as rows of their own.

:class:`Operation` is one such call as an rnnkit layer, so a loaded graph computes each mask the
way the file says, and a model saved again writes the same nodes back. Only the operations in
:data:`OPERATIONS` exist: pure functions of tensors, never code named by a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import torch

from .base import KerasTensor, Layer, Node, map_structure

_DTYPES = {"bool": torch.bool, "float32": torch.float32, "float64": torch.float64, "int32": torch.int32, "int64": torch.int64}


def _axis(value: Any) -> int | tuple[int, ...] | None:
    return tuple(value) if isinstance(value, list) else value


def _like(fill: Callable[..., torch.Tensor]) -> Callable[..., torch.Tensor]:
    return lambda x, dtype=None: fill(x, dtype=_DTYPES[dtype] if dtype else x.dtype)


def _reduce(test: Callable[..., torch.Tensor]) -> Callable[..., torch.Tensor]:
    def reduce(x: torch.Tensor, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
        x = x.bool()
        if axis is None:
            result = test(x)
            return result.reshape([1] * x.dim()) if keepdims else result
        return test(x, dim=_axis(axis), keepdim=keepdims)
    return reduce


@dataclass(frozen=True)
class OperationSpec:
    """One Keras operation: its function of tensors and the options its config holds (with Keras's defaults).

    ``function(*tensors, **options)``; ``inputs`` is how many positional arguments a call passes (a
    ``Concatenate`` call passes one: the list of tensors); ``dtype`` is the output dtype: ``"bool"``,
    or ``"input"`` (that of the first tensor, or the ``dtype`` option when one is given).
    """

    function: Callable[..., torch.Tensor]
    inputs: int
    options: dict[str, Any]
    dtype: str


OPERATIONS: dict[str, OperationSpec] = {
    "NotEqual": OperationSpec(lambda a, b: torch.ne(a, b), 2, {}, "bool"),
    "Equal": OperationSpec(lambda a, b: torch.eq(a, b), 2, {}, "bool"),
    "LogicalOr": OperationSpec(lambda a, b: torch.logical_or(a, b), 2, {}, "bool"),
    "LogicalAnd": OperationSpec(lambda a, b: torch.logical_and(a, b), 2, {}, "bool"),
    "LogicalNot": OperationSpec(torch.logical_not, 1, {}, "bool"),
    "Any": OperationSpec(_reduce(torch.any), 1, {"axis": None, "keepdims": False}, "bool"),
    "All": OperationSpec(_reduce(torch.all), 1, {"axis": None, "keepdims": False}, "bool"),
    "ExpandDims": OperationSpec(lambda x, axis: torch.unsqueeze(x, axis), 1, {"axis": None}, "input"),
    "ZerosLike": OperationSpec(_like(torch.zeros_like), 1, {"dtype": None}, "input"),
    "OnesLike": OperationSpec(_like(torch.ones_like), 1, {"dtype": None}, "input"),
    "Concatenate": OperationSpec(lambda xs, axis=0: torch.cat(list(xs), dim=axis), 1, {"axis": 0}, "input"),
}


def _check_option(name: str, key: str, value: Any) -> None:
    """Each option of the table has one meaning; a value of another kind is refused before any call."""
    if key == "axis":
        ok = value is None or (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value))
    elif key == "keepdims":
        ok = isinstance(value, bool)
    else:  # dtype
        ok = value is None or value in _DTYPES
    if not ok:
        raise ValueError(f"operation {name}: option {key} cannot be {value!r}")


class Operation(Layer):
    """One Keras operation of :data:`OPERATIONS` called in a functional graph (see the module docstring).

    ``Operation("NotEqual", name="not_equal")(ids, 0)`` is a symbolic ``ids != 0``, shape of ``ids``, bool.
    """

    def __init__(self, operation: str, name: str | None = None, **options: Any):
        if operation not in OPERATIONS:
            raise ValueError(f"unknown operation {operation!r}; rnnkit knows {sorted(OPERATIONS)}")
        spec = OPERATIONS[operation]
        unknown = sorted(set(options) - set(spec.options))
        if unknown:
            raise ValueError(f"operation {operation} takes the options {sorted(spec.options)}; got {unknown}")
        for key, value in options.items():
            _check_option(operation, key, value)
        if operation == "ExpandDims" and not isinstance(options.get("axis"), int):
            raise ValueError(f"operation ExpandDims needs one integer axis; got {options.get('axis')!r}")
        super().__init__(name=name or operation.lower(), autocast=False)
        self.operation = operation
        self.options = {**spec.options, **options}

    @property
    def spec(self) -> OperationSpec:
        return OPERATIONS[self.operation]

    def call(self, inputs: Any, *others: Any) -> torch.Tensor:
        tensors = (inputs, *others)
        if len(tensors) != self.spec.inputs:
            raise ValueError(f"operation {self.operation} '{self.name}' takes {self.spec.inputs} argument(s); got {len(tensors)}")
        return self.spec.function(*tensors, **self.options)

    def _call_symbolic(self, inputs: Any, *others: Any) -> KerasTensor:
        """A symbolic call: the output shape is found by running the function on zeros twice, with
        every unknown size 1 and then 2 (a size that changes with them stays unknown); every tensor
        argument counts (``logical_or`` broadcasts its two masks), where a layer's trace sees only the first."""
        arguments = (inputs, *others)

        def run(size: int) -> tuple:
            zeros = map_structure(
                lambda t: torch.zeros([size if d is None else d for d in t.shape], dtype=t.dtype)
                if isinstance(t, KerasTensor) else t, arguments)
            return tuple(self.call(*zeros).shape)

        one, two = run(1), run(2)
        shape = tuple(a if a == b else None for a, b in zip(one, two))
        node = Node(self, arguments, {}, [])
        node.outputs.append(KerasTensor(shape, self.output_dtype(inputs), node, 0))
        self.built = True
        self.inbound_nodes.append(node)
        return node.outputs[0]

    def output_dtype(self, inputs: Any) -> torch.dtype:
        if self.spec.dtype == "bool":
            return torch.bool
        if self.options.get("dtype"):
            return _DTYPES[self.options["dtype"]]
        first = inputs[0] if isinstance(inputs, (list, tuple)) else inputs
        return first.dtype

    def keras_config(self) -> dict[str, Any]:
        """The entry Keras writes for this call's operation (``inbound_nodes`` are the model's)."""
        return {
            "module": "keras.src.ops.numpy",
            "class_name": self.operation,
            "config": {"name": self.name, **self.options},
            "registered_name": self.operation,
        }

    def get_config(self) -> dict[str, Any]:
        return {"operation": self.operation, "name": self.name, **self.options}
