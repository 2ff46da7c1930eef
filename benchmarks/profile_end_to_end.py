"""Where a training step of ``bench_end_to_end.py`` spends its time, rnnkit beside plain PyTorch.

``python benchmarks/profile_end_to_end.py [--case bilstm] [--steps 5] [--rows 20]``

Runs each side's step (the same builders as :mod:`bench_end_to_end`) under ``torch.profiler``
after warming up, and prints the operators by self CPU time per step, so the per-op figures in
the closing notes can be repeated. The profiler's own overhead inflates small ops; compare the
two sides with each other, and take whole-step times from ``bench_end_to_end.py``.
"""

from __future__ import annotations

import argparse

import torch
from torch.profiler import ProfilerActivity, profile

from bench_end_to_end import CASES
from rnnkit.kernels import machine


def profile_step(step, steps: int, warmup: int, rows: int) -> str:
    for _ in range(warmup):
        step()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            step()
    averages = prof.key_averages()
    total_ms = sum(e.self_cpu_time_total for e in averages) / 1e3 / steps
    lines = [f"  {total_ms:.1f} ms/step of self CPU time in all operators"]
    for event in sorted(averages, key=lambda e: -e.self_cpu_time_total)[:rows]:
        lines.append(f"  {event.self_cpu_time_total / 1e3 / steps:8.2f} ms/step"
                     f"  {event.count / steps:6.1f} calls/step  {event.key}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", default="bilstm", choices=sorted(CASES))
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rows", type=int, default=20)
    args = parser.parse_args()
    print(f"CPU: {machine.describe()}; torch {torch.__version__}, {torch.get_num_threads()} threads")
    for side, make in zip(("rnnkit", "torch"), CASES[args.case]):
        torch.manual_seed(0)
        print(f"{args.case} / {side}:")
        print(profile_step(make(), args.steps, args.warmup, args.rows))


if __name__ == "__main__":
    main()
