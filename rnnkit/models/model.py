"""``Model``: a functional graph of layers from ``Input`` tensors to outputs, as in Keras.

``Model(inputs, outputs)`` walks the graph recorded by calling layers on :class:`KerasTensor`
inputs, keeps the layers in Keras's order (so ``get_weights()`` matches Keras), and runs the
graph on real tensors. A subclass that defines ``call`` and no graph works like Keras's
subclassed models. ``predict`` takes numpy arrays or tensors and returns numpy.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import torch
from torch import nn

from ..layers.base import InputLayer, KerasTensor, Layer, Node, flatten, map_structure, to_tensor
from ..naming import snake_case, unique_name
from ..training import loop as training_loop
from .summary import format_summary


def _graph_order(outputs: Sequence[KerasTensor]) -> tuple[list[Node], list[Layer]]:
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


class Model(Layer):
    """A graph of layers with one or more inputs and outputs (Keras's functional ``Model``)."""

    def __init__(self, inputs: Any = None, outputs: Any = None, name: str | None = None, **kwargs: Any):
        if inputs is None and outputs is None:  # a subclassed model: the subclass defines call()
            super().__init__(name=name or unique_name(snake_case(type(self).__name__)), **kwargs)
            self.built = True
            self._graph = None
            return
        super().__init__(name=name or unique_name("functional"), **kwargs)
        self._single_input = isinstance(inputs, KerasTensor)
        self._single_output = isinstance(outputs, KerasTensor)
        self.inputs = [inputs] if self._single_input else list(inputs)
        self.outputs = [outputs] if self._single_output else list(flatten(outputs))
        for tensor in self.inputs + self.outputs:
            if not isinstance(tensor, KerasTensor):
                raise ValueError(
                    f"Model '{self.name}': inputs and outputs must be symbolic tensors from Input() "
                    f"and layer calls; got {type(tensor).__name__}"
                )
        for tensor in self.inputs:
            if not isinstance(tensor.node.layer, InputLayer):
                raise ValueError(f"Model '{self.name}': every input must come from Input(); got {tensor}")
        nodes, layers = _graph_order(self.outputs)
        given = {id(t) for t in self.inputs}
        for node in nodes:
            if isinstance(node.layer, InputLayer) and id(node.outputs[0]) not in given:
                raise ValueError(
                    f"Model '{self.name}': the outputs depend on input '{node.layer.name}', which is "
                    "not in inputs="
                )
        names = [layer.name for layer in layers]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"Model '{self.name}': layer names must be unique; repeated: {duplicates}")
        self.layers = nn.ModuleList(layers)
        self._graph = [node for node in nodes if not isinstance(node.layer, InputLayer)]
        self._nodes = nodes
        self.built = True

    # ----- running ----------------------------------------------------------------------
    def call(self, inputs: Any, mask: Any = None, training: bool = False) -> Any:
        if self._graph is None:
            raise NotImplementedError(f"Model '{self.name}': a subclassed model must define call()")
        values = self._bind_inputs(inputs)

        def lookup(value: Any) -> Any:
            return values[id(value)] if isinstance(value, KerasTensor) else value

        for node in self._graph:
            args = map_structure(lookup, node.args)
            kwargs = map_structure(lookup, node.kwargs)
            result = node.layer(*args, training=training, **kwargs)
            results = flatten(result)  # node.outputs are the layer's outputs flattened
            for tensor, value in zip(node.outputs, results):
                values[id(tensor)] = value
        outputs = [values[id(t)] for t in self.outputs]
        return outputs[0] if self._single_output else outputs

    def _bind_inputs(self, inputs: Any) -> dict[int, torch.Tensor]:
        if isinstance(inputs, dict):
            inputs = [inputs[t.node.layer.name] for t in self.inputs]
        given = [inputs] if self._single_input and not isinstance(inputs, (list, tuple)) else list(inputs)
        if self._single_input and len(given) != 1:
            given = [inputs]
        if len(given) != len(self.inputs):
            raise ValueError(
                f"Model '{self.name}' expects {len(self.inputs)} inputs "
                f"{[t.node.layer.name for t in self.inputs]}; got {len(given)}"
            )
        values = {}
        for symbol, value in zip(self.inputs, given):
            tensor = to_tensor(value, None if symbol.dtype.is_floating_point else torch.long)
            expected = symbol.shape
            if tensor.dim() != len(expected) or any(
                e is not None and e != g for e, g in zip(expected[1:], tensor.shape[1:])
            ):
                raise ValueError(
                    f"Model '{self.name}': input '{symbol.node.layer.name}' must have shape "
                    f"{expected}; got {tuple(tensor.shape)}"
                )
            values[id(symbol)] = tensor
        return values

    def expects_several_inputs(self) -> bool:
        return self._graph is None or not self._single_input

    def compute_output_shape(self, input_shape: Any) -> Any:
        shapes = [t.shape for t in self.outputs]
        return shapes[0] if self._single_output else shapes

    # ----- Keras conveniences -------------------------------------------------------------
    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        if index is not None:
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"Model '{self.name}' has no layer named {name!r}; it has {[l.name for l in self.layers]}")

    def predict(self, x: Any, batch_size: int | None = None, verbose: Any = "auto", steps: Any = None, callbacks: Any = None) -> Any:
        """Outputs for ``x`` in inference mode, in batches, as numpy (a list for several outputs)."""
        batch_size = batch_size or 32
        several = isinstance(x, (list, tuple)) and self.expects_several_inputs()
        arrays = list(x) if several else [x]
        count = len(arrays[0])
        if any(len(a) != count for a in arrays):
            raise ValueError(f"predict: all inputs must have the same number of samples; got {[len(a) for a in arrays]}")
        was_training = self.training
        self.eval()
        chunks: list[list[np.ndarray]] = []
        try:
            with torch.inference_mode():
                for start in range(0, count, batch_size):
                    batch = [a[start : start + batch_size] for a in arrays]
                    result = self(batch if several else batch[0])
                    results = result if isinstance(result, (list, tuple)) else [result]
                    chunks.append([r.detach().cpu().numpy() for r in results])
        finally:
            self.train(was_training)
        if not chunks:
            raise ValueError("predict: x holds no samples")
        outputs = [np.concatenate(parts, axis=0) for parts in zip(*chunks)]
        return outputs[0] if len(outputs) == 1 else outputs

    def summary(self, print_fn: Any = None, **kwargs: Any) -> None:
        (print_fn or print)(format_summary(self))

    def count_params(self) -> int:
        return sum(layer.count_params() for layer in self.layers if layer.built)

    # ----- training (the work is in rnnkit.training.loop) -------------------------------------
    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, metrics: Any = None, loss_weights: Any = None) -> None:
        """Keras's ``compile``: optimizer, loss(es) and metrics for ``fit``/``evaluate``.

        It takes the place of ``nn.Module.compile``; call ``torch.compile(model)`` for that one.
        """
        training_loop.compile(self, optimizer, loss, metrics, loss_weights)

    def fit(self, x: Any = None, y: Any = None, *args: Any, **kwargs: Any) -> Any:
        """Train with Keras's arguments (see :func:`rnnkit.training.loop.fit`); returns a ``History``."""
        return training_loop.fit(self, x, y, *args, **kwargs)

    def evaluate(self, x: Any = None, y: Any = None, *args: Any, **kwargs: Any) -> Any:
        """Loss (and metrics) on ``x``/``y`` in inference mode (see :func:`rnnkit.training.loop.evaluate`)."""
        return training_loop.evaluate(self, x, y, *args, **kwargs)

    def train_on_batch(self, x: Any, y: Any = None, *args: Any, **kwargs: Any) -> Any:
        return training_loop.train_on_batch(self, x, y, *args, **kwargs)

    def test_on_batch(self, x: Any, y: Any = None, *args: Any, **kwargs: Any) -> Any:
        return training_loop.test_on_batch(self, x, y, *args, **kwargs)

    def reset_states(self) -> None:
        """Forget the state carried by every ``stateful=True`` recurrent layer."""
        training_loop.reset_states(self)

    # ----- files (the work is in rnnkit.saving, imported late because it imports this module) -----
    def save(self, filepath: Any, overwrite: bool = True, optimizer: torch.optim.Optimizer | None = None) -> None:
        """Config and weights: ``*.keras`` as a Keras 3 archive, any other name in rnnkit's format."""
        from ..saving import save_model

        save_model(self, filepath, overwrite=overwrite, optimizer=optimizer)

    def save_weights(self, filepath: Any, overwrite: bool = True) -> None:
        """Weights only: ``*.weights.h5`` in Keras 3's layout, any other name as rnnkit safetensors."""
        from ..saving import save_weights

        save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath: Any) -> None:
        """Weights from a Keras (.weights.h5, .h5, .keras) or rnnkit file into this built model."""
        from ..saving import load_weights

        load_weights(self, filepath)
