"""Run an exported ONNX model in onnxruntime and measure how far it is from rnnkit's own outputs.

:func:`sample_inputs` makes a small batch that exercises masks: ids in ``[1, vocabulary)`` (or
standard normal features) with rows of different lengths padded at the end with 0, the
padding that ``Embedding(mask_zero=True)`` and ``Masking()`` mask.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import torch

from ..extras import require
from ..layers.base import KerasTensor
from ..layers.core import Embedding, Masking
from ..models.functional import graph_order
from ..models.model import Model
from .onnx_model import numpy_dtype


@dataclass(frozen=True)
class ParityReport:
    """The largest absolute difference of each output (by name), onnxruntime vs rnnkit."""

    errors: dict[str, float]

    @property
    def max_abs_error(self) -> float:
        return max(self.errors.values())

    def as_text(self) -> str:
        each = ", ".join(f"{name} {error:.2e}" for name, error in self.errors.items())
        return f"onnxruntime vs rnnkit: max abs error {self.max_abs_error:.2e} ({each})"


def _consumer(model: Model, tensor: KerasTensor) -> Any:
    for node in graph_order(model.outputs)[0]:
        if any(t is tensor for t in node.inputs):
            return node.layer
    return None


def sample_inputs(model: Model, batch: int = 4, steps: int = 7, seed: int = 0) -> list[np.ndarray]:
    """One array per model input: rows of lengths ``steps, steps - 2, ..., >= 1``, padded after with 0."""
    rng = np.random.default_rng(seed)
    lengths = [max(1, steps - 2 * i) for i in range(batch)]
    arrays = []
    for tensor in model.inputs:
        shape = [batch if i == 0 else (steps if d is None else d) for i, d in enumerate(tensor.shape)]
        consumer = _consumer(model, tensor)
        if not tensor.dtype.is_floating_point:
            high = consumer.input_dim if isinstance(consumer, Embedding) else 10
            array = rng.integers(1, high, size=shape)
        else:
            array = rng.standard_normal(shape).astype(np.float32)
        if len(shape) >= 2 and (isinstance(consumer, Masking) or not tensor.dtype.is_floating_point):
            for row, length in enumerate(lengths):
                array[row, length:] = consumer.mask_value if isinstance(consumer, Masking) else 0
        arrays.append(array)
    return arrays


def rnnkit_outputs(model: Model, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
    """The model's outputs in inference mode, as float32 arrays in ``output_names()`` order."""
    model.eval()
    weight = next(model.parameters(), None)
    device = weight.device if weight is not None else "cpu"
    with torch.no_grad():
        given = [torch.from_numpy(np.asarray(a)).to(device) for a in inputs]
        result = model(given[0] if len(given) == 1 else given)
    outputs = result if isinstance(result, (list, tuple)) else [result]
    return [o.detach().cpu().numpy() for o in outputs]


def onnx_outputs(model_bytes: bytes, input_names: Sequence[str], inputs: Sequence[np.ndarray], threads: int = 1) -> list[np.ndarray]:
    ort = require("onnxruntime", "Checking an exported ONNX model")
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])
    return session.run(None, dict(zip(input_names, inputs)))


def compare(model: Model, model_bytes: bytes, inputs: Sequence[np.ndarray]) -> ParityReport:
    """Run both on ``inputs`` and report each output's max abs error."""
    names = [t.node.layer.name for t in model.inputs]
    inputs = [np.asarray(a, dtype=numpy_dtype(t.dtype)) for a, t in zip(inputs, model.inputs)]  # as the graph declares them
    expected = rnnkit_outputs(model, inputs)
    found = onnx_outputs(model_bytes, names, inputs)
    if len(found) != len(expected):
        raise AssertionError(f"the ONNX graph has {len(found)} outputs, the model {len(expected)}")
    errors = {}
    for name, want, got in zip(model.output_names(), expected, found):
        if want.shape != got.shape:
            errors[name] = float("inf")
        else:
            errors[name] = float(np.max(np.abs(want.astype(np.float64) - got))) if want.size else 0.0
    return ParityReport(errors)
