"""Minor page faults per training call of a recurrent sequence, and per whole training step.

``python benchmarks/page_faults.py [--cells lstm,gru] [--shapes medium] [--steps 9]``: for each
case, one warm-up, then ``--steps`` calls, each counted with ``resource.getrusage``
(``ru_minflt``) and timed; prints the medians. ``op``: the path's forward and backward on a fixed
output gradient (the faults the kernels' own allocations cause); ``step``: a layer's training
step with Adam (torch's allocations for the loss and the optimizer included). Run it with and without
``MALLOC_TRIM_THRESHOLD_=1000000000 MALLOC_MMAP_THRESHOLD_=1000000000`` to see what glibc's trimming
costs; the fused kernels' outputs come from a reuse pool (``RNNKIT_POOL_MB``, csrc/pool.h).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time

import torch

import rnnkit
from rnnkit.kernels import benchmark, dispatch, machine

LAYERS = {"simple_rnn": rnnkit.layers.SimpleRNN, "gru": rnnkit.layers.GRU, "lstm": rnnkit.layers.LSTM}


def layer_step(cell: str, shape: str, implementation: str):
    B, T, I, H = benchmark.SHAPES[shape]
    layer = LAYERS[cell](H, return_sequences=True, implementation=implementation)
    x = torch.randn(B, T, I)
    layer(x)
    optimizer = torch.optim.Adam(layer.parameters(), lr=1e-3)

    def step():
        optimizer.zero_grad()
        layer(x).square().mean().backward()
        optimizer.step()
    return step


def op_call(cell: str, shape: str, implementation: str):
    B, T, I, H = benchmark.SHAPES[shape]
    layer = LAYERS[cell](H, return_sequences=True)
    layer.build((B, T, I))
    x = torch.randn(B, T, I, requires_grad=True)
    weights = [w for w in layer.cell.sequence_weights() if w is not None]
    states = [torch.zeros(B, H) for _ in range(2 if cell == "lstm" else 1)]
    dy = torch.randn(B, T, H)
    function = dispatch.sequence_function(implementation, cell)

    def call():
        y, _ = function(x, *states, *layer.cell.sequence_weights(), **layer.cell.sequence_options())
        torch.autograd.grad(y, [x, *weights], dy)
    return call


def faults_per_step(step, steps: int) -> tuple[float, float]:
    step()
    faults, seconds = [], []
    for _ in range(steps):
        before, start = resource.getrusage(resource.RUSAGE_SELF).ru_minflt, time.perf_counter()
        step()
        seconds.append(time.perf_counter() - start)
        faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    return statistics.median(faults), statistics.median(seconds) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", default="simple_rnn,gru,lstm")
    parser.add_argument("--shapes", default="medium")
    parser.add_argument("--steps", type=int, default=9)
    parser.add_argument("--implementation", default="fused")
    args = parser.parse_args()
    print(f"CPU: {machine.describe()}; torch {torch.__version__}, {torch.get_num_threads()} threads")
    for shape in args.shapes.split(","):
        for cell in args.cells.split(","):
            for name, make in (("op", op_call), ("step", layer_step)):
                faults, ms = faults_per_step(make(cell, shape, args.implementation), args.steps)
                print(f"{cell:<10} {shape:<11} {args.implementation:<7} {name:<4} {faults:>8.0f} "
                      f"minor faults  {ms:8.1f} ms")


if __name__ == "__main__":
    main()
