"""Training steps take their large CPU tensors from rnnkit's reuse pool (csrc/pool.h).

glibc maps a fresh block for each large tensor (or trims its heap when one is freed), so every
training step faults its tens of megabytes of activations, workspaces and gradients back in, one
4 KB page at a time, unless ``MALLOC_TRIM_THRESHOLD_``/``MALLOC_MMAP_MAX_`` were set before Python
started. :func:`pooled_allocations` makes the pool torch's CPU allocator for requests of 64 KB and
more while a step runs: a freed block waits, by size, for the same request in the next step.
Tensors keep their block after the step (they are ordinary CPU tensors) and give it back when
freed. The pool holds at most ``RNNKIT_POOL_MB`` megabytes of free blocks (default 512; 0 turns
reuse off). Where the fused kernels are not built, nothing changes.
"""

from __future__ import annotations

import contextlib
from typing import Iterator

import torch

from . import build


@contextlib.contextmanager
def pooled_allocations() -> Iterator[None]:
    """Within the block, torch's large CPU allocations come from the pool (nests; restores what it found)."""
    if torch.compiler.is_compiling() or not build.ready_without_compiling():
        yield
        return
    was_on = torch.ops.rnnkit.pool_cpu_tensors(True)
    try:
        yield
    finally:
        torch.ops.rnnkit.pool_cpu_tensors(was_on)
