"""The error an export raises for a model it cannot write exactly: never a file that computes something else."""

from __future__ import annotations

from typing import Any


class ExportRefused(ValueError):
    """``layer`` (a layer, or a name) cannot be exported exactly, for ``reason``.

    The message names the layer and its class: ``Layer 'lstm' (LSTM): activation 'gelu' has no
    ONNX recurrent form``.
    """

    def __init__(self, layer: Any, reason: str):
        if isinstance(layer, str):
            where = layer
        else:
            where = f"Layer '{layer.name}' ({type(layer).__name__})"
        self.reason = reason
        super().__init__(f"{where}: {reason}")


class ExportMismatch(ValueError):
    """The exported graph, run in onnxruntime, disagrees with rnnkit beyond the tolerance; nothing was written."""
