"""Non-recurrent Keras layers that sequence models are built with."""

from __future__ import annotations

import math
from typing import Any, Sequence

import torch
import torch.nn.functional as F

from .. import activations, constraints, initializers, regularizers
from .base import Layer


def _describe(layer: Layer) -> str:
    return f"Layer '{layer.name}' ({type(layer).__name__})"


def get_checked(layer: Layer, argument: str, getter: Any, value: Any) -> Any:
    """``getter(value)`` (an initializer, regularizer or constraint) with errors naming the argument."""
    try:
        return getter(value)
    except ValueError as error:
        raise ValueError(f"{_describe(layer)}: {argument}: {error}") from None


def set_weight_rules(layer: Layer, **given: Any) -> None:
    """Set ``layer.<weight>_regularizer`` / ``layer.<weight>_constraint`` from Keras's arguments, each checked."""
    for argument, value in given.items():
        getter = regularizers.get if argument.endswith("_regularizer") else constraints.get
        setattr(layer, argument, get_checked(layer, argument, getter, value))


def weight_rules_config(layer: Layer, names: Sequence[str]) -> dict[str, Any]:
    """The ``<weight>_regularizer`` / ``<weight>_constraint`` entries of a config, for those that are set."""
    config: dict[str, Any] = {}
    for name in names:
        for kind, module in (("regularizer", regularizers), ("constraint", constraints)):
            value = getattr(layer, f"{name}_{kind}")
            if value is not None:
                config[f"{name}_{kind}"] = module.serialize(value)
    return config


class Dense(Layer):
    """``activation(x @ kernel + bias)`` on the last axis; kernel is (in, out) as in Keras."""

    supports_masking = True
    casts_integer_inputs = True

    def __init__(
        self,
        units: int,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        input_dim: int | None = None,
        **kwargs: Any,
    ):
        if input_dim is not None and "input_shape" not in kwargs:
            kwargs["input_shape"] = (input_dim,)
        super().__init__(**kwargs)
        if not isinstance(units, int) or units <= 0:
            raise ValueError(f"{_describe(self)}: units must be a positive integer; got {units!r}")
        try:
            activations.get(activation)
        except ValueError as error:
            raise ValueError(f"{_describe(self)}: activation: {error}") from None
        self.units = units
        self.activation = activation
        self.use_bias = use_bias
        self.kernel_initializer = get_checked(self, "kernel_initializer", initializers.get, kernel_initializer)
        self.bias_initializer = get_checked(self, "bias_initializer", initializers.get, bias_initializer)
        set_weight_rules(self, kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)

    def build(self, input_shape: Any) -> None:
        if input_shape[-1] is None:
            raise ValueError(f"{_describe(self)}: the last axis of the input must be known")
        self.kernel = self.add_weight(
            (input_shape[-1], self.units), self.kernel_initializer, name="kernel",
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                (self.units,), self.bias_initializer, name="bias",
                regularizer=self.bias_regularizer, constraint=self.bias_constraint,
            )

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        if inputs.shape[-1] != self.kernel.shape[0]:
            raise ValueError(
                f"{_describe(self)} was built for {self.kernel.shape[0]} input features; got input of "
                f"shape {tuple(inputs.shape)}"
            )
        y = inputs @ self.kernel
        if self.bias is not None:
            y = y + self.bias
        return activations.get(self.activation)(y)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return (*input_shape[:-1], self.units)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.name_of(self.activation) or self.activation,
            "use_bias": self.use_bias,
            **weight_rules_config(self, ("kernel", "bias")),
        }


class Embedding(Layer):
    """Looks up integer ids in an (input_dim, output_dim) table; ``mask_zero`` masks id 0."""

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        embeddings_initializer: Any = "uniform",
        embeddings_regularizer: Any = None,
        embeddings_constraint: Any = None,
        mask_zero: bool = False,
        input_length: int | None = None,
        **kwargs: Any,
    ):
        if input_length is not None and "input_shape" not in kwargs:
            kwargs["input_shape"] = (input_length,)
        super().__init__(**kwargs)
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.mask_zero = mask_zero
        self.embeddings_initializer = get_checked(self, "embeddings_initializer", initializers.get, embeddings_initializer)
        self.embeddings_regularizer = get_checked(self, "embeddings_regularizer", regularizers.get, embeddings_regularizer)
        self.embeddings_constraint = get_checked(self, "embeddings_constraint", constraints.get, embeddings_constraint)

    def build(self, input_shape: Any) -> None:
        self.embeddings = self.add_weight(
            (self.input_dim, self.output_dim), self.embeddings_initializer, name="embeddings",
            regularizer=self.embeddings_regularizer, constraint=self.embeddings_constraint,
        )

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        ids = inputs if not inputs.is_floating_point() else inputs.long()
        # Reading the ids is a graph break under torch.compile (there F.embedding's own index check still raises),
        # and meta tensors (a model built to check a file's shapes) have no values.
        if ids.numel() and not ids.is_meta and not torch.compiler.is_compiling() and (int(ids.min()) < 0 or int(ids.max()) >= self.input_dim):
            raise ValueError(
                f"{_describe(self)}: ids must be in [0, {self.input_dim}); got values from "
                f"{int(ids.min())} to {int(ids.max())}"
            )
        return F.embedding(ids.long(), self.embeddings)

    def compute_mask(self, inputs: Any, mask: Any = None) -> torch.Tensor | None:
        return inputs != 0 if self.mask_zero else None

    def compute_output_shape(self, input_shape: Any) -> Any:
        return (*input_shape, self.output_dim)

    def output_dtype(self, inputs: Any) -> torch.dtype:
        return self.embeddings.dtype

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "mask_zero": self.mask_zero,
            **weight_rules_config(self, ("embeddings",)),
        }


class Masking(Layer):
    """Masks every time step whose features all equal ``mask_value`` (and zeroes it, as Keras)."""

    def __init__(self, mask_value: float = 0.0, **kwargs: Any):
        super().__init__(**kwargs)
        self.mask_value = mask_value

    def compute_mask(self, inputs: Any, mask: Any = None) -> torch.Tensor:
        return torch.any(inputs != self.mask_value, dim=-1)

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        keep = self.compute_mask(inputs)
        return inputs * keep.unsqueeze(-1).to(inputs.dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "mask_value": self.mask_value}


class Dropout(Layer):
    """Zeroes a fraction ``rate`` of inputs in training and scales the rest by 1 / (1 - rate)."""

    supports_masking = True

    def __init__(self, rate: float, noise_shape: Sequence[int | None] | None = None, seed: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if not 0.0 <= float(rate) < 1.0:
            raise ValueError(f"{_describe(self)}: rate must be in [0, 1); got {rate!r}")
        self.rate = float(rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        if not training or self.rate == 0.0:
            return inputs
        if self.noise_shape is None:
            return F.dropout(inputs, self.rate, training=True)
        shape = [inputs.shape[i] if s is None else s for i, s in enumerate(self.noise_shape)]
        keep = torch.bernoulli(inputs.new_full(shape, 1.0 - self.rate))
        return inputs * keep / (1.0 - self.rate)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape}


class Flatten(Layer):
    """(B, d1, d2, ...) -> (B, d1 * d2 * ...), row-major as Keras."""

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        return inputs.reshape(inputs.shape[0], -1)

    def compute_output_shape(self, input_shape: Any) -> Any:
        rest = input_shape[1:]
        return (input_shape[0], None if None in rest else math.prod(rest))


class Activation(Layer):
    """Applies an activation function given by name or as a callable."""

    supports_masking = True

    def __init__(self, activation: Any, **kwargs: Any):
        super().__init__(**kwargs)
        try:
            activations.get(activation)
        except ValueError as error:
            raise ValueError(f"{_describe(self)}: {error}") from None
        self.activation = activation

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        return activations.get(self.activation)(inputs)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "activation": activations.name_of(self.activation) or self.activation}


class Reshape(Layer):
    """Reshapes all but the batch axis to ``target_shape`` (one entry may be -1)."""

    def __init__(self, target_shape: Sequence[int], **kwargs: Any):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)
        if sum(1 for d in self.target_shape if d == -1) > 1:
            raise ValueError(f"{_describe(self)}: target_shape may hold at most one -1; got {self.target_shape}")

    def _resolved(self, input_shape: Sequence[int | None]) -> tuple:
        known = input_shape[1:]
        if -1 not in self.target_shape:
            if None not in known and math.prod(known) != math.prod(self.target_shape):
                raise ValueError(
                    f"{_describe(self)}: cannot reshape {tuple(input_shape)} to (batch, "
                    f"{', '.join(map(str, self.target_shape))}): sizes differ"
                )
            return self.target_shape
        if None in known:
            return tuple(None if d == -1 else d for d in self.target_shape)
        rest = math.prod(d for d in self.target_shape if d != -1)
        total = math.prod(known)
        if total % rest:
            raise ValueError(
                f"{_describe(self)}: cannot reshape {tuple(input_shape)} to target_shape {self.target_shape}"
            )
        return tuple(total // rest if d == -1 else d for d in self.target_shape)

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        return inputs.reshape(inputs.shape[0], *self._resolved(tuple(inputs.shape)))

    def compute_output_shape(self, input_shape: Any) -> Any:
        return (input_shape[0], *self._resolved(tuple(input_shape)))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "target_shape": list(self.target_shape)}


class Concatenate(Layer):
    """Joins a list of tensors along ``axis``; masks combine as in Keras."""

    def __init__(self, axis: int = -1, **kwargs: Any):
        super().__init__(**kwargs)
        self.axis = axis

    def _check(self, shapes: Sequence[Sequence[int | None]]) -> None:
        if not isinstance(shapes, (list, tuple)) or len(shapes) < 2 or not isinstance(shapes[0], (list, tuple)):
            raise ValueError(f"{_describe(self)} expects a list of at least 2 inputs")
        rank = len(shapes[0])
        axis = self.axis % rank
        for shape in shapes:
            if len(shape) != rank or any(
                a is not None and b is not None and a != b
                for i, (a, b) in enumerate(zip(shape, shapes[0]))
                if i != axis and i != 0
            ):
                raise ValueError(
                    f"{_describe(self)}: inputs must match except on axis {self.axis}; got shapes "
                    f"{[tuple(s) for s in shapes]}"
                )

    def build(self, input_shape: Any) -> None:
        self._check(input_shape)

    def call(self, inputs: Sequence[torch.Tensor], mask: Any = None, training: bool = False) -> torch.Tensor:
        self._check([tuple(t.shape) for t in inputs])
        return torch.cat(list(inputs), dim=self.axis)

    def compute_mask(self, inputs: Any, mask: Any = None) -> torch.Tensor | None:
        masks = [getattr(t, "_keras_mask", None) for t in inputs]
        if all(m is None for m in masks):
            return None
        rank = inputs[0].dim()
        masks = [
            torch.ones(t.shape[: rank - 1], dtype=torch.bool, device=t.device) if m is None else m
            for t, m in zip(inputs, masks)
        ]
        if self.axis % rank == rank - 1:
            return torch.stack(masks, dim=-1).all(dim=-1)
        return torch.cat(masks, dim=self.axis % rank)

    def compute_output_shape(self, input_shape: Any) -> Any:
        axis = self.axis % len(input_shape[0])
        sizes = [s[axis] for s in input_shape]
        joined = None if None in sizes else sum(sizes)
        first = list(input_shape[0])
        first[axis] = joined
        return tuple(first)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}
