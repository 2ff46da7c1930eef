"""The one-pass Adam kernel against the optimizer's tensor code: slots bit-equal, weights within
their last bit, the weight's version counter moved (caches keyed on it see the step)."""

from __future__ import annotations

import pytest
import torch

import rnnkit
from rnnkit.kernels import adam as fused_adam
from rnnkit.training import optimizers

pytestmark = pytest.mark.fused

BETA_1, BETA_2, EPSILON, ALPHA = 0.9, 0.999, 1e-7, 1.3e-3


def tensor_update(weight, m, v, grad, squares):
    """The optimizer's tensor operations, as rnnkit.training.optimizers.Adam writes them."""
    step = grad - m
    m.add_(step.mul_(1.0 - BETA_1))
    squares = grad.square() if squares is None else squares.clone()
    v.add_(squares.sub_(v).mul_(1.0 - BETA_2))
    weight.sub_(torch.mul(m, ALPHA, out=step).div_(torch.sqrt(v, out=squares).add_(EPSILON)))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("given_squares", [False, True])
def test_kernel_equals_the_tensor_operations(dtype, given_squares):
    g = torch.Generator().manual_seed(0)
    weight = torch.randn(300, 70, generator=g, dtype=dtype)  # more elements than one parallel chunk
    m = torch.randn(300, 70, generator=g, dtype=dtype) * 0.01
    v = torch.rand(300, 70, generator=g, dtype=dtype) * 0.01
    grad = torch.randn(300, 70, generator=g, dtype=dtype)
    squares = torch.rand(300, 70, generator=g, dtype=dtype) * 2 if given_squares else None
    expected = [t.clone() for t in (weight, m, v)]
    tensor_update(*expected, grad, squares)
    assert fused_adam.can_update(weight, m, v, grad)
    version, before = weight._version, weight.clone()
    fused_adam.update(weight, m, v, grad, squares, ALPHA, BETA_1, BETA_2, EPSILON)
    assert weight._version > version
    assert torch.equal(m, expected[1]) and torch.equal(v, expected[2])
    ulp = torch.finfo(dtype).eps
    torch.testing.assert_close(weight, expected[0], rtol=2 * ulp, atol=2 * ulp)
    assert not torch.equal(weight, before)


def test_can_update_refuses_what_the_kernel_does_not_take():
    weight = torch.zeros(4, 6)
    assert not fused_adam.can_update(weight, torch.zeros(6, 4).t())  # not contiguous
    assert not fused_adam.can_update(weight, torch.zeros(4, 6, dtype=torch.float64))
    assert not fused_adam.can_update(weight, torch.zeros(24))
    assert not fused_adam.can_update(weight.half(), weight.half())


def test_kernel_refuses_mismatched_tensors_with_the_argument_named():
    assert fused_adam.can_update(torch.zeros(2))
    with pytest.raises(RuntimeError, match="velocity must match"):
        torch.ops.rnnkit.adam_update(torch.zeros(4), torch.zeros(4), torch.zeros(5), torch.zeros(4), None,
                                     ALPHA, BETA_1, BETA_2, EPSILON)


def _train(monkeypatch, fused: bool):
    if not fused:
        monkeypatch.setattr(fused_adam, "can_update", lambda *tensors: False)
    rnnkit.utils.set_random_seed(0)
    model = rnnkit.models.Sequential([
        rnnkit.Input((5,), dtype="int64"),
        rnnkit.layers.Embedding(30, 8),
        rnnkit.layers.LSTM(6),
        rnnkit.layers.Dense(3),
    ])
    model.compile(optimizer=rnnkit.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    g = torch.Generator().manual_seed(1)
    x = torch.randint(0, 30, (16, 5), generator=g)
    x[:, 0] = 0  # a repeated id: its per-occurrence squares differ from the square of its sum
    y = torch.randint(0, 3, (16,), generator=g)
    losses = [model.train_on_batch(x, y) for _ in range(4)]
    monkeypatch.undo()
    return losses, [w.detach().clone() for w in model.weights]


def test_training_with_the_kernel_follows_the_tensor_code(monkeypatch):
    fused_losses, fused_weights = _train(monkeypatch, fused=True)
    tensor_losses, tensor_weights = _train(monkeypatch, fused=False)
    assert fused_losses == pytest.approx(tensor_losses, rel=1e-5)
    for a, b in zip(fused_weights, tensor_weights):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)


def test_amsgrad_keeps_the_tensor_code(monkeypatch):
    calls = []
    monkeypatch.setattr(fused_adam, "update", lambda *args: calls.append(args))
    weight = torch.nn.Parameter(torch.ones(3))
    optimizer = optimizers.Adam(0.1, amsgrad=True)
    optimizer.bind([weight])
    weight.grad = torch.ones(3)
    optimizer.step()
    assert not calls and torch.all(weight < 1)
