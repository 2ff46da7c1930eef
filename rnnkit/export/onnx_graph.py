"""``GraphBuilder``: an ONNX graph assembled node by node, with unique value names and weights as initializers.

The converters in :mod:`rnnkit.export.onnx_layers` and :mod:`rnnkit.export.onnx_recurrent` only
say which operators to add; this module owns naming, constants and the final ``ModelProto``.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..extras import require

#: The ONNX opset written: LSTM/GRU/RNN with ``sequence_lens`` and ``linear_before_reset``,
#: ReduceSum/ReduceMean with axes as inputs (13+/18+ differ; 17 is what onnxruntime >= 1.12 runs).
OPSET = 17


def onnx_module() -> Any:
    return require("onnx", "Exporting a model to ONNX")


class GraphBuilder:
    """Collects nodes, initializers, inputs and outputs; ``value`` names are unique strings."""

    def __init__(self, name: str):
        self.name = name
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self.inputs: list[Any] = []
        self.outputs: list[Any] = []
        self._used: set[str] = set()
        self._constants: dict[tuple, str] = {}

    def fresh(self, hint: str) -> str:
        """A value name not used yet, from ``hint`` (``lstm/Y``, ``lstm/Y_1``, ...)."""
        name, n = hint, 0
        while name in self._used:
            n += 1
            name = f"{hint}_{n}"
        self._used.add(name)
        return name

    def add(self, op: str, inputs: Sequence[str], hint: str, outputs: int = 1, **attributes: Any) -> Any:
        """Add one ``op`` node; returns its output name (or a list of ``outputs`` names)."""
        names = [self.fresh(f"{hint}/{op}" if outputs == 1 else f"{hint}/{op}_{i}") for i in range(outputs)]
        node = onnx_module().helper.make_node(op, list(inputs), names, name=self.fresh(f"{hint}/{op}/node"), **attributes)
        self.nodes.append(node)
        return names[0] if outputs == 1 else names

    def constant(self, array: Any, hint: str) -> str:
        """An initializer holding ``array``; equal small constants are shared."""
        array = np.asarray(array)
        key = (array.dtype.str, array.shape, array.tobytes()) if array.size <= 16 else None
        if key is not None and key in self._constants:
            return self._constants[key]
        name = self.fresh(hint)
        self.initializers.append(onnx_module().numpy_helper.from_array(array.copy(order="C"), name))
        if key is not None:
            self._constants[key] = name
        return name

    def scalar(self, value: int | float) -> str:
        """A shared 0-d constant: int64 for an int, float32 for a float."""
        dtype = np.int64 if isinstance(value, int) else np.float32
        return self.constant(np.array(value, dtype=dtype), "const/scalar")

    def ints(self, values: Sequence[int]) -> str:
        """A shared int64 vector constant (axes, shapes, slice bounds)."""
        return self.constant(np.asarray(values, dtype=np.int64), "const/ints")

    def add_input(self, name: str, dtype: Any, shape: Sequence[int | str]) -> str:
        onnx = onnx_module()
        self._used.add(name)
        element = onnx.helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
        self.inputs.append(onnx.helper.make_tensor_value_info(name, element, list(shape)))
        return name

    def add_output(self, value: str, name: str, dtype: Any, shape: Sequence[int | str]) -> None:
        """Expose ``value`` as the graph output ``name`` (through an Identity, so names are the model's)."""
        onnx = onnx_module()
        self._used.add(name)
        self.nodes.append(onnx.helper.make_node("Identity", [value], [name], name=self.fresh(f"{name}/Identity/node")))
        element = onnx.helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
        self.outputs.append(onnx.helper.make_tensor_value_info(name, element, list(shape)))

    def model(self) -> Any:
        """The checked ``ModelProto`` (opset :data:`OPSET`)."""
        onnx = onnx_module()
        graph = onnx.helper.make_graph(self.nodes, self.name, self.inputs, self.outputs, self.initializers)
        model = onnx.helper.make_model(graph, opset_imports=[onnx.helper.make_opsetid("", OPSET)],
                                       producer_name="rnnkit")
        model.ir_version = min(model.ir_version, 8)  # what opset 17 needs; older runtimes read it
        onnx.checker.check_model(model)
        return model

    # ----- small compositions the converters share ------------------------------------------------
    def flip_time(self, value: str, hint: str) -> str:
        """``value[:, ::-1]``: reverse axis 1 (time) of a (B, T, ...) tensor."""
        return self.add("Slice", [value, self.ints([-1]), self.ints([np.iinfo(np.int64).min]), self.ints([1]),
                                  self.ints([-1])], hint)

    def last_step(self, value: str, hint: str) -> str:
        """``value[:, -1]``: (B, T, H) -> (B, H)."""
        return self.add("Gather", [value, self.scalar(-1)], hint, axis=1)

    def where_zero(self, keep: str, value: str, hint: str) -> str:
        """``value`` where ``keep`` (broadcast over the last axis), else 0."""
        keep = self.add("Unsqueeze", [keep, self.ints([-1])], hint)
        return self.add("Where", [keep, value, self.scalar(0.0)], hint)
