"""``Lambda``: a Python function used as a layer, in code only.

A model file cannot carry one: Keras stores a Lambda's function as Python bytecode, and rnnkit
never runs code that comes from a file (the loader refuses the layer, whatever ``safe_mode``
would have said in Keras). So a Lambda has no ``get_config``; in code it is a plain layer.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable

import torch

from .base import Layer, flatten


class Lambda(Layer):
    """``function(inputs, **arguments)`` as a layer.

    ``output_shape`` (without the batch axis, or a function of the input shape) is what the
    functional API records; without it the shape is found by running ``function`` on small
    zero tensors twice, with unknown axes of length 2 and 3, and an axis whose length differs
    between the two runs is unknown. ``mask`` (a mask tensor or ``f(inputs, mask)``) is the
    mask the output carries; without it the output carries none, as in Keras.
    """

    accepts_text = True

    def __init__(
        self,
        function: Callable[..., Any],
        output_shape: Any = None,
        mask: Any = None,
        arguments: dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Layer '{self.name}' (Lambda): function must be callable; got {function!r}")
        self.function = function
        self.output_shape_spec = output_shape
        self.mask = mask
        self.arguments = dict(arguments or {})
        try:
            names = inspect.signature(function).parameters
        except (TypeError, ValueError):  # builtins without a signature take neither
            names = {}
        self._takes_mask = "mask" in names
        self._takes_training = "training" in names

    def call(self, inputs: Any, mask: Any = None, training: bool = False) -> Any:
        kwargs = dict(self.arguments)
        if self._takes_mask:
            kwargs["mask"] = mask
        if self._takes_training:
            kwargs["training"] = training
        outputs = self.function(inputs, **kwargs)
        if self.mask is None and outputs is inputs and isinstance(outputs, torch.Tensor):
            outputs = outputs.view_as(outputs)  # a new tensor object: the input's mask stays behind
        return outputs

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def compute_output_shape(self, input_shape: Any) -> Any:
        if callable(self.output_shape_spec):
            return self.output_shape_spec(input_shape)
        if self.output_shape_spec is not None:
            batch = flatten(input_shape)[0]
            spec = self.output_shape_spec
            if isinstance(spec, list) and spec and isinstance(spec[0], (list, tuple)):
                return [(batch, *s) for s in spec]
            return (batch, *tuple(spec))
        return self._traced_shape(input_shape)

    def _traced_shape(self, input_shape: Any) -> Any:
        shapes = _as_tuples(input_shape)

        def run(size: int) -> Any:
            def zeros(shape: tuple) -> torch.Tensor:
                return torch.zeros([size if d is None else d for d in shape])

            inputs = [zeros(s) for s in shapes] if isinstance(shapes, list) else zeros(shapes)
            with torch.no_grad():
                return self.call(inputs)

        try:
            small, large = run(2), run(3)
        except Exception as error:  # the function's own failure, reported with what to do
            raise ValueError(
                f"Layer '{self.name}' (Lambda): could not infer the output shape by running the function "
                f"on zeros of shape {input_shape} ({type(error).__name__}: {error}); pass output_shape="
            ) from None

        def shape(a: Any, b: Any) -> Any:
            if isinstance(a, (list, tuple)):
                return [shape(x, y) for x, y in zip(a, b)]
            return tuple(x if x == y else None for x, y in zip(a.shape, b.shape))

        return shape(small, large)

    def get_config(self) -> dict[str, Any]:
        raise ValueError(
            f"Layer '{self.name}' (Lambda) cannot be saved: its function is Python code, and rnnkit "
            "files hold data only; save the weights, or replace the Lambda by a layer"
        )


def _as_tuples(shape: Any) -> Any:
    """Input shapes with lists of shapes kept as lists and each shape a tuple."""
    if isinstance(shape, list) and shape and isinstance(shape[0], (list, tuple)):
        return [tuple(s) for s in shape]
    return tuple(shape)
