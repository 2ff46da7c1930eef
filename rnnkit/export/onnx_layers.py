"""The layers around recurrent ones as ONNX operators: Embedding, Masking, Dense, activations, pooling.

Each converter takes ``(graph, layer, x, mask)`` (``x`` the input's value name, ``mask`` the
incoming (B, T) bool mask or None) and returns ``(outputs, output mask)``, the mask following the
same rule as the layer's ``compute_mask``. Layers that only act in training (Dropout and the
noise layers) are the identity, as in inference. :data:`CONVERTERS` is the whole table: a layer
class not in it is refused.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import activations
from ..layers.activation_layers import ReLU
from ..layers.core import Activation, Dense, Dropout, Embedding, Flatten, Masking, Reshape
from ..layers.noise import GaussianDropout, GaussianNoise, SpatialDropout1D
from ..layers.pooling import GlobalAveragePooling1D, GlobalMaxPooling1D
from ..layers.wrappers import TimeDistributed
from .onnx_graph import GraphBuilder, onnx_module
from .refusal import ExportRefused

Converted = tuple[list[str], "str | None"]


def apply_activation(g: GraphBuilder, layer: Any, value: Any, x: str) -> str:
    """``activation(x)`` for a Keras activation name or function; a custom function is refused."""
    name = activations.name_of(value)
    hint = layer.name
    simple = {"tanh": "Tanh", "sigmoid": "Sigmoid", "relu": "Relu", "elu": "Elu", "selu": "Selu"}
    if name == "linear":
        return x
    if name in simple:
        return g.add(simple[name], [x], hint)
    if name == "softmax":
        return g.add("Softmax", [x], hint, axis=-1)
    if name == "hard_sigmoid":  # Keras 3: clip(x / 6 + 1/2, 0, 1)
        return g.add("HardSigmoid", [x], hint, alpha=1.0 / 6.0, beta=0.5)
    if name in ("swish", "silu"):
        return g.add("Mul", [x, g.add("Sigmoid", [x], hint)], hint)
    if name == "gelu":  # the exact form: x * (1 + erf(x / sqrt 2)) / 2
        erf = g.add("Erf", [g.add("Div", [x, g.scalar(float(np.sqrt(2.0)))], hint)], hint)
        one = g.scalar(1.0)
        half = g.scalar(0.5)
        return g.add("Mul", [g.add("Mul", [x, g.add("Add", [erf, one], hint)], hint), half], hint)
    shown = repr(name) if name else f"the custom function {getattr(value, '__name__', value)!r}"
    raise ExportRefused(layer, f"activation {shown} has no ONNX form here")


def _weight(g: GraphBuilder, layer: Any, name: str) -> str:
    return g.constant(getattr(layer, name).detach().cpu().numpy(), f"{layer.name}/{name}")


def dense(g: GraphBuilder, layer: Dense, x: str, mask: str | None) -> Converted:
    """``activation(x @ kernel + bias)`` on the last axis of any rank."""
    y = g.add("MatMul", [x, _weight(g, layer, "kernel")], layer.name)
    if layer.bias is not None:
        y = g.add("Add", [y, _weight(g, layer, "bias")], layer.name)
    return [apply_activation(g, layer, layer.activation, y)], mask


def embedding(g: GraphBuilder, layer: Embedding, x: str, mask: str | None) -> Converted:
    """Rows of the table for ids (B, T); ``mask_zero``: the mask is ``ids != 0``."""
    ids = g.add("Cast", [x], layer.name, to=onnx_module().TensorProto.INT64)
    y = g.add("Gather", [_weight(g, layer, "embeddings"), ids], layer.name, axis=0)
    if not layer.mask_zero:
        return [y], None
    zero = g.scalar(0)
    return [y], g.add("Not", [g.add("Equal", [ids, zero], layer.name)], layer.name)


def masking(g: GraphBuilder, layer: Masking, x: str, mask: str | None) -> Converted:
    """Mask = any feature differs from ``mask_value``; masked steps are zeroed."""
    value = g.constant(np.array(layer.mask_value, np.float32), f"{layer.name}/mask_value")
    differs = g.add("Cast", [g.add("Not", [g.add("Equal", [x, value], layer.name)], layer.name)], layer.name,
                    to=onnx_module().TensorProto.FLOAT)
    keep = g.add("ReduceMax", [differs], layer.name, axes=[-1], keepdims=1)  # (B, T, 1) 0/1
    new_mask = g.add("Cast", [g.add("Squeeze", [keep, g.ints([-1])], layer.name)], layer.name,
                     to=onnx_module().TensorProto.BOOL)
    return [g.add("Mul", [x, keep], layer.name)], new_mask


def identity(g: GraphBuilder, layer: Any, x: str, mask: str | None) -> Converted:
    """Dropout and noise layers: nothing happens in inference."""
    return [x], mask


def activation(g: GraphBuilder, layer: Activation, x: str, mask: str | None) -> Converted:
    return [apply_activation(g, layer, layer.activation, x)], mask


def relu(g: GraphBuilder, layer: ReLU, x: str, mask: str | None) -> Converted:
    if layer.max_value is not None or layer.negative_slope or layer.threshold:
        raise ExportRefused(layer, "only ReLU() with its defaults is exported (max_value, negative_slope and "
                                   "threshold are not)")
    return [g.add("Relu", [x], layer.name)], mask


def flatten(g: GraphBuilder, layer: Flatten, x: str, mask: str | None) -> Converted:
    return [g.add("Flatten", [x], layer.name, axis=1)], None


def reshape(g: GraphBuilder, layer: Reshape, x: str, mask: str | None) -> Converted:
    """All but the batch axis to ``target_shape`` (ONNX's 0 keeps the batch size)."""
    return [g.add("Reshape", [x, g.ints([0, *layer.target_shape])], layer.name)], None


def _check_pooling(layer: Any) -> None:
    if layer.data_format != "channels_last" or layer.keepdims:
        raise ExportRefused(layer, "only data_format='channels_last' with keepdims=False is exported")


def global_average(g: GraphBuilder, layer: GlobalAveragePooling1D, x: str, mask: str | None) -> Converted:
    """Mean over time; with a mask, the mean over the real steps only (as the layer computes it)."""
    _check_pooling(layer)
    if mask is None:
        return [g.add("ReduceMean", [x], layer.name, axes=[1], keepdims=0)], None
    total = g.add("ReduceSum", [g.where_zero(mask, x, layer.name), g.ints([1])], layer.name, keepdims=0)
    count = g.add("ReduceSum", [g.add("Cast", [mask], layer.name, to=onnx_module().TensorProto.FLOAT), g.ints([1])],
                  layer.name, keepdims=1)
    return [g.add("Div", [total, count], layer.name)], None


def global_max(g: GraphBuilder, layer: GlobalMaxPooling1D, x: str, mask: str | None) -> Converted:
    """Max over time; as in Keras 3 the mask is not applied."""
    _check_pooling(layer)
    return [g.add("ReduceMax", [x], layer.name, axes=[1], keepdims=0)], None


def time_distributed(g: GraphBuilder, layer: TimeDistributed, x: str, mask: str | None) -> Converted:
    """Dense, Activation and Dropout act on the last axis, so wrapping them changes nothing in the graph."""
    inner = layer.layer
    if type(inner) not in (Dense, Activation, Dropout):
        raise ExportRefused(layer, f"TimeDistributed({type(inner).__name__}) is not exported; it exports "
                                   "TimeDistributed(Dense), (Activation) and (Dropout)")
    outputs, _ = CONVERTERS[type(inner)](g, inner, x, None)
    return outputs, mask


#: Layer class -> converter. Recurrent layers and Bidirectional are in rnnkit.export.onnx_recurrent.
CONVERTERS: dict[type, Callable[..., Converted]] = {
    Dense: dense,
    Embedding: embedding,
    Masking: masking,
    Dropout: identity,
    SpatialDropout1D: identity,
    GaussianNoise: identity,
    GaussianDropout: identity,
    Activation: activation,
    ReLU: relu,
    Flatten: flatten,
    Reshape: reshape,
    GlobalAveragePooling1D: global_average,
    GlobalMaxPooling1D: global_max,
    TimeDistributed: time_distributed,
}
