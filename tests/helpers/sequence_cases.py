"""Random inputs for one whole-sequence call, and the outputs and gradients to compare paths by.

Shapes follow every path's calling convention ``fn(x, *states, *weights, **options)``:
x (B, T, I), states (B, H) each, kernel (I, G*H), recurrent_kernel (H, G*H), bias (G*H,) or a
GRU's (2, G*H) pair. G and the number of states come from the cell kind's record.
"""

from __future__ import annotations

import torch

from rnnkit import cells


def assert_close(actual, expected, name=""):
    """float64 tight; float32 relative to the tensor's own scale (gradients reach tens)."""
    if expected.dtype == torch.float64:
        tol = dict(atol=1e-10, rtol=1e-9)
    else:
        tol = dict(atol=3e-5 * max(1.0, expected.abs().max().item()), rtol=1e-4)
    torch.testing.assert_close(actual, expected, **tol, msg=lambda m: f"{name}: {m}")


def make_case(cell, B=3, T=7, I=4, H=5, dtype=torch.float64, bias=True, reset_after=True, seed=0):
    """Leaf tensors (requires_grad) for one call: x, states, kernel, recurrent_kernel, bias."""
    g = torch.Generator().manual_seed(seed)
    spec = cells.spec(cell)
    G = spec.gates

    def rand(*shape, scale=1.0):
        return (torch.randn(*shape, generator=g, dtype=dtype) * scale).requires_grad_()

    x = rand(B, T, I)
    states = [rand(B, H, scale=0.5) for _ in spec.state_names]
    kernel, recurrent = rand(I, G * H, scale=0.5), rand(H, G * H, scale=0.5)
    b = None
    if bias:
        b = rand(*((2, G * H) if cell == "gru" and reset_after else (G * H,)), scale=0.3)
    return x, states, [kernel, recurrent, b]


def make_mask(B, T, seed=0):
    """Varied real lengths: a full row, an all-masked row, prefixes, and a ragged pattern."""
    g = torch.Generator().manual_seed(seed)
    mask = torch.rand(B, T, generator=g) > 0.35
    mask[0] = True
    if B > 1:
        mask[1] = False
    if B > 2:
        mask[2] = torch.arange(T) < T // 2
    return mask


def outputs_and_grads(fn, x, states, weights, **options):
    """y, final states, and the gradients of a weighted loss at every leaf."""
    y, final = fn(x, *states, *weights, **options)
    g = torch.Generator().manual_seed(42)
    loss = (y * torch.randn(y.shape, generator=g, dtype=torch.float64).to(y.dtype)).sum()
    for s in final:
        loss = loss + (s * torch.randn(s.shape, generator=g, dtype=torch.float64).to(s.dtype)).sum()
    leaves = [t for t in (x, *states, *weights) if t is not None]
    return [y, *final, *torch.autograd.grad(loss, leaves)]
