"""``model.summary()``: the table Keras 3 prints, in the same layout and numbers.

Each kind of model gives its rows: a functional graph one row per layer with the shape of its
call (and a 'Connected to' column unless the graph is a chain), a Sequential stack one row per
layer without the input, a subclassed model one row per tracked layer with '?' for the shape
(it has no symbolic graph; Keras prints '?' too).
"""

from __future__ import annotations

import textwrap
from typing import Any, Iterable

from torch import nn

from ..layers.operations import Operation

_WIDTHS = (33, 24, 15)  # column widths of Keras 3's table, padding included
_CONNECTED_WIDTHS = (21, 19, 12, 19)  # with the "Connected to" column


def readable_size(size: float) -> str:
    """Bytes with 1024-based units and two decimals, as Keras writes them ('7.88 KB')."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def format_shape(shape: Any) -> str:
    if isinstance(shape, list):
        return "[" + ", ".join(format_shape(s) for s in shape) + "]"
    return repr(tuple(shape))


def _rule(left: str, fill: str, joint: str, right: str, widths: tuple[int, ...]) -> str:
    return left + joint.join(fill * w for w in widths) + right


def _fit(text: str, width: int, truncate: bool) -> list[str]:
    """Word-wrap a cell, or (``truncate``) keep its lines; a line too long is cut with an ellipsis.

    As Keras's table (rich, ``overflow="ellipsis"``): a word longer than the column gets a line of
    its own, cut, so ``global_average_pooling1d`` shows as ``global_average_poo…``.
    """
    lines = text.split("\n") if truncate else textwrap.wrap(text, width, break_long_words=False) or [""]
    return [line if len(line) <= width else line[: width - 1] + "…" for line in lines]


def _row(cells: list[str], widths: tuple[int, ...], align_right: tuple[bool, ...], edge: str) -> list[str]:
    wrapped = [_fit(text, w - 2, i == 3) for i, (text, w) in enumerate(zip(cells, widths))]
    lines = []
    for i in range(max(len(w) for w in wrapped)):
        parts = []
        for lines_of_cell, w, right in zip(wrapped, widths, align_right):
            text = lines_of_cell[i] if i < len(lines_of_cell) else ""
            parts.append(" " + (text.rjust(w - 2) if right else text.ljust(w - 2)) + " ")
        lines.append(edge + edge.join(parts) + edge)
    return lines


def _title(layer: Any) -> str:
    kind = layer.operation if isinstance(layer, Operation) else type(layer).__name__  # Keras: not_equal (NotEqual)
    return f"{layer.name} ({kind})"


def _params(layer: Any) -> str:
    if not layer.built:
        return "0 (unbuilt)"
    return f"{layer.count_params():,}"


def stack_rows(layers: list, shapes: dict[str, Any]) -> list[list[str]]:
    """Rows of a Sequential model: no InputLayer row, the shapes its symbolic pass recorded."""
    return [[_title(layer), format_shape(shapes[layer.name]) if layer.name in shapes else "?", _params(layer)] for layer in layers]


def tracked_rows(layers: list) -> list[list[str]]:
    """Rows of a subclassed model: no symbolic graph, so no output shapes."""
    return [[_title(layer), "?", _params(layer)] for layer in layers]


def graph_rows(layers: list, nodes: list) -> tuple[list[list[str]], bool]:
    """Rows of a functional model, and whether a 'Connected to' column is needed."""
    inputs = [n for n in nodes if not n.inputs]
    connected = len(inputs) > 1 or any(len(n.inputs) > 1 for n in nodes)  # Keras: unless a single chain
    rows = []
    for layer in layers:
        node = next(n for n in nodes if n.layer is layer)
        shapes = [t.shape for t in node.outputs]
        row = [_title(layer), format_shape(shapes[0] if len(shapes) == 1 else shapes), _params(layer)]
        if connected:
            sources = [f"{t.node.layer.name}[{t.node.layer.inbound_nodes.index(t.node)}][{t.index}]" for t in node.inputs]
            row.append(",\n".join(sources) if sources else "-")
        rows.append(row)
    return rows, connected


def format_summary(name: str, rows: list[list[str]], connected: bool, parameters: Iterable[nn.Parameter]) -> str:
    widths = _CONNECTED_WIDTHS if connected else _WIDTHS
    header = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if connected else [])
    right = (False, False, True, False)[: len(widths)]
    lines = [f'Model: "{name}"', _rule("┏", "━", "┳", "┓", widths)]
    lines += _row(header, widths, right, "┃")
    lines.append(_rule("┡", "━", "╇", "┩", widths))
    for i, row in enumerate(rows):
        if i:
            lines.append(_rule("├", "─", "┼", "┤", widths))
        lines += _row(row, widths, right, "│")
    lines.append(_rule("└", "─", "┴", "┘", widths))
    params = list(parameters)
    trainable = sum(p.numel() * p.element_size() for p in params if p.requires_grad)
    frozen = sum(p.numel() * p.element_size() for p in params if not p.requires_grad)
    n_trainable = sum(p.numel() for p in params if p.requires_grad)
    n_frozen = sum(p.numel() for p in params if not p.requires_grad)
    lines.append(f" Total params: {n_trainable + n_frozen:,} ({readable_size(trainable + frozen)})")
    lines.append(f" Trainable params: {n_trainable:,} ({readable_size(trainable)})")
    lines.append(f" Non-trainable params: {n_frozen:,} ({readable_size(frozen)})")
    return "\n".join(lines) + "\n"
