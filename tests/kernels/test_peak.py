"""The measured peak: the FMA probe counts its operations right, the peak is the best rate with the
run's threads, and the benchmark report scales every row by it."""

from __future__ import annotations

import time

import pytest
import torch

from rnnkit.kernels import benchmark, machine, peak


def test_thread_counts_are_powers_of_two_and_the_run_count():
    assert peak.thread_counts(1) == [1]
    assert peak.thread_counts(2) == [1, 2]
    assert peak.thread_counts(6) == [1, 2, 4, 6]


def test_the_peak_is_the_best_rate_with_at_most_the_runs_threads():
    p = peak.Peak("cpu", threads=2, fma={1: 90.0, 2: 60.0, 4: 500.0}, sgemm=70.0, onednn=None)
    assert p.gflops == 90.0  # a busy moment lowered 2 threads; 4 threads are not the run's
    assert peak.Peak("cpu", 2, {}, sgemm=70.0, onednn=80.0).gflops == 80.0
    assert "measured peak 80 GFLOP/s" in peak.Peak("cpu", 2, {}, 70.0, 80.0).describe()


@pytest.mark.fused
def test_the_fma_probe_rate_matches_its_own_operation_count_and_a_wall_clock():
    """The op's rate times its own seconds is the number of multiply-adds it says it ran: timed
    here around the call, the rate can only be lower than the op's (which excludes the call)."""
    iterations = 200_000
    torch.ops.rnnkit.fma_peak(1, iterations)
    start = time.perf_counter()
    rate = torch.ops.rnnkit.fma_peak(1, iterations)
    outside = time.perf_counter() - start
    assert rate > 0
    assert rate * outside >= 2 * 4 * 8 * iterations  # at least 8 chains of 4-lane vectors ran
    with pytest.raises(RuntimeError, match="threads must be"):
        torch.ops.rnnkit.fma_peak(0, 10)


@pytest.mark.fused
def test_measure_reports_every_rate(monkeypatch):
    monkeypatch.setattr(peak, "PRODUCT_SIZE", 128)
    monkeypatch.setattr(peak, "_PROBE_SECONDS", 0.004)
    p = peak.measure(threads=1)
    assert set(p.fma) == {1} and p.fma[1] > 0 and p.sgemm > 0
    assert p.gflops == max(p.fma[1], p.sgemm, p.onednn or 0)
    assert p.cpu == machine.describe()


def test_rows_are_percentages_of_the_reports_peak(monkeypatch):
    """A smoke run of one case with an injected peak: % peak is GFLOP/s over the peak."""
    monkeypatch.setattr(peak, "measure", lambda threads=None: peak.Peak("cpu", 1, {1: 4.0}, 2.0, None))
    report = benchmark.run(cells=("simple_rnn",), shapes=("tiny-stream",), modes=("infer",),
                           paths=("reference",), repeats=1, warmup=0, keras=False, log=lambda _: None)
    assert report.peak.gflops == 4.0
    for row in report.rows:
        assert row.peak_percent == pytest.approx(100 * row.gflops / 4.0)
    assert "measured peak 4 GFLOP/s" in benchmark.markdown(report)
    assert "CPU: " + machine.describe() in report.header()
