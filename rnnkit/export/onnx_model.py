"""A Sequential or functional model as an ONNX graph: its layer calls, in order, as converters write them.

The graph's inputs are the model's ``Input`` tensors (batch axis ``batch``; an unknown time axis
``time``, so both stay dynamic), its outputs are named as ``model.output_names()``. Masks travel
beside the values exactly as Keras passes them from layer to layer. A subclassed model (its
``call`` is Python code, not a graph) and any layer without a converter are refused.
"""

from __future__ import annotations

from typing import Any

import torch

from ..layers.base import InputLayer, KerasTensor, Layer, flatten, map_structure
from ..layers.recurrent import RNN
from ..layers.wrappers import Bidirectional
from ..models.functional import Functional, graph_order
from ..models.model import Model
from ..models.sequential import Sequential
from .onnx_graph import GraphBuilder
from .onnx_layers import CONVERTERS
from .onnx_recurrent import convert_bidirectional, convert_rnn
from .refusal import ExportRefused


def numpy_dtype(dtype: torch.dtype) -> Any:
    """The NumPy dtype of a torch dtype (what the graph declares for a model input or output)."""
    return torch.empty((), dtype=dtype).numpy().dtype


def _symbolic_shape(shape: tuple) -> list[int | str]:
    """A Keras shape with names for its unknown axes: ``batch``, ``time`` (axis 1), ``dim2``, ..."""
    names = ["batch", "time"]
    return [names[i] if d is None and i < 2 else (f"dim{i}" if d is None else d) for i, d in enumerate(shape)]


def _split_recurrent_inputs(layer: Layer, args: tuple, kwargs: dict) -> tuple[str, list[str]]:
    """``(x, initial states)`` from ``layer(x, initial_state=[...])`` or Keras's ``layer([x, *states])``."""
    first = args[0]
    initial = kwargs.get("initial_state")
    if isinstance(first, (list, tuple)):
        first, initial = first[0], list(first[1:]) or initial
    return first, [] if initial is None else flatten(list(initial) if isinstance(initial, (list, tuple)) else [initial])


def _convert_call(g: GraphBuilder, layer: Layer, args: tuple, kwargs: dict, mask: str | None) -> tuple[list[str], str | None]:
    unknown = sorted(set(kwargs) - {"initial_state", "mask", "training"})
    if unknown:
        raise ExportRefused(layer, f"is called with {unknown}, which ONNX export does not follow")
    if isinstance(layer, (RNN, Bidirectional)):
        x, initial = _split_recurrent_inputs(layer, args, kwargs)
        convert = convert_bidirectional if isinstance(layer, Bidirectional) else convert_rnn
        if kwargs.get("mask") is not None or not initial:
            return convert(g, layer, x, kwargs.get("mask", mask), initial)
        # Keras 3 (rnnkit.layers.base): a call with initial states takes no implicit mask, and its
        # output still carries the input's mask
        outputs, _ = convert(g, layer, x, None, initial)
        return outputs, mask if layer.return_sequences else None
    mask = kwargs.get("mask", mask)
    converter = CONVERTERS.get(type(layer))
    if converter is None:
        known = sorted(c.__name__ for c in CONVERTERS) + ["SimpleRNN", "LSTM", "GRU", "Bidirectional"]
        raise ExportRefused(layer, f"ONNX export has no converter for {type(layer).__name__}; it converts {', '.join(sorted(known))}")
    if len(args) != 1 or not isinstance(args[0], str):
        raise ExportRefused(layer, "has several inputs; ONNX export converts single-input layers")
    return converter(g, layer, args[0], mask)


def model_graph(model: Model) -> GraphBuilder:
    """The ONNX graph of ``model`` (built, Sequential or functional), ready for ``.model()``."""
    if not isinstance(model, (Sequential, Functional)):
        raise ExportRefused(f"Model '{model.name}' ({type(model).__name__})",
                            "a subclassed model's call() is Python code, not a graph of layers; build it as "
                            "keras.Model(inputs, outputs) or Sequential to export it")
    model._check_built("cannot be exported before it is built")
    for name, weight in model.named_parameters():
        if weight.dtype != torch.float32:
            raise ExportRefused(f"Model '{model.name}'", f"weight '{name}' is {weight.dtype}; ONNX export writes float32 models")
    g = GraphBuilder(model.name)
    values: dict[int, str] = {}
    masks: dict[int, str | None] = {}
    for tensor in model.inputs:
        name = tensor.node.layer.name
        values[id(tensor)] = g.add_input(name, numpy_dtype(tensor.dtype), _symbolic_shape(tensor.shape))
        masks[id(tensor)] = None
    nodes, _ = graph_order(model.outputs)
    for node in nodes:
        if isinstance(node.layer, InputLayer):
            continue

        def lookup(value: Any) -> Any:
            return values[id(value)] if isinstance(value, KerasTensor) else value

        args = map_structure(lookup, node.args)
        kwargs = map_structure(lookup, node.kwargs)
        first = flatten(node.args)[0]
        incoming = masks.get(id(first)) if isinstance(first, KerasTensor) else None
        outputs, mask = _convert_call(g, node.layer, args, kwargs, incoming)
        if len(outputs) != len(node.outputs):
            raise ExportRefused(node.layer, f"gave {len(outputs)} outputs in ONNX, {len(node.outputs)} in the model")
        for i, (tensor, value) in enumerate(zip(node.outputs, outputs)):
            values[id(tensor)] = value
            masks[id(tensor)] = mask if i == 0 else None
    for tensor, name in zip(model.outputs, model.output_names()):
        g.add_output(values[id(tensor)], name, numpy_dtype(tensor.dtype), _symbolic_shape(tensor.shape))
    return g
