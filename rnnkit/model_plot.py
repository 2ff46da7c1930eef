"""Keras's ``keras.utils.plot_model`` drawn with matplotlib instead of Graphviz.

One box per layer, top to bottom in the model's order (a functional model's ``Input`` layers
first), each with the layer's class (and name, output shape, activation, trainability when
asked), and an arrow from every layer to each layer it feeds; arrows that skip rows bend to the
side. Only the top-to-bottom layout (``rankdir="TB"``) is drawn and nested models are drawn as
one box. The file format follows ``to_file``'s extension (``.png``, ``.pdf``, ``.svg``).
"""

from __future__ import annotations

from typing import Any

from .atomic_files import write_figure_atomically
from .extras import pyplot
from .models.functional import Functional
from .models.sequential import Sequential
from .models.summary import format_shape


def _boxes(model: Any) -> tuple[list[Any], list[Any], list[tuple[int, int]]]:
    """The layers to draw, each one's output shape (or None), and the (from, to) edges between them."""
    if isinstance(model, Sequential):
        layers = list(model.layers)
        shapes = [model.output_shapes.get(layer.name) for layer in layers]
        if model.input_tensor is not None:
            layers.insert(0, model.input_tensor.node.layer)
            shapes.insert(0, model.input_tensor.shape)
        return layers, shapes, [(i, i + 1) for i in range(len(layers) - 1)]
    if not isinstance(model, Functional):
        raise ValueError(f"plot_model: model '{model.name}' is a subclassed model without a graph of layers to draw")
    layers: list[Any] = []
    shapes: list[Any] = []
    for node in model.nodes:
        if node.layer not in layers:
            layers.append(node.layer)
            outputs = [t.shape for t in node.outputs]
            shapes.append(outputs[0] if len(outputs) == 1 else outputs)
    position = {id(layer): i for i, layer in enumerate(layers)}
    edges = sorted({(position[id(t.node.layer)], position[id(n.layer)]) for n in model.nodes for t in n.inputs})
    return layers, shapes, edges


def _label(layer: Any, shape: Any, show_shapes: bool, show_layer_names: bool, show_activations: bool, show_trainable: bool) -> str:
    lines = [f"{layer.name} ({type(layer).__name__})" if show_layer_names else type(layer).__name__]
    if show_shapes:
        lines.append("output: " + ("?" if shape is None else format_shape(shape)))
    activation = getattr(layer, "activation", None)
    if show_activations and activation is not None:
        lines.append("activation: " + getattr(activation, "__name__", str(activation)))
    if show_trainable:
        lines.append(f"trainable: {layer.trainable}")
    return "\n".join(lines)


def plot_model(model: Any, to_file: str = "model.png", show_shapes: bool = False, show_dtype: bool = False,
               show_layer_names: bool = False, rankdir: str = "TB", expand_nested: bool = False, dpi: int = 200,
               show_layer_activations: bool = False, show_trainable: bool = False, **kwargs: Any) -> None:
    """Write a picture of ``model``'s layers to ``to_file`` (see the module docstring)."""
    if rankdir != "TB":
        raise ValueError(f"plot_model: rnnkit draws models top to bottom only (rankdir='TB'); got rankdir={rankdir!r}")
    if expand_nested or show_dtype:
        raise ValueError("plot_model: expand_nested and show_dtype are not drawn by rnnkit; leave them False")
    if kwargs:
        raise TypeError(f"plot_model: unexpected arguments {sorted(kwargs)}")
    plt = pyplot("plot_model")
    layers, shapes, edges = _boxes(model)
    labels = [_label(l, s, show_shapes, show_layer_names, show_layer_activations, show_trainable) for l, s in zip(layers, shapes)]
    row = 1.0 + 0.3 * max(label.count("\n") for label in labels)
    figure, axes = plt.subplots(figsize=(5.5, max(1.0, row * len(layers))))
    axes.set_xlim(0, 1)
    axes.set_ylim(-row * len(layers), 0)
    axes.axis("off")
    centre = [-(i + 0.5) * row for i in range(len(layers))]
    for label, y in zip(labels, centre):
        axes.text(0.5, y, label, ha="center", va="center", fontsize=9,
                  bbox={"boxstyle": "round,pad=0.5", "facecolor": "#eef3fb", "edgecolor": "#34495e"})
    for start, end in edges:
        bend = 0.0 if end == start + 1 else -0.4
        axes.annotate("", xy=(0.5, centre[end] + 0.3 * row), xytext=(0.5, centre[start] - 0.3 * row),
                      arrowprops={"arrowstyle": "->", "color": "#34495e", "connectionstyle": f"arc3,rad={bend}"})
    write_figure_atomically(figure, to_file, dpi=dpi, bbox_inches="tight")
    plt.close(figure)
