"""Tune the column-team threshold: time the fused kernels with RNNKIT_TEAM_MIN_MACS at several
values, interleaved round by round in one process (the kernels read it at every call), so the
comparison is not at the mercy of the machine's slow and fast phases between runs.

    python benchmarks/team_threshold.py --cells gru,lstm --shapes tiny-stream,small,long \
        --values 1000000000000,32768,0

A value above every step's size means one thread per layer; 0 forces a team on every shape.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import torch

from rnnkit import cells
from rnnkit.kernels import benchmark, build, fused


def case(cell: str, shape: tuple[int, int, int, int], mode: str):
    """One call of the fused sequence function, forward (and backward in train mode)."""
    B, T, I, H = shape
    G = cells.spec(cell).gates
    g = torch.Generator().manual_seed(0)
    x = torch.randn(B, T, I, generator=g)
    weights = [torch.randn(I, G * H, generator=g) * I ** -0.5,
               torch.randn(H, G * H, generator=g) * H ** -0.5,
               torch.zeros((2, G * H) if cell == "gru" else (G * H,))]
    states = [torch.zeros(B, H)] * (2 if cell == "lstm" else 1)
    leaves = [x, *weights]
    if mode == "train":
        for t in leaves:
            t.requires_grad_()

    def once():
        if mode == "infer":
            with torch.inference_mode():
                fused.SEQUENCES[cell](x, *states, *weights)
            return
        for t in leaves:
            t.grad = None
        fused.SEQUENCES[cell](x, *states, *weights)[0].sum().backward()

    return once


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cells", default="simple_rnn,gru,lstm")
    parser.add_argument("--shapes", default="tiny-stream,small,medium,long")
    parser.add_argument("--modes", default="infer,train")
    parser.add_argument("--values", default="1000000000000,32768,0")
    parser.add_argument("--rounds", type=int, default=11)
    args = parser.parse_args()
    build.require()
    values = args.values.split(",")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; median ms per value of "
          f"RNNKIT_TEAM_MIN_MACS over {args.rounds} interleaved rounds")
    for cell in args.cells.split(","):
        for shape in args.shapes.split(","):
            for mode in args.modes.split(","):
                once = case(cell, benchmark.SHAPES[shape], mode)
                times: dict[str, list[float]] = {v: [] for v in values}
                for value in values:  # warm-up
                    os.environ["RNNKIT_TEAM_MIN_MACS"] = value
                    once()
                for _ in range(args.rounds):
                    for value in values:
                        os.environ["RNNKIT_TEAM_MIN_MACS"] = value
                        start = time.perf_counter()
                        once()
                        times[value].append(time.perf_counter() - start)
                cells = "  ".join(f"[{v}] {statistics.median(t) * 1e3:8.3f}" for v, t in times.items())
                print(f"{cell:10s} {shape:11s} {mode:5s} {cells}", flush=True)


if __name__ == "__main__":
    main()
