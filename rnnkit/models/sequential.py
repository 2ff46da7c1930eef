"""``Sequential``: a plain stack of single-input, single-output layers.

Its input shape comes from a leading ``Input(...)``/``InputLayer``, from ``input_shape=`` on the
first layer, or from the first batch it is called on (``fit`` and ``predict`` call it). Once the
shape is known the layers are called on a symbolic input, as Keras does, so each layer has its
``input``/``output`` tensors and the model has ``model.input``/``model.output`` for building
sub-models; the shape is then part of the saved config.
"""

from __future__ import annotations

from typing import Any, Sequence

from torch import nn

from ..layers.base import Input, InputLayer, KerasTensor, Layer, to_tensor
from ..naming import unique_name
from . import summary as summary_table
from .model import Model


class Sequential(Model):
    """Layers applied one after another; ``add`` appends, ``pop`` removes the last."""

    def __init__(self, layers: Sequence[Any] | None = None, trainable: bool = True, name: str | None = None, **kwargs: Any):
        super().__init__(name=name or unique_name("sequential"), trainable=trainable, **kwargs)
        self.layers = nn.ModuleList()
        self.input_tensor: KerasTensor | None = None  # from a leading Input, else made when the shape is known
        self.output_tensor: KerasTensor | None = None
        self.output_shapes: dict[str, Any] = {}
        self.built = False
        for layer in layers or []:
            self.add(layer)

    def _stack(self) -> nn.ModuleList:
        return self._modules["layers"]

    def add(self, layer: Any) -> None:
        if isinstance(layer, InputLayer):
            layer = layer.output
        if isinstance(layer, KerasTensor) and isinstance(layer.node.layer, InputLayer):
            if self.input_tensor is not None or len(self._stack()):
                raise ValueError(f"Model '{self.name}': an Input can only be the first layer")
            self.input_tensor = layer
            return
        if not isinstance(layer, Layer):
            raise ValueError(f"Model '{self.name}': add() takes an rnnkit layer; got {type(layer).__name__}")
        if any(existing.name == layer.name for existing in self._stack()):
            raise ValueError(f"Model '{self.name}': a layer named {layer.name!r} is already in the model")
        self._stack().append(layer)
        if self.output_tensor is not None:  # already connected: call only the new layer
            self._call_symbolic_layer(layer, self.output_tensor)
        elif self.declared_input_shape() is not None:
            self._connect(self.declared_input_shape())

    def pop(self) -> Layer:
        if not len(self._stack()):
            raise ValueError(f"Model '{self.name}' has no layers to pop")
        layer = self._stack()[-1]
        del self._stack()[-1]
        self.output_shapes.pop(layer.name, None)
        if self.input_tensor is not None and len(self._stack()):
            self._connect(self.input_tensor.shape)
        return layer

    def declared_input_shape(self) -> tuple | None:
        """The batch-first input shape, if a leading Input, ``input_shape=`` or a first call gave it."""
        if self.input_tensor is not None:
            return self.input_tensor.shape
        if len(self._stack()):
            return self._stack()[0].batch_input_shape
        return None

    def _connect(self, batch_shape: tuple) -> None:
        """Call every layer on a symbolic input of ``batch_shape``: builds them and records the shapes."""
        if self.input_tensor is None or self.input_tensor.shape != tuple(batch_shape):
            self.input_tensor = Input(batch_shape=tuple(batch_shape))
        self.output_tensor = self.input_tensor
        self.output_shapes = {}
        for layer in self._stack():
            self._call_symbolic_layer(layer, self.output_tensor)
        self.built = True

    def _call_symbolic_layer(self, layer: Layer, x: KerasTensor) -> None:
        y = layer(x)
        if isinstance(y, list):
            raise ValueError(
                f"Model '{self.name}': layer '{layer.name}' has several outputs; a Sequential "
                "model needs single-output layers (use the functional Model)"
            )
        self.output_shapes[layer.name] = y.shape
        self.output_tensor = y

    def build(self, input_shape: Any = None) -> None:
        shape = input_shape if input_shape is not None else self.declared_input_shape()
        if shape is None:
            raise ValueError(f"Model '{self.name}': build() needs an input shape")
        if not len(self._stack()):
            raise ValueError(f"Model '{self.name}' has no layers to build")
        declared = self.declared_input_shape()
        batch = declared[0] if declared is not None else None
        self._connect((batch, *tuple(shape)[1:]))

    @property
    def input(self) -> KerasTensor:
        """The symbolic input (Keras: defined once the model knows its input shape)."""
        if self.output_tensor is None:
            raise ValueError(f"Sequential model '{self.name}' has no defined input yet: give it an Input or call it on data")
        return self.input_tensor

    @property
    def output(self) -> KerasTensor:
        if self.output_tensor is None:
            raise ValueError(f"Sequential model '{self.name}' has no defined output yet: give it an Input or call it on data")
        return self.output_tensor

    @property
    def input_shape(self) -> tuple:
        """The batch-first shape of ``input``; like ``input``, an error until the shape is known."""
        if self.output_tensor is None:
            raise ValueError(f"Sequential model '{self.name}' has no defined input shape yet: give it an Input or call it on data")
        return self.input_tensor.shape

    @property
    def output_shape(self) -> tuple:
        if self.output_tensor is None:
            raise ValueError(f"Sequential model '{self.name}' has no defined output shape yet: give it an Input or call it on data")
        return self.output_tensor.shape

    @property
    def inputs(self) -> list[KerasTensor]:
        return [self.input]

    @property
    def outputs(self) -> list[KerasTensor]:
        return [self.output]

    def call(self, inputs: Any, mask: Any = None, training: bool = False) -> Any:
        x = to_tensor(inputs)
        for layer in self._stack():
            x = layer(x, training=training)
        return x

    def compute_output_shape(self, input_shape: Any) -> Any:
        for layer in self._stack():
            input_shape = layer.compute_output_shape(input_shape)
        return input_shape

    def expects_several_inputs(self) -> bool:
        return False

    def output_names(self) -> list[str]:
        return [self._stack()[-1].name] if len(self._stack()) else ["output"]

    def summary_rows(self) -> tuple[list[list[str]], bool]:
        return summary_table.stack_rows(list(self._stack()), self.output_shapes), False
