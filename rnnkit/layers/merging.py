"""Layers that merge a list of tensors: ``Add``, ``Subtract``, ``Multiply``, ``Average``,
``Maximum``, ``Minimum`` (elementwise) and ``Dot`` (batchwise dot product).

Typical use: joining two recurrent branches, ``Add()([lstm_a, lstm_b])``. Inputs of different
ranks are aligned as in Keras (the lower-rank one gets new axes after the batch axis) and then
broadcast. Masks follow Keras 3 exactly: the output is masked only when every input carries a
mask (the union of the masks); ``Multiply`` treats masked entries as 1 and zeroes the output
where all inputs are masked; ``Maximum``/``Minimum`` take a masked entry's value from the other
inputs; ``Dot`` drops the mask.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import torch

from .base import Layer


def _describe(layer: Layer) -> str:
    return f"Layer '{layer.name}' ({type(layer).__name__})"


def input_masks(inputs: Sequence[torch.Tensor], mask: Any) -> list[torch.Tensor | None]:
    """One mask per input: from ``mask=`` when it is a list, else the masks the tensors carry."""
    if isinstance(mask, (list, tuple)):
        return list(mask)
    return [getattr(t, "_keras_mask", None) for t in inputs]


class _Merge(Layer):
    """The shared part: shape checks, rank alignment, broadcasting shapes and the mask union."""

    supports_masking = True
    min_inputs = 1
    max_inputs: int | None = None

    def _check_list(self, shapes: Any) -> None:
        if not isinstance(shapes, (list, tuple)) or not shapes or not isinstance(shapes[0], (list, tuple)):
            raise ValueError(f"{_describe(self)} must be called on a list of tensors; got input shape {shapes!r}")
        count = len(shapes)
        if count < self.min_inputs or (self.max_inputs is not None and count > self.max_inputs):
            wanted = self.min_inputs if self.max_inputs == self.min_inputs else f"at least {self.min_inputs}"
            raise ValueError(f"{_describe(self)} takes {wanted} inputs; got {count}")
        batches = {s[0] for s in shapes} - {None}
        if len(batches) > 1:
            raise ValueError(f"{_describe(self)}: inputs have different batch sizes: shapes {[tuple(s) for s in shapes]}")

    def build(self, input_shape: Any) -> None:
        self._check_list(input_shape)
        self.compute_output_shape(input_shape)

    def compute_output_shape(self, input_shape: Any) -> Any:
        self._check_list(input_shape)
        rank = max(len(s) for s in input_shape)

        def aligned(shape: Sequence[int | None]) -> list[int | None]:
            return [1] * (rank - len(shape)) + list(shape[1:])  # new axes right after the batch axis

        result = aligned(input_shape[0])
        for shape in input_shape[1:]:
            result = [_broadcast_dim(self, a, b, input_shape) for a, b in zip(result, aligned(shape))]
        batches = {s[0] for s in input_shape} - {None}
        return (batches.pop() if batches else None, *result)

    def _aligned(self, inputs: Sequence[torch.Tensor]) -> list[torch.Tensor]:
        rank = max(t.dim() for t in inputs)
        out = []
        for t in inputs:
            for _ in range(rank - t.dim()):
                t = t.unsqueeze(1)
            out.append(t)
        return out

    def call(self, inputs: Sequence[torch.Tensor], mask: Any = None, training: bool = False) -> torch.Tensor:
        self._check_list([tuple(t.shape) for t in inputs])
        return self.merge(self._aligned(list(inputs)), input_masks(inputs, mask))

    def merge(self, inputs: list[torch.Tensor], masks: list[torch.Tensor | None]) -> torch.Tensor:
        raise NotImplementedError

    def compute_mask(self, inputs: Any, mask: Any = None) -> torch.Tensor | None:
        masks = input_masks(inputs, mask)
        if any(m is None for m in masks):
            return None
        union = masks[0].bool()
        for m in masks[1:]:
            union = union | m.bool()
        return union


def _broadcast_dim(layer: Layer, a: int | None, b: int | None, shapes: Any) -> int | None:
    if a is None or b is None:
        return None
    if a == 1 or b == 1 or a == b:
        return b if a == 1 else a
    raise ValueError(f"{_describe(layer)}: inputs have incompatible shapes {[tuple(s) for s in shapes]}")


def _fold(op: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], inputs: list[torch.Tensor]) -> torch.Tensor:
    out = inputs[0]
    for x in inputs[1:]:
        out = op(out, x)
    return out


class Add(_Merge):
    """Elementwise sum of the inputs."""

    def merge(self, inputs: list[torch.Tensor], masks: list[torch.Tensor | None]) -> torch.Tensor:
        return _fold(torch.add, inputs)


class Subtract(_Merge):
    """``inputs[0] - inputs[1]`` (exactly two inputs)."""

    min_inputs = max_inputs = 2

    def merge(self, inputs: list[torch.Tensor], masks: list[torch.Tensor | None]) -> torch.Tensor:
        return inputs[0] - inputs[1]


class Average(_Merge):
    """Elementwise mean of the inputs."""

    def merge(self, inputs: list[torch.Tensor], masks: list[torch.Tensor | None]) -> torch.Tensor:
        return _fold(torch.add, inputs) / len(inputs)


class Multiply(_Merge):
    """Elementwise product; a masked entry counts as 1, and where every input is masked the output is 0."""

    def merge(self, inputs: list[torch.Tensor], masks: list[torch.Tensor | None]) -> torch.Tensor:
        out, union = None, None
        every_masked = all(m is not None for m in masks)
        for x, m in zip(inputs, masks):
            if m is not None:
                keep = m.bool().unsqueeze(-1).expand_as(x)
                x = torch.where(keep, x, torch.ones_like(x))
                if every_masked:
                    union = keep if union is None else union | keep
            out = x if out is None else out * x
        if union is not None:
            out = torch.where(union, out, torch.zeros_like(out))
        return out


class _MaskedExtremum(_Merge):
    """Keras's ``Maximum``/``Minimum``: a masked entry takes the other operand's value, so the
    extremum is over the unmasked inputs (a Keras detail kept for equal numbers)."""

    op: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]

    def merge(self, inputs: list[torch.Tensor], masks: list[torch.Tensor | None]) -> torch.Tensor:
        out, out_mask = None, None
        for x, m in zip(inputs, masks):
            keep = None if m is None else m.bool().unsqueeze(-1).expand_as(x)
            if out is None:
                out, out_mask = x, keep
                continue
            if keep is not None:
                x = torch.where(keep, x, out)
            if out_mask is not None:
                out = torch.where(out_mask, out, x)
            out_mask = out_mask | keep if keep is not None and out_mask is not None else None
            out = type(self).op(out, x)
        return out


class Maximum(_MaskedExtremum):
    """Elementwise maximum of the inputs."""

    op = staticmethod(torch.maximum)


class Minimum(_MaskedExtremum):
    """Elementwise minimum of the inputs."""

    op = staticmethod(torch.minimum)


class Dot(_Merge):
    """Batchwise dot product of two tensors along ``axes`` (an int, or one axis per input).

    ``(B, T, F) . (B, S, F)`` with ``axes=2`` gives ``(B, T, S)``, the scores of dot-product
    attention; ``normalize=True`` L2-normalizes both along those axes first (cosine similarity).
    A result of rank 1 becomes ``(B, 1)``. The output carries no mask.
    """

    min_inputs = max_inputs = 2

    def __init__(self, axes: int | Sequence[int], normalize: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)) or len(axes) != 2 or not all(isinstance(a, int) for a in axes):
                raise ValueError(f"{_describe(self)}: axes must be an int or a pair of ints; got {axes!r}")
            axes = list(axes)
        self.axes = axes
        self.normalize = bool(normalize)

    def _resolved(self, ranks: Sequence[int]) -> list[int]:
        axes = [self.axes, self.axes] if isinstance(self.axes, int) else self.axes
        resolved = [a % r if a < 0 else a for a, r in zip(axes, ranks)]
        if any(a == 0 or a >= r for a, r in zip(resolved, ranks)):
            raise ValueError(f"{_describe(self)}: axes {self.axes} must name non-batch axes of inputs of ranks {list(ranks)}")
        return resolved

    def compute_output_shape(self, input_shape: Any) -> Any:
        self._check_list(input_shape)
        first, second = list(input_shape[0]), list(input_shape[1])
        a, b = self._resolved([len(first), len(second)])
        if first[a] is not None and second[b] is not None and first[a] != second[b]:
            raise ValueError(
                f"{_describe(self)}: axis {a} of the first input ({first[a]}) and axis {b} of the second "
                f"({second[b]}) must have the same size; got shapes {tuple(first)} and {tuple(second)}"
            )
        first.pop(a)
        second.pop(b)
        shape = first + second[1:]
        return tuple(shape + [1] if len(shape) == 1 else shape)

    def call(self, inputs: Sequence[torch.Tensor], mask: Any = None, training: bool = False) -> torch.Tensor:
        x, y = inputs
        self.compute_output_shape([tuple(x.shape), tuple(y.shape)])
        a, b = self._resolved([x.dim(), y.dim()])
        if self.normalize:
            x, y = _l2_normalize(x, a), _l2_normalize(y, b)
        xm = x.movedim(a, -1)  # (B, ..., K)
        ym = y.movedim(b, 1)  # (B, K, ...)
        rest_x, rest_y = xm.shape[1:-1], ym.shape[2:]
        out = torch.bmm(xm.reshape(x.shape[0], -1, xm.shape[-1]), ym.reshape(y.shape[0], ym.shape[1], -1))
        out = out.reshape(x.shape[0], *rest_x, *rest_y)
        return out.unsqueeze(-1) if out.dim() == 1 else out

    def compute_mask(self, inputs: Any, mask: Any = None) -> None:
        return None

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def _l2_normalize(x: torch.Tensor, axis: int, epsilon: float = 1e-7) -> torch.Tensor:
    """``x * min(rsqrt(sum(x**2)), 1/epsilon)`` along ``axis``: Keras's ``normalize``."""
    inv = torch.rsqrt(x.square().sum(dim=axis, keepdim=True)).clamp(max=1.0 / epsilon)
    return x * inv


# Keras's functional forms: ``layers.add([a, b])`` is ``layers.Add()([a, b])``.
def add(inputs: Sequence[Any], **kwargs: Any) -> Any:
    return Add(**kwargs)(inputs)


def subtract(inputs: Sequence[Any], **kwargs: Any) -> Any:
    return Subtract(**kwargs)(inputs)


def multiply(inputs: Sequence[Any], **kwargs: Any) -> Any:
    return Multiply(**kwargs)(inputs)


def average(inputs: Sequence[Any], **kwargs: Any) -> Any:
    return Average(**kwargs)(inputs)


def maximum(inputs: Sequence[Any], **kwargs: Any) -> Any:
    return Maximum(**kwargs)(inputs)


def minimum(inputs: Sequence[Any], **kwargs: Any) -> Any:
    return Minimum(**kwargs)(inputs)


def dot(inputs: Sequence[Any], axes: int | Sequence[int] = -1, **kwargs: Any) -> Any:
    return Dot(axes=axes, **kwargs)(inputs)
