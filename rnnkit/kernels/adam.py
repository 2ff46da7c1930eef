"""Keras's Adam update in one pass over each weight (csrc/adam.h).

:class:`rnnkit.training.optimizers.Adam` writes the update as eleven tensor operations, each a
pass over the weight; the kernel does the same operations, rounded the same way, per element:
the slots come out bit-equal, the weight within its last bit (the kernel's square root is
correctly rounded, torch's vectorised CPU ``sqrt`` not always).
It runs where the fused kernels are built (it never starts a compile) and the tensors are contiguous float32/float64 CPU
tensors of one shape; :func:`can_update` says so, and the optimizer keeps its tensor code for the
rest (and with ``RNNKIT_FUSED=0``).
"""

from __future__ import annotations

import torch

from . import build


def can_update(weight: torch.Tensor, *tensors: torch.Tensor) -> bool:
    """Whether :func:`update` can run on ``weight`` and the tensors that go with it."""
    if weight.dtype not in (torch.float32, torch.float64) or torch.compiler.is_compiling():
        return False
    for t in (weight, *tensors):
        if t.device.type != "cpu" or t.dtype != weight.dtype or t.shape != weight.shape or not t.is_contiguous():
            return False
    return build.ready_without_compiling()


def update(weight: torch.Tensor, momentum: torch.Tensor, velocity: torch.Tensor, gradient: torch.Tensor,
           squares: torch.Tensor | None, alpha: float, beta_1: float, beta_2: float, epsilon: float) -> None:
    """``m += (g - m)(1 - beta_1)``, ``v += (s - v)(1 - beta_2)`` with ``s = squares`` or ``g * g``,
    ``w -= m alpha / (sqrt(v) + epsilon)``, in place; all tensors shaped as ``weight``."""
    torch.ops.rnnkit.adam_update(weight, momentum, velocity, gradient, squares, alpha, beta_1, beta_2, epsilon)
    for t in (weight, momentum, velocity):  # what an in-place torch op records: caches keyed on it see the change
        torch.autograd.graph.increment_version(t)
