"""``rnnkit.ops`` against real Keras 3: every case of ``scripts/make_keras_fixtures_ops.py``.

Each case calls the op with the recorded arguments (NumPy arrays, Python numbers, lists) and
compares the values and the dtype with what Keras returned.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

import rnnkit
from rnnkit import ops

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "keras_ops"
META = json.loads((FIXTURES / "ops.json").read_text())
ARRAYS = np.load(FIXTURES / "ops.npz")


def decode(value):
    if isinstance(value, dict) and "array" in value:
        return ARRAYS[value["array"]]
    if isinstance(value, dict) and "list" in value:
        return [decode(v) for v in value["list"]]
    if isinstance(value, dict) and "tuple" in value:
        return tuple(decode(v) for v in value["tuple"])
    return value


def keras_value(key: str, dtype: str) -> np.ndarray:
    stored = ARRAYS[key]
    if dtype == "bfloat16":  # NumPy has no bfloat16: the fixture holds its raw 16 bits
        bits = np.frombuffer(stored.tobytes(), dtype=np.uint16).astype(np.uint32) << 16
        return bits.view(np.float32).reshape(stored.shape)
    return stored


def test_fixtures_come_from_keras_3():
    assert META["keras"].startswith("3.") and len(META["cases"]) > 200


@pytest.mark.parametrize("case", META["cases"], ids=[c["id"] for c in META["cases"]])
def test_op_matches_keras(case):
    result = getattr(ops, case["op"])(*[decode(a) for a in case["args"]], **{k: decode(v) for k, v in case["kwargs"].items()})
    if case["op"] == "shape":
        assert isinstance(result, tuple) and result == tuple(case["value"])
        return
    results = list(result) if case["several"] else [result]
    assert len(results) == len(case["dtypes"])
    for k, (got, dtype) in enumerate(zip(results, case["dtypes"])):
        key = f"out_{case['id']}" + (f"_{k}" if case["several"] else "")
        expected = keras_value(key, dtype)
        if case["op"] == "convert_to_numpy":
            assert isinstance(got, np.ndarray)
        else:
            assert isinstance(got, torch.Tensor), type(got)
            assert str(got.dtype).removeprefix("torch.") == dtype
        got = ops.convert_to_numpy(got)
        assert got.shape == expected.shape
        if dtype in ("float16", "bfloat16"):
            np.testing.assert_allclose(got.astype(np.float32), expected.astype(np.float32), rtol=1e-2, atol=1e-2)
        elif got.dtype.kind == "f":
            np.testing.assert_allclose(got, expected, rtol=2e-6, atol=1e-6)
        else:
            np.testing.assert_array_equal(got, expected)


def test_python_floats_follow_floatx():
    rnnkit.backend.set_floatx("float64")
    try:
        assert ops.convert_to_tensor(1.5).dtype == torch.float64
        assert ops.zeros((2,)).dtype == torch.float64
        assert ops.mean(np.array([1, 2], "int32")).dtype == torch.float64
    finally:
        rnnkit.backend.set_floatx("float32")
    assert ops.convert_to_tensor([0.5]).dtype == torch.float32


def test_gradients_flow_through_ops():
    w = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
    loss = ops.sum(ops.square(ops.tanh(ops.matmul(w, ops.ones((4, 2), dtype="float64")))))
    loss.backward()
    x = w.detach().clone().requires_grad_()
    (torch.tanh(x @ torch.ones(4, 2, dtype=torch.float64)) ** 2).sum().backward()
    torch.testing.assert_close(w.grad, x.grad)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: ops.split(np.zeros(5), 2), "equal parts"),
        (lambda: ops.squeeze(np.zeros((2, 1)), axis=0), "size 2, not 1"),
        (lambda: ops.take(np.zeros(3), [3]), "indices must lie in"),
        (lambda: ops.one_hot([1], 0), "num_classes"),
        (lambda: ops.top_k(np.zeros(3), 4), "k must be"),
        (lambda: ops.pad(np.zeros(3), 1, mode="wrap"), "mode must be"),
        (lambda: ops.where(np.ones(2, bool), 1), "both x1 and x2"),
        (lambda: ops.cast(np.zeros(2), "float31"), "Unknown dtype"),
        (lambda: ops.convert_to_tensor(["a", "b"]), "expected numbers"),
        (lambda: ops.convert_to_tensor(rnnkit.Input((3,))), "real tensors"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
