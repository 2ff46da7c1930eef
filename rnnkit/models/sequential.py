"""``Sequential``: a plain stack of single-input, single-output layers."""

from __future__ import annotations

from typing import Any, Sequence

from torch import nn

from ..layers.base import InputLayer, KerasTensor, Layer, to_tensor
from ..naming import unique_name
from .model import Model


class Sequential(Model):
    """Layers applied one after another; ``add`` appends, ``pop`` removes the last.

    The input shape comes from a leading ``Input(...)``/``InputLayer``, from ``input_shape=`` on
    the first layer, or from the first batch it is called on.
    """

    def __init__(self, layers: Sequence[Any] | None = None, name: str | None = None, **kwargs: Any):
        Layer.__init__(self, name=name or unique_name("sequential"), **kwargs)
        self.layers = nn.ModuleList()
        self.input_layer: InputLayer | None = None
        self.output_shapes: dict[str, Any] = {}
        self._graph = None
        self.built = False
        for layer in layers or []:
            self.add(layer)

    def add(self, layer: Any) -> None:
        if isinstance(layer, KerasTensor) and isinstance(layer.node.layer, InputLayer):
            layer = layer.node.layer
        if isinstance(layer, InputLayer):
            if self.input_layer is not None or len(self.layers):
                raise ValueError(f"Model '{self.name}': an Input can only be the first layer")
            self.input_layer = layer
            return
        if not isinstance(layer, Layer):
            raise ValueError(f"Model '{self.name}': add() takes an rnnkit layer; got {type(layer).__name__}")
        if any(existing.name == layer.name for existing in self.layers):
            raise ValueError(f"Model '{self.name}': a layer named {layer.name!r} is already in the model")
        self.layers.append(layer)
        shape = self.declared_input_shape()
        if shape is not None:
            self._propagate(shape)

    def pop(self) -> Layer:
        if not len(self.layers):
            raise ValueError(f"Model '{self.name}' has no layers to pop")
        layer = self.layers[-1]
        del self.layers[-1]
        self.output_shapes.pop(layer.name, None)
        return layer

    def declared_input_shape(self) -> tuple | None:
        if self.input_layer is not None:
            return self.input_layer.batch_input_shape
        if len(self.layers):
            return self.layers[0].batch_input_shape
        return None

    def _propagate(self, input_shape: tuple) -> None:
        """Build every layer from ``input_shape`` and record each one's output shape."""
        shape = input_shape
        for layer in self.layers:
            layer.ensure_built(shape)
            shape = layer.compute_output_shape(shape)
            if isinstance(shape, list):
                raise ValueError(
                    f"Model '{self.name}': layer '{layer.name}' has several outputs; a Sequential "
                    "model needs single-output layers (use the functional Model)"
                )
            self.output_shapes[layer.name] = shape
        self.built = True

    def build(self, input_shape: Any = None) -> None:
        shape = input_shape if input_shape is not None else self.declared_input_shape()
        if shape is None:
            raise ValueError(f"Model '{self.name}': build() needs an input shape")
        self._propagate((None, *tuple(shape)[1:]))

    def call(self, inputs: Any, mask: Any = None, training: bool = False) -> Any:
        x = to_tensor(inputs)
        for layer in self.layers:
            x = layer(x, training=training)
        return x

    def compute_output_shape(self, input_shape: Any) -> Any:
        for layer in self.layers:
            input_shape = layer.compute_output_shape(input_shape)
        return input_shape

    def expects_several_inputs(self) -> bool:
        return False
