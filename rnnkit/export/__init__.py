"""Shipping a trained model: ONNX files checked against rnnkit, and Hub-style model folders.

``to_onnx(model, "model.onnx")`` writes the model with ONNX's own recurrent operators and checks
it in onnxruntime first (:mod:`rnnkit.export.onnx_export`); ``save_pretrained``/``from_pretrained``
write and read a folder of ``config.json``, ``model.safetensors`` and a ``README.md`` model card
(:mod:`rnnkit.export.pretrained`). Nothing here uploads or downloads.
"""

from .onnx_export import onnx_bytes, to_onnx
from .parity import ParityReport, sample_inputs
from .refusal import ExportMismatch, ExportRefused

__all__ = ["ExportMismatch", "ExportRefused", "ParityReport", "onnx_bytes", "sample_inputs", "to_onnx"]
