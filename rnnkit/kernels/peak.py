"""The machine's fp32 peak, measured in the same run as the benchmark it scales.

A constant bound measured on one CPU is wrong on the next (MKL's sgemm reached 184 GFLOP/s on a
2-core Zen 4 and about 170 on a 2-core Zen 5, where oneDNN's LSTM ran at 320), so the benchmark
measures three rates on the machine it runs on:

- ``fma``: the register-only multiply-add probe compiled with the fused kernels
  (``rnnkit::fma_peak``, csrc/peak.h), per thread count: what the cores can do at all;
- ``sgemm``: ``torch.mm`` on a 2048 x 2048 x 2048 float32 product (MKL in torch's x86 wheels);
- ``onednn``: oneDNN's inner product on the same sizes, where torch has oneDNN.

The peak is the largest of the three with the run's threads; every benchmark row is reported
as a percentage of it. Each rate is the best of a few timed calls (the busiest moment of a shared
machine only lowers it; nothing can make it read high).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import torch

from . import build, machine

PRODUCT_SIZE = 2048
_PROBE_SECONDS = 0.1  # per timed FMA call: long enough to ignore thread start-up


@dataclass
class Peak:
    """Measured rates in GFLOP/s; ``fma`` by thread count (empty without the fused kernels)."""

    cpu: str
    threads: int
    fma: dict[int, float] = field(default_factory=dict)
    sgemm: float = 0.0
    onednn: float | None = None

    @property
    def gflops(self) -> float:
        """The peak the rows are scaled by: the best rate measured with at most the run's threads
        (on a busy machine two threads can measure below one)."""
        fma = [g for t, g in self.fma.items() if t <= self.threads]
        return max([self.sgemm, self.onednn or 0.0, *fma])

    def describe(self) -> str:
        fma = ", ".join(f"{t} thread{'s' if t > 1 else ''} {g:.0f}" for t, g in sorted(self.fma.items()))
        onednn = f"{self.onednn:.0f}" if self.onednn is not None else "n/a"
        return (f"measured peak {self.gflops:.0f} GFLOP/s at {self.threads} threads (FMA probe: "
                f"{fma or 'n/a, fused kernels unavailable'}; sgemm {PRODUCT_SIZE}^3 "
                f"{self.sgemm:.0f}; oneDNN {onednn})")


def thread_counts(threads: int) -> list[int]:
    """1, 2, 4, ... up to ``threads``, and ``threads`` itself."""
    counts, t = {threads}, 1
    while t < threads:
        counts.add(t)
        t *= 2
    return sorted(counts)


def _best_rate(call: Callable[[], object], flop: float, repeats: int) -> float:
    call()  # warm-up: first-touch pages, thread pools, MKL's dispatch
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return flop / best / 1e9


def fma_rate(threads: int, repeats: int = 5) -> float:
    """GFLOP/s of ``threads`` threads of the FMA probe (best of ``repeats``)."""
    build.require()
    iterations = 100_000
    while True:  # grow the call until it takes about _PROBE_SECONDS
        start = time.perf_counter()
        torch.ops.rnnkit.fma_peak(threads, iterations)
        if time.perf_counter() - start > _PROBE_SECONDS / 4 or iterations > 10**10:
            break
        iterations *= 4
    return max(torch.ops.rnnkit.fma_peak(threads, iterations) for _ in range(repeats)) / 1e9


def sgemm_rate(repeats: int = 3) -> float:
    a, b = torch.randn(PRODUCT_SIZE, PRODUCT_SIZE), torch.randn(PRODUCT_SIZE, PRODUCT_SIZE)
    return _best_rate(lambda: torch.mm(a, b), 2.0 * PRODUCT_SIZE**3, repeats)


def onednn_rate(repeats: int = 3) -> float | None:
    """oneDNN's inner product (y = x w^T), or None where torch has no oneDNN."""
    if not torch.backends.mkldnn.is_available():
        return None
    x = torch.randn(PRODUCT_SIZE, PRODUCT_SIZE).to_mkldnn()
    w = torch.randn(PRODUCT_SIZE, PRODUCT_SIZE).to_mkldnn()
    return _best_rate(lambda: torch._C._nn.mkldnn_linear(x, w, None), 2.0 * PRODUCT_SIZE**3,
                      repeats)


def measure(threads: int | None = None) -> Peak:
    """Measure every rate now (about 2-5 s); FMA per thread count up to ``threads``."""
    threads = threads or torch.get_num_threads()
    peak = Peak(machine.describe(), threads)
    if build.unavailable_reason() is None:
        peak.fma = {t: fma_rate(t) for t in thread_counts(threads)}
    with torch.inference_mode():
        peak.sgemm = sgemm_rate()
        peak.onednn = onednn_rate()
    return peak
