"""The Keras layer contract on top of ``torch.nn.Module``.

A layer is an ``nn.Module`` that

* builds its weights lazily from the first input shape it sees (or from ``input_shape=`` given
  at construction), so ``LSTM(64)(torch.randn(8, 20, 32))`` works in plain PyTorch code;
* keeps its weights as parameters registered in Keras's ``get_weights()`` order;
* accepts Keras's call arguments ``mask`` and ``training`` and passes masks on to the next layer
  on the output tensor (``tensor._keras_mask``), as Keras does;
* can be called on a :class:`KerasTensor` (from :func:`Input`) to record a functional graph.

``training=None`` follows the module's torch mode (``model.train()`` / ``model.eval()``).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np
import torch
from torch import nn

from ..naming import snake_case, unique_name

Shape = tuple  # a batch-first shape whose entries may be None


class KerasTensor:
    """A symbolic tensor of the functional API: its shape (None = unknown) and the node that made it."""

    def __init__(self, shape: Shape, dtype: torch.dtype, node: "Node | None" = None, index: int = 0):
        self.shape = tuple(shape)
        self.dtype = dtype
        self.node = node
        self.index = index

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        layer = self.node.layer.name if self.node else "?"
        return f"<KerasTensor shape={self.shape} dtype={self.dtype} from={layer!r}>"


class Node:
    """One call of a layer on symbolic inputs: the edge of a functional graph."""

    def __init__(self, layer: "Layer", args: tuple, kwargs: dict, outputs: list[KerasTensor]):
        self.layer = layer
        self.args = args
        self.kwargs = kwargs
        self.outputs = outputs
        self.inputs = [t for t in flatten((args, kwargs)) if isinstance(t, KerasTensor)]


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


def normalize_batch_shape(
    layer_name: str,
    input_shape: Sequence[int | None] | None,
    batch_input_shape: Sequence[int | None] | None,
    batch_size: int | None,
) -> Shape | None:
    """Turn Keras-2 ways of declaring the input (``input_shape=``, ``batch_input_shape=``) into one."""
    if batch_input_shape is not None:
        return tuple(batch_input_shape)
    if input_shape is not None:
        if isinstance(input_shape, int):
            input_shape = (input_shape,)
        if not isinstance(input_shape, (tuple, list)):
            raise ValueError(
                f"Layer '{layer_name}': input_shape must be a tuple such as (time, features); "
                f"got {input_shape!r}"
            )
        return (batch_size, *input_shape)
    return None


class Layer(nn.Module):
    """Base of every rnnkit layer (see the module docstring for the contract)."""

    #: Whether a layer passes an incoming mask on unchanged (when it doesn't compute its own).
    supports_masking = False

    def __init__(
        self,
        *,
        name: str | None = None,
        input_shape: Sequence[int | None] | None = None,
        batch_input_shape: Sequence[int | None] | None = None,
        batch_size: int | None = None,
        dtype: Any = None,
        trainable: bool = True,
        **unknown: Any,
    ):
        super().__init__()
        if unknown:
            raise TypeError(
                f"{type(self).__name__}() got unexpected keyword argument(s) {sorted(unknown)}"
            )
        self.name = name or unique_name(snake_case(type(self).__name__))
        self.built = False
        self.batch_input_shape = normalize_batch_shape(
            self.name, input_shape, batch_input_shape, batch_size
        )
        self._trainable = trainable
        self.inbound_nodes: list[Node] = []

    # ----- what subclasses provide -------------------------------------------------------
    def build(self, input_shape: Any) -> None:
        """Create the weights for inputs of ``input_shape`` (batch-first, batch may be None)."""

    def call(self, inputs: Any, mask: Any = None, training: bool = False, **kwargs: Any) -> Any:
        raise NotImplementedError

    def compute_output_shape(self, input_shape: Any) -> Any:
        """Output shape (a tuple, or a list of tuples for several outputs)."""
        return input_shape

    def compute_mask(self, inputs: Any, mask: Any = None) -> torch.Tensor | None:
        return mask if self.supports_masking else None

    def get_config(self) -> dict[str, Any]:
        """Keras-style configuration: the arguments that rebuild this layer, as plain data."""
        config: dict[str, Any] = {"name": self.name, "trainable": self.trainable}
        if self.batch_input_shape is not None:
            config["batch_input_shape"] = list(self.batch_input_shape)
        return config

    # ----- building ------------------------------------------------------------------------
    def ensure_built(self, input_shape: Any) -> None:
        if not self.built:
            self.build(input_shape)
            self.built = True
            if not self._trainable:
                self.trainable = False

    # ----- calling -------------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if any(isinstance(t, KerasTensor) for t in flatten((args, kwargs))):
            return self._call_symbolic(*args, **kwargs)
        return super().__call__(*args, **kwargs)

    def forward(self, inputs: Any, *args: Any, mask: Any = None, training: bool | None = None, **kwargs: Any) -> Any:
        if mask is None:
            mask = mask_of(inputs)
        if training is None:
            training = self.training
        self.ensure_built(shape_of(inputs))
        outputs = self.call(inputs, *args, mask=mask, training=training, **kwargs)
        attach_mask(outputs, self.compute_mask(inputs, mask))
        return outputs

    def _call_symbolic(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        input_shape = shape_of(inputs)
        self.ensure_built(input_shape)
        output_shape = self.compute_output_shape(input_shape)
        dtype = self.output_dtype(inputs)
        node = Node(self, (inputs, *args), kwargs, [])
        if isinstance(output_shape, list):
            node.outputs = [KerasTensor(s, dtype, node, i) for i, s in enumerate(output_shape)]
            result: Any = list(node.outputs)
        else:
            node.outputs = [KerasTensor(output_shape, dtype, node, 0)]
            result = node.outputs[0]
        self.inbound_nodes.append(node)
        return result

    def output_dtype(self, inputs: Any) -> torch.dtype:
        return torch.get_default_dtype()

    @property
    def input(self) -> Any:
        """The symbolic input of this layer's first call (Keras 3: the first call, if called several times)."""
        node = self._first_node("input")
        inputs = node.args[0] if node.args else node.outputs[0]
        return inputs

    @property
    def output(self) -> Any:
        """The symbolic output(s) of this layer's first call, as ``Model(inputs, layer.output)`` needs."""
        outputs = self._first_node("output").outputs
        return outputs[0] if len(outputs) == 1 else list(outputs)

    def _first_node(self, what: str) -> Node:
        if not self.inbound_nodes:  # a ValueError: torch's __getattr__ would hide an AttributeError's message
            raise ValueError(f"Layer '{self.name}' has never been called on a symbolic input, so it has no {what}")
        return self.inbound_nodes[0]

    # ----- weights -------------------------------------------------------------------------
    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        for p in self.parameters():
            p.requires_grad_(self._trainable)

    @property
    def weights(self) -> list[nn.Parameter]:
        """Weights in Keras order: trainable first, then frozen ones (as ``model.weights``)."""
        params = list(self.parameters())
        return [p for p in params if p.requires_grad] + [p for p in params if not p.requires_grad]

    @property
    def trainable_weights(self) -> list[nn.Parameter]:
        return [p for p in self.parameters() if p.requires_grad]

    @property
    def non_trainable_weights(self) -> list[nn.Parameter]:
        return [p for p in self.parameters() if not p.requires_grad]

    def get_weights(self) -> list[np.ndarray]:
        return [p.detach().cpu().numpy().copy() for p in self.weights]

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Load arrays in ``get_weights()`` order and layout; checks count and every shape first."""
        targets = self.weights
        if len(weights) != len(targets):
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}) expects {len(targets)} weight arrays "
                f"with shapes {[tuple(t.shape) for t in targets]}; got {len(weights)}"
            )
        arrays = [np.asarray(w) for w in weights]
        for i, (target, array) in enumerate(zip(targets, arrays)):
            if tuple(array.shape) != tuple(target.shape):
                raise ValueError(
                    f"Layer '{self.name}' ({type(self).__name__}): weight {i} must have shape "
                    f"{tuple(target.shape)}; got {tuple(array.shape)}"
                )
        with torch.no_grad():
            for target, array in zip(targets, arrays):
                target.copy_(torch.from_numpy(np.array(array, order="C")).to(target.dtype))

    def count_params(self) -> int:
        if not self.built:
            raise ValueError(
                f"Layer '{self.name}' is not built yet, so its weights don't exist: call it on an "
                "input or give input_shape= first"
            )
        return sum(p.numel() for p in self.parameters())

    def new_parameter(self, shape: tuple[int, ...], initializer: Callable[[torch.Tensor], None]) -> nn.Parameter:
        tensor = torch.empty(shape, dtype=torch.get_default_dtype())
        initializer(tensor)
        return nn.Parameter(tensor, requires_grad=self._trainable)

    def extra_repr(self) -> str:
        return f"name={self.name!r}"


class InputLayer(Layer):
    """The entry point of a model: it only holds the input's shape and dtype."""

    def __init__(
        self,
        shape: Sequence[int | None] | None = None,
        batch_size: int | None = None,
        dtype: Any = None,
        sparse: bool | None = None,
        name: str | None = None,
        **kwargs: Any,
    ):
        if shape is None and "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        if batch_input_shape is not None:
            batch_size, shape = batch_input_shape[0], batch_input_shape[1:]
        if shape is None:
            raise ValueError("InputLayer needs shape=, e.g. Input(shape=(time, features))")
        super().__init__(name=name, **kwargs)
        self.batch_input_shape = (batch_size, *tuple(shape))
        self.input_dtype = resolve_dtype(dtype)
        self.built = True
        tensor = KerasTensor(self.batch_input_shape, self.input_dtype, Node(self, (), {}, []), 0)
        tensor.node.outputs = [tensor]
        self.inbound_nodes.append(tensor.node)

    def call(self, inputs: Any, mask: Any = None, training: bool = False) -> Any:
        return inputs

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "batch_shape": list(self.batch_input_shape),
            "dtype": str(self.input_dtype).removeprefix("torch."),
        }


STRING = "string"  # Input(dtype="string"): text, carried as NumPy arrays of str (torch has no string dtype)


def is_text(array: np.ndarray) -> bool:
    """Whether an array holds strings: a str/bytes dtype, or objects that are all str."""
    return array.dtype.kind in "US" or (
        array.dtype.kind == "O" and array.size > 0 and all(isinstance(v, (str, bytes)) for v in array.reshape(-1).tolist())
    )


def resolve_dtype(dtype: Any) -> torch.dtype | str:
    """A torch dtype from a Keras/numpy dtype name ('float32', 'int32', ...) or a torch dtype; ``STRING`` for text."""
    if dtype is None:
        return torch.get_default_dtype()
    if dtype in (STRING, str):
        return STRING
    if isinstance(dtype, torch.dtype):
        return dtype
    name = getattr(dtype, "__name__", None) or str(dtype)
    resolved = getattr(torch, name.removeprefix("torch."), None)
    if not isinstance(resolved, torch.dtype):
        raise ValueError(f"Unknown dtype {dtype!r}; expected a name such as 'float32' or 'int32'")
    return resolved


def Input(
    shape: Sequence[int | None] | None = None,
    batch_size: int | None = None,
    dtype: Any = None,
    sparse: bool | None = None,
    name: str | None = None,
    batch_shape: Sequence[int | None] | None = None,
) -> KerasTensor:
    """A symbolic input of the functional API; ``shape`` excludes the batch axis (Keras)."""
    if batch_shape is not None:
        batch_size, shape = batch_shape[0], tuple(batch_shape[1:])
    return InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, name=name).output
