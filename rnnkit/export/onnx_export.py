"""``to_onnx``: write a model as an ONNX file, after checking it in onnxruntime against rnnkit.

The graph is built directly from the model's layers and Keras-layout weights
(:mod:`rnnkit.export.onnx_model`), with ONNX's own ``LSTM``/``GRU``/``RNN`` nodes. Before anything
is written, the graph runs in onnxruntime on a sample batch (:func:`rnnkit.export.parity.sample_inputs`,
or ``sample=``) and its outputs are compared with the model's: above ``tolerance`` an
:class:`~rnnkit.export.refusal.ExportMismatch` is raised and no file is written.
"""

from __future__ import annotations

import os
from typing import Any, Sequence

import numpy as np

from ..atomic_files import write_atomically
from ..models.model import Model
from .onnx_model import model_graph
from .parity import ParityReport, compare, sample_inputs
from .refusal import ExportMismatch

TOLERANCE = 1e-5  # float32: what two correct orders of the same sums differ by over a few dozen steps


def onnx_bytes(model: Model) -> bytes:
    """The serialized, checked ONNX model of ``model`` (no parity check)."""
    return model_graph(model).model().SerializeToString()


def to_onnx(
    model: Model,
    path: str | os.PathLike,
    sample: Sequence[Any] | Any | None = None,
    check: bool = True,
    tolerance: float = TOLERANCE,
) -> ParityReport | None:
    """Write ``model`` to ``path`` as ONNX; returns the parity report (None with ``check=False``).

    ``sample``: the input(s) to compare on (default: :func:`~rnnkit.export.parity.sample_inputs`).
    Raises :class:`~rnnkit.export.refusal.ExportRefused` for a layer or option that ONNX cannot
    compute exactly, and :class:`~rnnkit.export.refusal.ExportMismatch` when the check fails.
    """
    content = onnx_bytes(model)
    report = None
    if check:
        if sample is None:
            inputs = sample_inputs(model)
        else:
            inputs = [np.asarray(a) for a in (sample if isinstance(sample, (list, tuple)) else [sample])]
        report = compare(model, content, inputs)
        if not report.max_abs_error <= tolerance:
            raise ExportMismatch(f"{os.fspath(path)}: not written: {report.as_text()}, above the tolerance {tolerance:g}")
    write_atomically(path, lambda stream: stream.write(content))
    return report
