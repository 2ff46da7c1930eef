"""Shipping a trained model: ONNX files checked against rnnkit, ``torch.export`` programs, Hub-style model folders.

``to_onnx(model, "model.onnx")`` writes the model with ONNX's own recurrent operators and checks
it in onnxruntime first (:mod:`rnnkit.export.onnx_export`); ``export_program(model, x)`` is
``torch.export`` with dynamic batch and time axes (:mod:`rnnkit.export.torch_program`);
``save_pretrained``/``from_pretrained`` write and read a folder of ``config.json``,
``model.safetensors`` and a ``README.md`` model card (:mod:`rnnkit.export.pretrained`). Nothing
here uploads or downloads.
"""

from .onnx_export import onnx_bytes, to_onnx
from .parity import ParityReport, sample_inputs
from .pretrained import from_pretrained, save_pretrained
from .refusal import ExportMismatch, ExportRefused
from .torch_program import export_program

__all__ = ["ExportMismatch", "ExportRefused", "ParityReport", "export_program", "from_pretrained", "onnx_bytes",
           "sample_inputs", "save_pretrained", "to_onnx"]
