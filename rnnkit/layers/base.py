"""The Keras layer contract on top of ``torch.nn.Module``.

A layer is an ``nn.Module`` that

* builds its weights lazily from the first input shape it sees (or from ``input_shape=`` given
  at construction), calling ``build(input_shape)`` once, so ``LSTM(64)(torch.randn(8, 20, 32))``
  works in plain PyTorch code;
* keeps its weights as parameters registered in Keras's ``get_weights()`` order; a custom layer
  makes them with Keras's ``add_weight(shape, initializer, regularizer=, constraint=,
  trainable=)``, and ``self.kernel = self.add_weight(...)`` registers the parameter ``kernel``;
* passes ``call`` only the arguments its signature names (``def call(self, x)`` is valid; see
  :mod:`rnnkit.layers.calling`), and passes masks on to the next layer on the output tensor
  (``tensor._keras_mask``), as Keras does;
* takes NumPy arrays, lists and tensors of another float dtype, cast to the layer's float dtype
  (``dtype=``, else its weights'), while integers stay integers except for layers whose math is
  float (``casts_integer_inputs``: Dense, the recurrent layers and cells);
* reports ``losses`` as Keras 3 does: what ``add_loss`` and ``activity_regularizer`` added during
  the last outermost call, then the weight regularizers' penalties from the current values;
  ``fit`` adds them to the loss and applies the weight constraints after every step;
* can be called on a :class:`KerasTensor` (from :func:`Input`) to record a functional graph.

``training=None`` follows the module's torch mode (``model.train()`` / ``model.eval()``).
"""

from __future__ import annotations

import re
from typing import Any, Callable, Sequence

import numpy as np
import torch
from torch import nn

from .. import constraints, initializers, regularizers
from ..naming import snake_case, unique_name
from .structure import attach_mask, flatten, is_text, map_structure, mask_of, shape_of, to_tensor  # noqa: F401 (re-exported)
from .calling import call_arguments, call_signature, cast_inputs, convert_arrays, inputs_by_name
from .tracing import traced_output_shape

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
    #: Whether integer inputs are cast to the layer's float dtype (layers whose math is float).
    casts_integer_inputs = False
    #: Whether the layer reads text (NumPy arrays of strings: torch has no string tensors).
    accepts_text = False

    def __init__(
        self,
        *,
        name: str | None = None,
        input_shape: Sequence[int | None] | None = None,
        batch_input_shape: Sequence[int | None] | None = None,
        batch_size: int | None = None,
        dtype: Any = None,
        trainable: bool = True,
        activity_regularizer: Any = None,
        autocast: bool = True,
        input_dim: int | None = None,
        **unknown: Any,
    ):
        super().__init__()
        if input_dim is not None and input_shape is None:  # Keras 2's way for a first layer
            input_shape = (input_dim,)
        if unknown:
            raise TypeError(
                f"{type(self).__name__}() got unexpected keyword argument(s) {sorted(unknown)}"
            )
        self.name = name or unique_name(snake_case(type(self).__name__))
        call_signature(type(self))  # read once here: torch.compile cannot trace inspect.signature in a call
        self.built = False
        self.batch_input_shape = normalize_batch_shape(
            self.name, input_shape, batch_input_shape, batch_size
        )
        self._trainable = trainable
        self._dtype = _layer_dtype(self.name, dtype)
        self._autocast = autocast
        self.activity_regularizer = _checked(self, "activity_regularizer", regularizers.get, activity_regularizer)
        self.inbound_nodes: list[Node] = []
        # Per weight (by its name in this layer): what add_weight was told beyond the values.
        self._weight_regularizers: dict[str, Any] = {}
        self._weight_constraints: dict[str, Any] = {}
        self._frozen_weights: set[str] = set()
        self._unclaimed_weights: set[str] = set()  # add_weight names not yet assigned to an attribute
        self._call_losses: list[torch.Tensor] = []
        self._losses_call = 0  # the outermost call during which _call_losses were added
        self._last_call = 0  # the outermost call during which this layer last ran

    # ----- what subclasses provide -------------------------------------------------------
    def build(self, input_shape: Any) -> None:
        """Create the weights for inputs of ``input_shape`` (batch-first, batch may be None)."""

    def call(self, inputs: Any, mask: Any = None, training: bool = False, **kwargs: Any) -> Any:
        raise NotImplementedError(f"Layer '{self.name}' ({type(self).__name__}) must define call()")

    def compute_output_shape(self, input_shape: Any) -> Any:
        """Output shape (a tuple, or a list of tuples for several outputs).

        By default the layer is run on two small zero inputs, with the unknown sizes set to 1 and to
        2, and a size that differs between the two runs is unknown (None) in the answer.
        """
        return self._traced_output_shape(input_shape, None)

    def compute_mask(self, inputs: Any, mask: Any = None) -> torch.Tensor | None:
        return mask if self.supports_masking else None

    def get_config(self) -> dict[str, Any]:
        """Keras-style configuration: the arguments that rebuild this layer, as plain data."""
        config: dict[str, Any] = {"name": self.name, "trainable": self.trainable}
        if self.batch_input_shape is not None:
            config["batch_input_shape"] = list(self.batch_input_shape)
        if self._dtype is not None:
            config["dtype"] = str(self._dtype).removeprefix("torch.")
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Layer":
        """The layer that ``get_config()`` describes (Keras: ``cls(**config)``)."""
        return cls(**config)

    # ----- building ------------------------------------------------------------------------
    def ensure_built(self, input_shape: Any) -> None:
        if not self.built:
            self.build(input_shape)
            self.built = True
            if not self._trainable:
                self.trainable = False

    # ----- calling -------------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        plain = len(args) == 1 and not kwargs and isinstance(args[0], torch.Tensor)
        if not plain and not args:  # the inputs given by the name call() uses: layer(inputs=x)
            args, kwargs = inputs_by_name(self, kwargs)
        if not plain and any(isinstance(t, KerasTensor) for t in flatten((args, kwargs))):
            return self._call_symbolic(*args, **kwargs)
        return super().__call__(*args, **kwargs)

    def forward(self, inputs: Any, *args: Any, mask: Any = None, training: bool | None = None, **kwargs: Any) -> Any:
        if _CALLS["running"] == 0:  # a new outermost call: losses of earlier calls stop counting
            _CALLS["outer"] += 1
        self.__dict__["_last_call"] = _CALLS["outer"]
        _CALLS["running"] += 1
        try:
            float_dtype = self._float_dtype()
            if args or kwargs or not isinstance(inputs, torch.Tensor):
                default = float_dtype or torch.get_default_dtype()
                inputs, args, kwargs = convert_arrays((inputs, args, kwargs), default)
                if mask is not None:
                    mask = convert_arrays(mask, default)
            if isinstance(inputs, np.ndarray) and not self.accepts_text:  # text that no text layer has read
                raise ValueError(
                    f"Layer '{self.name}' ({type(self).__name__}) takes numbers; got text (a NumPy array of "
                    f"{inputs.dtype}): put a TextVectorization or StringLookup layer before it"
                )
            several = any(isinstance(t, torch.Tensor) for t in flatten((args, kwargs)))
            if mask is None and (not several or call_signature(type(self)).reads_argument_masks):
                # Keras 3 takes the inputs' mask only when they are the call's one tensor argument:
                # LSTM(x, initial_state=[h, c]) runs unmasked unless mask= is given (as Keras 3.15 does).
                mask = mask_of(inputs)
            if training is None:
                training = self.training
            if not self.built:
                self.ensure_built(shape_of(inputs))
                float_dtype = self._float_dtype()
            if self._autocast:
                inputs = cast_inputs(inputs, float_dtype, self.casts_integer_inputs)
            call_kwargs = call_arguments(self, args, kwargs, mask, training)
            outputs = self.call(inputs, *args, **call_kwargs)
            if self.activity_regularizer is not None:  # Keras 3.15: the penalty per sample
                for output in flatten(outputs):
                    if isinstance(output, torch.Tensor):
                        penalty = self.activity_regularizer(output)
                        self.add_loss(penalty / output.shape[0] if output.dim() and output.shape[0] else penalty)
            # Keras 3 gives compute_mask the inputs' own mask when the call took none (see above).
            attach_mask(outputs, self.compute_mask(inputs, mask if mask is not None else mask_of(inputs)))
            return outputs
        finally:
            _CALLS["running"] -= 1

    def _call_symbolic(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        input_shape = shape_of(inputs)
        self.ensure_built(input_shape)
        if type(self).compute_output_shape is Layer.compute_output_shape:
            output_shape = self._traced_output_shape(input_shape, inputs)
        else:
            output_shape = self.compute_output_shape(input_shape)
        dtype = self.output_dtype(inputs)
        node = Node(self, (inputs, *args), kwargs, [])

        def symbols(shape: Any) -> Any:  # nested lists of shapes (stacked cells' states) stay nested
            if isinstance(shape, list):
                return [symbols(s) for s in shape]
            node.outputs.append(KerasTensor(shape, dtype, node, len(node.outputs)))
            return node.outputs[-1]

        result = symbols(output_shape)
        self.inbound_nodes.append(node)
        return result

    def _traced_output_shape(self, input_shape: Any, symbols: Any) -> Any:
        """Output shape(s) found by running the layer on zeros (see :mod:`rnnkit.layers.tracing`)."""
        dtypes = map_structure(lambda t: t.dtype, symbols) if symbols is not None else None

        def forget_losses() -> None:
            for module in self.modules():
                if isinstance(module, Layer):
                    module._call_losses = []

        default = self._float_dtype() or torch.get_default_dtype()
        return traced_output_shape(self, input_shape, dtypes, default, shape_of, forget_losses)

    def output_dtype(self, inputs: Any) -> torch.dtype:
        return self._float_dtype() or torch.get_default_dtype()

    # ----- dtypes --------------------------------------------------------------------------
    def _float_dtype(self) -> torch.dtype | None:
        """The float dtype inputs are cast to: ``dtype=`` if given, else that of the float weights."""
        if self._dtype is not None and self._dtype.is_floating_point:
            return self._dtype
        for p in self._parameters.values():
            if p is not None and p.is_floating_point():
                return p.dtype
        for p in self.parameters():
            if p.is_floating_point():
                return p.dtype
        return None

    def _weight_dtype(self) -> torch.dtype:
        """The dtype of new float weights: a float ``dtype=`` if given, else torch's default."""
        return self._dtype if self._dtype is not None and self._dtype.is_floating_point else torch.get_default_dtype()

    @property
    def dtype(self) -> str:
        """Keras's name of the layer's (variable and compute) dtype, such as ``'float32'``."""
        return str(self._float_dtype() or torch.get_default_dtype()).removeprefix("torch.")

    @dtype.setter
    def dtype(self, value: Any) -> None:
        self._dtype = _layer_dtype(self.name, value)

    compute_dtype = dtype
    variable_dtype = dtype

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
        """Freezes (or unfreezes) every weight of this layer and its sublayers, as Keras's flag does;
        weights made with ``add_weight(trainable=False)`` stay frozen."""
        value = bool(value)
        for module in self.modules():
            if isinstance(module, Layer):
                module._trainable = value
            frozen = module.__dict__.get("_frozen_weights", ())
            for name, p in module.named_parameters(recurse=False):
                p.requires_grad_(value and name not in frozen and (p.is_floating_point() or p.is_complex()))

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

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

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

    def add_weight(
        self,
        shape: Any = None,
        initializer: Any = None,
        dtype: Any = None,
        trainable: bool = True,
        autocast: bool = True,
        regularizer: Any = None,
        constraint: Any = None,
        aggregation: Any = None,
        overwrite_with_gradient: bool = False,
        name: str | None = None,
        **legacy: Any,
    ) -> nn.Parameter:
        """A new weight registered on this layer (Keras's ``add_weight``), as an ``nn.Parameter``.

        ``shape`` is a tuple (an int means a vector; None a scalar). ``initializer`` is a Keras name,
        an initializer object or a function; the default is ``glorot_uniform`` for float weights
        and ``zeros`` otherwise. The parameter is registered under ``name`` (made unique) until the
        layer assigns it to an attribute, whose name it then takes, so ``self.kernel =
        self.add_weight(...)`` gives the parameter ``kernel``. ``trainable=False`` weights never get
        gradients and come after the trainable ones in ``get_weights()``. ``regularizer`` adds its
        penalty to ``losses``; ``constraint`` is applied after each optimizer step in ``fit``.
        """
        if isinstance(shape, str) and name is None:  # Keras 2: add_weight(name, shape, ...)
            name, shape, initializer = shape, initializer, legacy.pop("initializer", None)
        unsupported = sorted(set(legacy) - _LEGACY_WEIGHT_ARGS)
        if unsupported:
            raise TypeError(f"Layer '{self.name}': add_weight() got unexpected keyword argument(s) {unsupported}")
        shape = () if shape is None else (shape,) if isinstance(shape, int) else tuple(shape)
        if any(not isinstance(d, int) or d < 0 for d in shape):
            raise ValueError(
                f"Layer '{self.name}': add_weight(name={name!r}) needs a shape of non-negative integers; got {shape}"
            )
        dtype = resolve_dtype(dtype) if dtype is not None else self._weight_dtype()
        floating = dtype.is_floating_point
        if initializer is None:
            initializer = "glorot_uniform" if floating else "zeros"
        init = _checked(self, f"add_weight(name={name!r}) initializer", initializers.get, initializer)
        regularizer = _checked(self, f"add_weight(name={name!r}) regularizer", regularizers.get, regularizer)
        constraint = _checked(self, f"add_weight(name={name!r}) constraint", constraints.get, constraint)
        tensor = torch.empty(shape, dtype=dtype)
        with torch.no_grad():
            init(tensor)
        parameter = nn.Parameter(tensor, requires_grad=bool(trainable and self._trainable and floating))
        key = self._free_weight_name(name)
        self.register_parameter(key, parameter)
        self._unclaimed_weights.add(key)
        if regularizer is not None:
            self._weight_regularizers[key] = regularizer
        if constraint is not None:
            self._weight_constraints[key] = constraint
        if not trainable:
            self._frozen_weights.add(key)
        return parameter

    def _free_weight_name(self, name: str | None, taken: str | None = None) -> str:
        base = re.sub(r"\W", "_", name or "variable") or "variable"
        if base[0].isdigit():
            base = f"_{base}"
        key, n = base, 0
        while (key == taken or key in self.__dict__ or key in self._parameters or key in self._modules
               or key in self._buffers or hasattr(type(self), key)):
            n += 1
            key = f"{base}_{n}"
        return key

    def __setattr__(self, attribute: str, value: Any) -> None:
        unclaimed = self.__dict__.get("_unclaimed_weights")
        if unclaimed:
            if isinstance(value, nn.Parameter):
                for key in list(unclaimed):
                    if self._parameters.get(key) is value:
                        unclaimed.discard(key)
                        self._rename_weight(key, attribute)  # the weight takes the attribute's name
                        break
            if attribute in unclaimed:  # another value takes the name: the weight moves aside
                unclaimed.discard(attribute)
                moved = self._free_weight_name(attribute, taken=attribute)
                self._rename_weight(attribute, moved)
                unclaimed.add(moved)
        super().__setattr__(attribute, value)

    def _rename_weight(self, old: str, new: str) -> None:
        """Register weight ``old`` as ``new``, keeping its place in the order and its rules."""
        if old == new:
            return
        items = list(self._parameters.items())
        self._parameters.clear()
        for key, parameter in items:
            self._parameters[new if key == old else key] = parameter
        for rules in (self._weight_regularizers, self._weight_constraints):
            if old in rules:
                rules[new] = rules.pop(old)
        if old in self._frozen_weights:
            self._frozen_weights.discard(old)
            self._frozen_weights.add(new)

    def new_parameter(self, shape: tuple[int, ...], initializer: Any) -> nn.Parameter:
        """A float weight of ``shape`` filled by ``initializer`` (anything :func:`initializers.get` takes)."""
        tensor = torch.empty(shape, dtype=self._weight_dtype())
        with torch.no_grad():
            initializers.get(initializer)(tensor)
        return nn.Parameter(tensor, requires_grad=self._trainable)

    # ----- losses and constraints ------------------------------------------------------------
    def add_loss(self, loss: Any) -> None:
        """Add a scalar (or several) to ``losses`` for this call; ``fit`` adds them to the loss."""
        if self._losses_call != _CALLS["outer"]:
            self.__dict__["_call_losses"] = []
            self.__dict__["_losses_call"] = _CALLS["outer"]
        for value in flatten(loss):
            value = value if isinstance(value, torch.Tensor) else torch.as_tensor(value, dtype=torch.get_default_dtype())
            self._call_losses.append(value.sum() if value.dim() else value)

    @property
    def losses(self) -> list[torch.Tensor]:
        """Keras 3's ``losses``: the losses added during the last call (``add_loss``, activity
        regularizers), then the penalties of the trainable weights' regularizers computed from
        their current values, over this layer and all its sublayers."""
        layers = [module for module in self.modules() if isinstance(module, Layer)]
        latest = self._last_call
        collected = [loss for layer in layers if layer._losses_call >= latest for loss in layer._call_losses]
        for layer in layers:
            for name, regularizer in layer._weight_regularizers.items():
                weight = layer._parameters.get(name)
                if weight is not None and weight.requires_grad:
                    collected.append(regularizer(weight))
        return collected

    def apply_weight_constraints(self) -> None:
        """Project every trainable weight that has a constraint, in place (after an optimizer step)."""
        with torch.no_grad():
            for module in self.modules():
                for name, constraint in module.__dict__.get("_weight_constraints", {}).items():
                    weight = module._parameters.get(name)
                    if weight is not None and weight.requires_grad:
                        weight.copy_(constraint(weight))

    def extra_repr(self) -> str:
        return f"name={self.name!r}"


# How many layer calls are running, and a count of outermost calls: losses added during an
# outermost call replace those of earlier ones (Keras 3), without visiting every sublayer.
_CALLS = {"running": 0, "outer": 0}
_LEGACY_WEIGHT_ARGS = {"use_resource", "synchronization", "partitioner", "caching_device", "experimental_autocast"}


def _checked(layer: Layer, argument: str, getter: Callable[[Any], Any], value: Any) -> Any:
    """``getter(value)`` with its error naming the layer and the argument."""
    try:
        return getter(value)
    except ValueError as error:
        raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}): {argument}: {error}") from None


def _layer_dtype(layer_name: str, dtype: Any) -> torch.dtype | None:
    """A layer's ``dtype=``: a torch dtype, or None for none or for string data (text layers)."""
    name = _policy_dtype(dtype)
    if name is None or name in ("string", "str"):
        return None
    try:
        return resolve_dtype(name)
    except ValueError:
        raise ValueError(
            f"Layer '{layer_name}': dtype={dtype!r} is not supported; expected a dtype name such as "
            "'float32', 'float64' or 'int32' (mixed-precision policies are not)"
        ) from None


def _policy_dtype(dtype: Any) -> Any:
    """The dtype name inside a Keras dtype policy (``{"class_name": "DTypePolicy", ...}``), or ``dtype``."""
    if isinstance(dtype, dict):
        return (dtype.get("config") or {}).get("name")
    return dtype


class InputLayer(Layer):
    """The entry point of a model: it only holds the input's shape and dtype."""

    accepts_text = True

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
