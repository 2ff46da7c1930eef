"""``Functional``: a graph of layers from ``Input`` tensors to outputs (Keras's functional model).

``Model(inputs, outputs)`` returns one (see :meth:`rnnkit.models.Model.__new__`). It walks the
graph recorded by calling layers on :class:`KerasTensor` inputs, keeps the layers in Keras's
order (so ``get_weights()`` matches Keras), and runs the graph on real tensors. The graph may be
part of a bigger one: ``Model(model.input, model.get_layer("lstm").output)`` runs the calls
between those tensors, on the same layers and so with the same weights (the inference halves of
an encoder-decoder are built this way, from ``Input`` tensors that take the place of the states).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import torch
from torch import nn

from ..layers.base import STRING, InputLayer, KerasTensor, Layer, Node, flatten, map_structure, to_tensor
from ..layers.operations import Operation
from ..naming import unique_name
from . import summary as summary_table
from .model import Model


def graph_order(outputs: Sequence[KerasTensor]) -> tuple[list[Node], list[Layer]]:
    """Nodes in an order that runs them (inputs first) and layers in Keras's ``model.layers`` order.

    Keras orders layers by depth (distance to the outputs, deepest first) and, within a depth, by
    the order a depth-first walk from the outputs first meets them.
    """
    execution: list[Node] = []
    first_seen: dict[int, int] = {}
    done: set[int] = set()
    in_progress: set[int] = set()

    def visit(tensor: KerasTensor) -> None:
        node = tensor.node
        if node is None:
            raise ValueError(f"{tensor} was not made by a layer, so it cannot be part of a Model")
        if id(node) in done:
            return
        if id(node) in in_progress:
            raise ValueError(f"The graph has a cycle through layer '{node.layer.name}'")
        first_seen.setdefault(id(node.layer), len(first_seen))
        in_progress.add(id(node))
        for parent in node.inputs:
            visit(parent)
        in_progress.discard(id(node))
        done.add(id(node))
        execution.append(node)

    for tensor in outputs:
        visit(tensor)

    depth: dict[int, int] = {}
    for node in reversed(execution):
        d = depth.setdefault(id(node), 0)
        for parent in node.inputs:
            depth[id(parent.node)] = max(depth.get(id(parent.node), 0), d + 1)
    layer_depth: dict[int, int] = {}
    layers: dict[int, Layer] = {}
    for node in execution:
        layers[id(node.layer)] = node.layer
        layer_depth[id(node.layer)] = max(layer_depth.get(id(node.layer), 0), depth[id(node)])
    ordered = sorted(layers.values(), key=lambda l: (-layer_depth[id(l)], first_seen[id(l)]))
    return execution, ordered


def symbolic_list(value: Any, model_name: str, argument: str) -> list[KerasTensor]:
    """``inputs=``/``outputs=`` as a flat list of KerasTensors, or a ValueError naming the argument."""
    tensors = [value] if isinstance(value, KerasTensor) else list(flatten(value))
    if not tensors:
        raise ValueError(f"Model '{model_name}': {argument}= is empty; give the symbolic tensors from Input() and layer calls")
    for tensor in tensors:
        if not isinstance(tensor, KerasTensor):
            raise ValueError(
                f"Model '{model_name}': {argument}= must hold symbolic tensors from Input() and layer calls; "
                f"got {type(tensor).__name__}"
            )
    return tensors


class Functional(Model):
    """The layers between ``inputs`` and ``outputs`` (see the module docstring)."""

    def __init__(self, inputs: Any, outputs: Any, name: str | None = None, **kwargs: Any):
        super().__init__(name=name or unique_name("functional"), **kwargs)
        self.single_input = isinstance(inputs, KerasTensor)
        self.single_output = isinstance(outputs, KerasTensor)
        self.inputs = symbolic_list(inputs, self.name, "inputs")
        self.outputs = symbolic_list(outputs, self.name, "outputs")
        for tensor in self.inputs:
            if not isinstance(tensor.node.layer, InputLayer):
                raise ValueError(f"Model '{self.name}': every input must come from Input(); got {tensor}")
        nodes, layers = graph_order(self.outputs)
        given = {id(t) for t in self.inputs}
        for node in nodes:
            if isinstance(node.layer, InputLayer) and id(node.outputs[0]) not in given:
                raise ValueError(
                    f"Model '{self.name}': the outputs depend on input '{node.layer.name}', which is not in inputs="
                )
        names = [layer.name for layer in layers]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"Model '{self.name}': layer names must be unique; repeated: {duplicates}")
        # Keras's model.layers leaves out the operations between layers (a loaded file's mask
        # arithmetic, rnnkit.layers.operations); they have no weights, and summary() and saving see them.
        self.layers = nn.ModuleList([layer for layer in layers if not isinstance(layer, Operation)])
        self.nodes = nodes  # every call in the graph, inputs first
        self.steps = [node for node in nodes if not isinstance(node.layer, InputLayer)]
        self.built = True

    @property
    def operations(self) -> list[Layer]:
        """Every layer and operation of the graph, in Keras's order (not an attribute: the module tree,
        and so ``state_dict()``, holds the layers once, under ``layers``)."""
        return graph_order(self.outputs)[1]

    # ----- Keras's symbolic endpoints ---------------------------------------------------------
    @property
    def input(self) -> Any:
        """The input tensor (a list of them for a model with several inputs), as in Keras."""
        return self.inputs[0] if self.single_input else list(self.inputs)

    @property
    def output(self) -> Any:
        return self.outputs[0] if self.single_output else list(self.outputs)

    @property
    def input_shape(self) -> Any:
        """The batch-first shape of ``input`` (a list of shapes for several inputs), as in Keras."""
        return self.input.shape if self.single_input else [t.shape for t in self.inputs]

    @property
    def output_shape(self) -> Any:
        return self.output.shape if self.single_output else [t.shape for t in self.outputs]

    # ----- running ----------------------------------------------------------------------
    def call(self, inputs: Any, mask: Any = None, training: bool = False) -> Any:
        values = self._bind_inputs(inputs)

        def lookup(value: Any) -> Any:
            return values[id(value)] if isinstance(value, KerasTensor) else value

        for node in self.steps:
            args = map_structure(lookup, node.args)
            kwargs = map_structure(lookup, node.kwargs)
            result = node.layer(*args, training=training, **kwargs)
            results = flatten(result)  # node.outputs are the layer's outputs flattened
            for tensor, value in zip(node.outputs, results):
                values[id(tensor)] = value
        outputs = [values[id(t)] for t in self.outputs]
        return outputs[0] if self.single_output else outputs

    def _bind_inputs(self, inputs: Any) -> dict[int, torch.Tensor]:
        if isinstance(inputs, dict):
            inputs = [inputs[t.node.layer.name] for t in self.inputs]
        given = [inputs] if self.single_input and not isinstance(inputs, (list, tuple)) else list(inputs)
        if self.single_input and len(given) != 1:
            given = [inputs]
        if len(given) != len(self.inputs):
            raise ValueError(
                f"Model '{self.name}' expects {len(self.inputs)} inputs "
                f"{[t.node.layer.name for t in self.inputs]}; got {len(given)}"
            )
        values = {}
        for symbol, value in zip(self.inputs, given):
            expected = symbol.shape
            if symbol.dtype == STRING:  # text stays NumPy; a flat batch fits an Input of shape (1,), as in Keras
                tensor = np.asarray(value)
                tensor = tensor.reshape(-1, 1) if tensor.ndim == 1 and expected[1:] == (1,) else tensor
            else:
                tensor = to_tensor(value, None if symbol.dtype.is_floating_point else torch.long)
            if tensor.ndim != len(expected) or any(
                e is not None and e != g for e, g in zip(expected[1:], tensor.shape[1:])
            ):
                raise ValueError(
                    f"Model '{self.name}': input '{symbol.node.layer.name}' must have shape "
                    f"{expected}; got {tuple(tensor.shape)}"
                )
            values[id(symbol)] = tensor
        return values

    def expects_several_inputs(self) -> bool:
        return not self.single_input

    def output_names(self) -> list[str]:
        names: list[str] = []
        for tensor in self.outputs:
            name = tensor.node.layer.name
            names.append(name if name not in names else f"{name}_{tensor.index}")
        return names

    def compute_output_shape(self, input_shape: Any) -> Any:
        shapes = [t.shape for t in self.outputs]
        return shapes[0] if self.single_output else shapes

    def summary_rows(self) -> tuple[list[list[str]], bool]:
        return summary_table.graph_rows(self.operations, self.nodes)
