"""The long-memory experiment: which cells learn a dependency T steps back, and why.

Trains a SimpleRNN, an LSTM and a GRU (``units`` each, then a Dense layer) on the adding or copy
problem (:mod:`.long_memory_problems`) at every sequence length, with Adam on fresh batches,
and records per run: the test error every ``eval_every`` steps, ``||dLoss/dh_t||`` against the
distance in time before and after training (:func:`rnnkit.inspect.gradient_through_time`), the
steps and seconds used. :func:`run` writes ``results.md``, ``results.json`` and the plots.

Determinism: each run seeds its weights and its data from ``seed``, the cell and the length, so
a run's numbers do not depend on which other runs are in the list. Training stops once the test
error is below the problem's ``solved_below``, after ``max_steps``, or when the run's share of
``minutes`` is spent (an early finisher leaves its time to the runs after it). Only the last
rule depends on the machine: the table says which runs it stopped.
"""

from __future__ import annotations

import json
import os
import time
import zlib
from dataclasses import asdict, dataclass, field
from typing import Callable

import numpy as np
import torch

from .. import Input, layers
from ..atomic_files import write_text_atomically
from ..layers.recurrent_kinds import TASK_CELLS
from ..inspect import gradient_through_time
from ..models import Sequential
from ..utils import set_random_seed
from .long_memory_plots import plot_curves, plot_errors, plot_gradients
from .long_memory_problems import PROBLEMS, Problem

CELLS = TASK_CELLS  # cell name -> layer class, one table for every task


@dataclass(frozen=True)
class Settings:
    task: str = "adding"
    lengths: tuple[int, ...] = (10, 50, 100, 200)
    cells: tuple[str, ...] = ("simple", "lstm", "gru")
    minutes: float = 10.0
    seed: int = 0
    units: int = 32
    batch_size: int = 64
    learning_rate: float = 1e-2
    max_steps: int = 3000
    eval_every: int = 50
    test_samples: int = 1000
    gradient_samples: int = 128
    threads: int = 1  # see run()

    def check(self) -> None:
        if self.task not in PROBLEMS:
            raise ValueError(f"unknown task {self.task!r}; expected one of {sorted(PROBLEMS)}")
        unknown = [c for c in self.cells if c not in CELLS]
        if unknown or not self.cells:
            raise ValueError(f"unknown cell(s) {unknown}; expected some of {sorted(CELLS)}")
        if not self.lengths or min(self.lengths) < 2:
            raise ValueError(f"lengths must be integers of at least 2; got {list(self.lengths)}")
        if self.minutes <= 0 or min(self.max_steps, self.eval_every, self.units, self.test_samples, self.threads) < 1:
            raise ValueError("minutes, max_steps, eval_every, units, test_samples and threads must be positive")


@dataclass
class RunResult:
    cell: str
    length: int
    error: float  # on the test set, after training
    steps: int
    seconds: float
    stopped_by: str  # "solved", "max_steps" or "time budget"
    curve: list[tuple[int, float]] = field(default_factory=list)  # (step, test error)
    gradients: dict[str, list[float]] = field(default_factory=dict)  # "init"/"trained" -> by distance


def _seed(*parts: object) -> int:
    return zlib.crc32("/".join(map(str, parts)).encode()) & 0x7FFFFFFF


def build_model(problem: Problem, cell: str, length: int, units: int) -> Sequential:
    return Sequential([
        Input(shape=(problem.sequence_steps(length), problem.features)),
        CELLS[cell](units, return_sequences=problem.sequence_output),
        layers.Dense(problem.outputs),
    ])


def _gradient_profile(model: Sequential, problem: Problem, x: torch.Tensor, y: torch.Tensor) -> list[float]:
    (found,) = gradient_through_time(model, x, y, loss=lambda y_true, y_pred: problem.loss(y_pred, y_true))
    return found.by_distance().tolist()


def train_one(problem: Problem, cell: str, length: int, settings: Settings, seconds: float,
              log: Callable[[str], None] = print) -> RunResult:
    """Train one cell at one length for at most ``seconds``; see the module docstring for the rules."""
    test_x, test_y = problem.batch(settings.test_samples, length, torch.Generator().manual_seed(_seed(settings.seed, "test", problem.name, length)))
    set_random_seed(_seed(settings.seed, problem.name, cell, length))
    data = torch.Generator().manual_seed(_seed(settings.seed, "train", problem.name, cell, length))
    model = build_model(problem, cell, length, settings.units)
    probe_x, probe_y = test_x[: settings.gradient_samples], test_y[: settings.gradient_samples]
    result = RunResult(cell, length, float("nan"), 0, 0.0, "max_steps")
    result.gradients["init"] = _gradient_profile(model, problem, probe_x, probe_y)
    optimizer = torch.optim.Adam(model.parameters(), lr=settings.learning_rate)
    start = time.monotonic()
    for step in range(1, settings.max_steps + 1):
        model.train()
        x, y = problem.batch(settings.batch_size, length, data)
        loss = problem.loss(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        result.steps = step
        last = step == settings.max_steps or time.monotonic() - start > seconds
        if step % settings.eval_every == 0 or last:
            model.eval()
            with torch.no_grad():
                result.error = problem.error(model(test_x), test_y)
            result.curve.append((step, result.error))
            if result.error < problem.solved_below:
                result.stopped_by = "solved"
                break
            if time.monotonic() - start > seconds:
                result.stopped_by = "time budget"
                break
    result.seconds = time.monotonic() - start
    result.gradients["trained"] = _gradient_profile(model, problem, probe_x, probe_y)
    log(f"{cell:>6}  T={length:<4} {problem.error_name} {result.error:.4f}  after {result.steps} steps, "
        f"{result.seconds:.0f} s ({result.stopped_by})")
    return result


def run(settings: Settings, out_dir: str | os.PathLike, log: Callable[[str], None] = print) -> list[RunResult]:
    """Every cell at every length, then the table and plots in ``out_dir``; returns the results.

    Runs on ``settings.threads`` torch threads (default 1): steps this small gain nothing from a
    second thread, and on a busy 2-core machine a second thread waiting for its turn made each
    step about 30 times slower. A fixed count also keeps the numbers the same across machines.
    """
    settings.check()
    threads = torch.get_num_threads()
    torch.set_num_threads(settings.threads)
    try:
        return _run(PROBLEMS[settings.task], settings, out_dir, log)
    finally:
        torch.set_num_threads(threads)


def _run(problem: Problem, settings: Settings, out_dir: str | os.PathLike, log: Callable[[str], None]) -> list[RunResult]:
    os.makedirs(out_dir, exist_ok=True)
    plan = [(cell, length) for length in settings.lengths for cell in settings.cells]
    log(f"long-memory experiment: {problem.name} problem, {len(plan)} runs, about {settings.minutes:g} minutes")
    budget_end = time.monotonic() + 60 * settings.minutes
    results = []
    for index, (cell, length) in enumerate(plan):
        share = max(budget_end - time.monotonic(), 0.0) / (len(plan) - index)
        results.append(train_one(problem, cell, length, settings, share, log))
    write_table(problem, settings, results, out_dir)
    plot_errors(problem, settings, results, os.path.join(out_dir, "error_vs_length.png"))
    plot_curves(problem, settings, results, os.path.join(out_dir, "training_curves.png"))
    for length in settings.lengths:
        plot_gradients([r for r in results if r.length == length], length, os.path.join(out_dir, f"gradients_T{length}.png"))
    log(f"wrote results.md, results.json and plots to {out_dir}")
    return results


def _decay(profile: list[float]) -> str:
    """log10 of ||dL/dh|| at the farthest step over the nearest: how many decades it lost."""
    near, far = profile[0], profile[-1]
    if near > 0 and far > 0:
        return f"{np.log10(far / near):.1f}"
    return "underflow" if near > 0 else "no gradient"


def write_table(problem: Problem, settings: Settings, results: list[RunResult], out_dir: str | os.PathLike) -> None:
    """``results.md`` (one row per run) and ``results.json`` (settings and every number)."""
    lines = [
        f"# Long-memory experiment: {problem.name} problem",
        "",
        f"{problem.error_name} on {settings.test_samples} test sequences; input-blind baseline "
        f"{problem.baseline:.3f}. Gradient decay: log10 of ||dLoss/dh_t|| at the first step over the "
        "last (decades lost across the sequence), at initialisation and after training; underflow: "
        "the float32 gradient reached 0.",
        "",
        f"| cell | T | {problem.error_name} | steps | seconds | stopped by | gradient decay (init) | gradient decay (trained) |",
        "|---|---:|---:|---:|---:|---|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.cell} | {r.length} | {r.error:.4f} | {r.steps} | {r.seconds:.0f} | {r.stopped_by} | "
            f"{_decay(r.gradients['init'])} | {_decay(r.gradients['trained'])} |"
        )
    write_text_atomically(os.path.join(out_dir, "results.md"), "\n".join(lines) + "\n")
    record = {"settings": asdict(settings), "baseline": problem.baseline, "error_name": problem.error_name,
              "runs": [asdict(r) for r in results]}
    write_text_atomically(os.path.join(out_dir, "results.json"), json.dumps(record, indent=1))
