"""Attention layers over sequences: ``Attention`` (Luong), ``AdditiveAttention`` (Bahdanau) and
``MultiHeadAttention``, with Keras 3's weights, masks and call arguments.

Shapes: query ``(B, Tq, D)``, value ``(B, Tv, Dv)``, key ``(B, Tv, D)`` (the value when not
given). Scores ``(B, Tq, Tv)`` (``(B, H, Tq, Tv)`` for H heads) go through a softmax over the
value steps; a value mask (a padded sequence's) takes those steps out, ``use_causal_mask=True``
lets query step i see value steps 0..i only. ``Attention``/``AdditiveAttention`` zero the output
at masked query steps and pass the query's mask on; ``MultiHeadAttention`` passes it on too.

``return_attention_scores=True`` (a call argument) also returns the softmax weights.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import torch
import torch.nn.functional as F

from .. import initializers
from .base import Layer
from .core import set_weight_rules, weight_rules_config
from .merging import input_masks

_LARGE = 1e9  # what Keras subtracts from masked scores (float32)


def _describe(layer: Layer) -> str:
    return f"Layer '{layer.name}' ({type(layer).__name__})"


def causal_mask(query_steps: int, value_steps: int, device: torch.device) -> torch.Tensor:
    """``(Tq, Tv)``: True where value step j <= query step i."""
    return torch.ones(query_steps, value_steps, dtype=torch.bool, device=device).tril()


def _dropout(weights: torch.Tensor, rate: float, training: bool) -> torch.Tensor:
    return F.dropout(weights, rate, training=True) if training and rate > 0 else weights


class _BaseDenseAttention(Layer):
    """Shared by ``Attention`` and ``AdditiveAttention``: inputs ``[query, value]`` or ``[query, value, key]``."""

    def __init__(self, use_scale: bool, dropout: float = 0.0, seed: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if not 0.0 <= float(dropout) < 1.0:
            raise ValueError(f"{_describe(self)}: dropout must be in [0, 1); got {dropout!r}")
        self.use_scale = bool(use_scale)
        self.dropout = float(dropout)
        self.seed = seed
        self._returns_scores = False

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self._returns_scores = bool(kwargs.get("return_attention_scores", False))  # for compute_output_shape
        return super().__call__(*args, **kwargs)

    def _check(self, shapes: Any) -> None:
        if not isinstance(shapes, (list, tuple)) or not 2 <= len(shapes) <= 3 or not isinstance(shapes[0], (list, tuple)):
            raise ValueError(f"{_describe(self)} must be called on a list [query, value] or [query, value, key]; got {shapes!r}")
        query, value = shapes[0], shapes[1]
        key = shapes[2] if len(shapes) == 3 else value
        if query[-1] is not None and key[-1] is not None and query[-1] != key[-1]:
            raise ValueError(f"{_describe(self)}: query and key need the same last axis; got shapes {tuple(query)} and {tuple(key)}")

    def scores(self, query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def call(
        self,
        inputs: Sequence[torch.Tensor],
        mask: Any = None,
        training: bool = False,
        return_attention_scores: bool = False,
        use_causal_mask: bool = False,
    ) -> Any:
        self._check([tuple(t.shape) for t in inputs])
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) == 3 else value
        masks = input_masks(inputs, mask)
        query_mask, value_mask = masks[0], masks[1]
        scores = self.scores(query, key)  # (B, Tq, Tv)
        keep = None if value_mask is None else value_mask.bool().unsqueeze(-2)  # (B, 1, Tv)
        if use_causal_mask:
            causal = causal_mask(scores.shape[-2], scores.shape[-1], scores.device)
            keep = causal if keep is None else keep & causal
        if keep is not None:
            scores = torch.where(keep, scores, scores - _LARGE)
        weights = torch.softmax(scores, dim=-1)
        output = torch.matmul(_dropout(weights, self.dropout, training), value)  # (B, Tq, Dv)
        if query_mask is not None:
            output = torch.where(query_mask.bool().unsqueeze(-1), output, torch.zeros_like(output))
        return (output, weights) if return_attention_scores else output

    def compute_mask(self, inputs: Any, mask: Any = None) -> torch.Tensor | None:
        return input_masks(inputs, mask)[0]

    def compute_output_shape(self, input_shape: Any) -> Any:
        self._check(input_shape)
        query, value = input_shape[0], input_shape[1]
        output = (*query[:-1], value[-1])
        if self._returns_scores:
            key = input_shape[2] if len(input_shape) == 3 else value
            return [output, (*query[:-1], key[-2])]
        return output

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "use_scale": self.use_scale, "dropout": self.dropout, "seed": self.seed}


class Attention(_BaseDenseAttention):
    """Dot-product (Luong) attention: scores ``q . k`` (times a learned ``scale`` with ``use_scale``);
    ``score_mode="concat"``: ``concat_score_weight * sum(tanh(scale * (q + k)))``.

    Weights (when present, in this order): ``scale`` ``()``, ``concat_score_weight`` ``()``.
    """

    def __init__(self, use_scale: bool = False, score_mode: str = "dot", dropout: float = 0.0, seed: int | None = None, **kwargs: Any):
        super().__init__(use_scale=use_scale, dropout=dropout, seed=seed, **kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"{_describe(self)}: score_mode must be 'dot' or 'concat'; got {score_mode!r}")
        self.score_mode = score_mode

    def build(self, input_shape: Any) -> None:
        self._check(input_shape)
        self.scale = self.new_parameter((), initializers.get("ones")) if self.use_scale else None
        self.concat_score_weight = self.new_parameter((), initializers.get("ones")) if self.score_mode == "concat" else None

    def scores(self, query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
        if self.score_mode == "dot":
            scores = torch.matmul(query, key.transpose(-2, -1))
            return scores * self.scale if self.scale is not None else scores
        summed = query.unsqueeze(-2) + key.unsqueeze(-3)  # (B, Tq, Tv, D)
        if self.scale is not None:
            summed = self.scale * summed
        return self.concat_score_weight * torch.tanh(summed).sum(dim=-1)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "score_mode": self.score_mode}


class AdditiveAttention(_BaseDenseAttention):
    """Additive (Bahdanau) attention: scores ``sum(scale * tanh(q + k))``, ``scale`` a learned ``(D,)``
    (glorot-uniform initialized) when ``use_scale``, else 1."""

    def __init__(self, use_scale: bool = True, dropout: float = 0.0, seed: int | None = None, **kwargs: Any):
        super().__init__(use_scale=use_scale, dropout=dropout, seed=seed, **kwargs)

    def build(self, input_shape: Any) -> None:
        self._check(input_shape)
        dim = input_shape[0][-1]
        if self.use_scale and dim is None:
            raise ValueError(f"{_describe(self)}: the query's last axis must be known; got shape {tuple(input_shape[0])}")
        self.scale = self.new_parameter((dim,), initializers.get("glorot_uniform")) if self.use_scale else None

    def scores(self, query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
        summed = torch.tanh(query.unsqueeze(-2) + key.unsqueeze(-3))  # (B, Tq, Tv, D)
        return (summed * self.scale).sum(dim=-1) if self.scale is not None else summed.sum(dim=-1)


class MultiHeadAttention(Layer):
    """Keras's ``MultiHeadAttention`` on sequences ``(B, T, D)``, called as ``mha(query, value, key=None)``.

    Per head h: ``softmax(q_h k_h^T / sqrt(key_dim)) v_h``, then one output projection. Weights
    in Keras's einsum layouts and ``get_weights()`` order: query, key, value kernels
    ``(D, heads, key_dim)`` (value: ``(Dv, heads, value_dim)``) each followed by its bias
    ``(heads, dim)``, then the output kernel ``(heads, value_dim, D_out)`` and bias ``(D_out,)``;
    ``D_out`` is ``output_shape`` or the query's D. Keras files keep them in the sub-groups
    ``query_dense``, ``key_dense``, ``value_dense``, ``output_dense``.

    Masks: the query's, value's and key's masks and ``attention_mask`` ``(B, Tq, Tv)`` combine
    (with ``use_causal_mask``) into one mask; the output carries the query's mask. As in Keras 3,
    the call removes the masks from its input tensors, so a later layer on the same tensors
    sees none. A query step whose every score is masked gets the
    mean of the values when Keras would use its fused kernel (no dropout, no scores returned),
    and zero weights otherwise, as Keras 3 does on TensorFlow.
    """

    supports_masking = True

    def __init__(
        self,
        num_heads: int,
        key_dim: int,
        value_dim: int | None = None,
        dropout: float = 0.0,
        use_bias: bool = True,
        output_shape: Any = None,
        attention_axes: Any = None,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        seed: int | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        for argument, value in (("num_heads", num_heads), ("key_dim", key_dim), ("value_dim", value_dim or key_dim)):
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"{_describe(self)}: {argument} must be a positive integer; got {value!r}")
        if attention_axes not in (None, 1, (1,), [1], -2, (-2,), [-2]):
            raise ValueError(f"{_describe(self)}: only attention over the time axis of (batch, steps, features) inputs is supported; got attention_axes={attention_axes!r}")
        if not 0.0 <= float(dropout) < 1.0:
            raise ValueError(f"{_describe(self)}: dropout must be in [0, 1); got {dropout!r}")
        if isinstance(output_shape, (list, tuple)):
            if len(output_shape) != 1:
                raise ValueError(f"{_describe(self)}: output_shape must be one size for (batch, steps, size) outputs; got {output_shape!r}")
            output_shape = output_shape[0]
        self.num_heads = num_heads
        self.key_dim = key_dim
        self.value_dim = value_dim or key_dim
        self.dropout = float(dropout)
        self.use_bias = bool(use_bias)
        self.output_size = output_shape
        self.seed = seed
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        set_weight_rules(self, kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)
        self._returns_scores = False

    # ----- building from all three inputs ----------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        query, value, key = _query_value_key(self, args, kwargs)
        self._returns_scores = bool(kwargs.get("return_attention_scores", False))
        self._value_steps = value.shape[1]
        if not self.built:
            self.build_from_shapes(tuple(query.shape), tuple(value.shape), None if key is None else tuple(key.shape))
            self.built = True
            if not self._trainable:
                self.trainable = False
        return super().__call__(*args, **kwargs)

    def build_from_shapes(self, query_shape: tuple, value_shape: tuple, key_shape: tuple | None = None) -> None:
        key_shape = value_shape if key_shape is None else key_shape
        for what, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) != 3 or shape[-1] is None:
                raise ValueError(f"{_describe(self)}: {what} must be (batch, steps, features) with known features; got {shape}")
        if value_shape[1] is not None and key_shape[1] is not None and value_shape[1] != key_shape[1]:
            raise ValueError(f"{_describe(self)}: value and key must have the same steps; got {value_shape} and {key_shape}")
        heads, out = self.num_heads, self.output_size or query_shape[-1]

        def kernel(name: str, shape: tuple) -> torch.nn.Parameter:
            return self.add_weight(shape, self.kernel_initializer, regularizer=self.kernel_regularizer,
                                   constraint=self.kernel_constraint, name=name)

        def bias(name: str, shape: tuple) -> torch.nn.Parameter | None:
            if not self.use_bias:
                return None
            return self.add_weight(shape, self.bias_initializer, regularizer=self.bias_regularizer,
                                   constraint=self.bias_constraint, name=name)

        self.query_kernel = kernel("query_kernel", (query_shape[-1], heads, self.key_dim))
        self.query_bias = bias("query_bias", (heads, self.key_dim))
        self.key_kernel = kernel("key_kernel", (key_shape[-1], heads, self.key_dim))
        self.key_bias = bias("key_bias", (heads, self.key_dim))
        self.value_kernel = kernel("value_kernel", (value_shape[-1], heads, self.value_dim))
        self.value_bias = bias("value_bias", (heads, self.value_dim))
        self.output_kernel = kernel("output_kernel", (heads, self.value_dim, out))
        self.output_bias = bias("output_bias", (out,))

    def build(self, input_shape: Any) -> None:
        raise ValueError(f"{_describe(self)} builds from its query, value and key: call it as mha(query, value) or use build_from_shapes()")

    def parameter_groups(self) -> list[tuple[str, str, list[torch.nn.Parameter]]]:
        """``(Keras sub-group, its name, weights)`` for the query, key, value and output projections."""
        pairs = [
            ("query_dense", "query", self.query_kernel, self.query_bias),
            ("key_dense", "key", self.key_kernel, self.key_bias),
            ("value_dense", "value", self.value_kernel, self.value_bias),
            ("output_dense", "attention_output", self.output_kernel, self.output_bias),
        ]
        return [(where, name, [p for p in (k, b) if p is not None]) for where, name, k, b in pairs]

    # ----- running -------------------------------------------------------------------------
    def call(
        self,
        query: torch.Tensor,
        value: torch.Tensor,
        key: torch.Tensor | None = None,
        query_mask: Any = None,
        value_mask: Any = None,
        key_mask: Any = None,
        attention_mask: torch.Tensor | None = None,
        return_attention_scores: bool = False,
        use_causal_mask: bool = False,
        mask: Any = None,
        training: bool = False,
    ) -> Any:
        # Masks the tensors carry count unless given (Keras fills query_mask, value_mask, key_mask so).
        query_mask = getattr(query, "_keras_mask", None) if query_mask is None else query_mask
        value_mask = getattr(value, "_keras_mask", None) if value_mask is None else value_mask
        if key is None:
            key = value
        elif key_mask is None:
            key_mask = getattr(key, "_keras_mask", None)
        for tensor in (query, value, key):  # Keras 3 takes the masks off its inputs, for later layers too
            tensor.__dict__.pop("_keras_mask", None)
        keep = _combined_mask(query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask)
        q = _project(query, self.query_kernel, self.query_bias) * (1.0 / math.sqrt(self.key_dim))  # (B, Tq, H, K)
        k = _project(key, self.key_kernel, self.key_bias)  # (B, Tv, H, K)
        v = _project(value, self.value_kernel, self.value_bias)  # (B, Tv, H, V)
        scores = torch.einsum("bshk,bthk->bhts", k, q)  # (B, H, Tq, Tv)
        if keep is not None:
            keep = keep.unsqueeze(1) if keep.dim() == 3 else keep  # (B, 1, Tq, Tv)
            scores = torch.where(keep, scores, torch.full_like(scores, -_LARGE))
        weights = torch.softmax(scores, dim=-1)
        fused = self.dropout == 0.0 and not return_attention_scores
        if keep is not None and not fused:  # Keras's Softmax layer: masked weights are exactly 0,
            weights = torch.where(keep, weights, torch.zeros_like(weights))
            weights._keras_mask = keep  # and the weights carry the mask it was given
        attended = torch.einsum("bhts,bshv->bthv", _dropout(weights, self.dropout, training), v)  # (B, Tq, H, V)
        output = torch.einsum("bthv,hvo->bto", attended, self.output_kernel)
        if self.output_bias is not None:
            output = output + self.output_bias
        return (output, weights) if return_attention_scores else output

    def compute_output_shape(self, query_shape: Any, value_shape: Any = None, key_shape: Any = None) -> Any:
        output = (*query_shape[:-1], self.output_size or query_shape[-1])
        if self._returns_scores:
            steps = value_shape[1] if value_shape is not None else self._value_steps
            return [output, (query_shape[0], self.num_heads, query_shape[1], steps)]
        return output

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "num_heads": self.num_heads,
            "key_dim": self.key_dim,
            "value_dim": self.value_dim,
            "dropout": self.dropout,
            "use_bias": self.use_bias,
            "output_shape": None if self.output_size is None else [self.output_size],
            "attention_axes": [1],
            "seed": self.seed,
            **weight_rules_config(self, ("kernel", "bias")),
        }


def _query_value_key(layer: Layer, args: tuple, kwargs: dict) -> tuple[Any, Any, Any]:
    names = ("query", "value", "key")
    given = dict(zip(names, args))
    for name in names:
        if name in kwargs:
            given[name] = kwargs[name]
    if "query" not in given or "value" not in given:
        raise ValueError(f"{_describe(layer)} must be called as mha(query, value) or mha(query, value, key)")
    for name, tensor in given.items():
        if tensor is not None and not hasattr(tensor, "shape"):
            raise ValueError(f"{_describe(layer)}: {name} must be a tensor; got {type(tensor).__name__}")
    return given["query"], given["value"], given.get("key")


def _project(x: torch.Tensor, kernel: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
    """``(B, T, D) x (D, H, K) -> (B, T, H, K)``, Keras's ``abc,cde->abde``."""
    y = torch.einsum("btd,dhk->bthk", x, kernel)
    return y + bias if bias is not None else y


def _combined_mask(
    query: torch.Tensor,
    value: torch.Tensor,
    query_mask: Any,
    value_mask: Any,
    key_mask: Any,
    attention_mask: Any,
    use_causal_mask: bool,
) -> torch.Tensor | None:
    """``(B, Tq, Tv)`` (or broadcastable) True where a query step may attend to a value step."""
    parts = []
    if query_mask is not None:
        parts.append(query_mask.bool().unsqueeze(-1))  # (B, Tq, 1)
    for m in (value_mask, key_mask):
        if m is not None:
            parts.append(m.bool().unsqueeze(-2))  # (B, 1, Tv)
    if use_causal_mask:
        parts.append(causal_mask(query.shape[1], value.shape[1], query.device).unsqueeze(0))
    if attention_mask is not None:
        parts.append(torch.as_tensor(attention_mask, device=query.device).bool())
    if not parts:
        return None
    keep = parts[0]
    for part in parts[1:]:
        keep = keep & part
    return keep
