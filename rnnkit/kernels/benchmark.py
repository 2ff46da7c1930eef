"""Time every rnnkit path against torch.nn.RNN/GRU/LSTM (and Keras when importable).

Used by ``rnnkit bench`` and ``benchmarks/bench_rnn.py``. Per case (cell, shape, mode) all
contenders are warmed up, then timed in interleaved rounds, so each reported ratio comes from one
run on the same (noisy, shared) machine. ``infer`` is a forward under ``torch.inference_mode``;
``train`` is forward plus backward of ``out.sum()``.

FLOPs of a case: 2 * T * B * G * H * (I + H) forward (G = 1, 3, 4 for SimpleRNN, GRU, LSTM),
three times that for training. The cells benchmarked are the kinds torch has a module for (each
kind's :class:`~rnnkit.cells.CellSpec` names it), since torch is the yardstick. Every rate is also
given as a percentage of the machine's peak, measured at the start of the same run
(:mod:`rnnkit.kernels.peak`), and the header names the CPU and its vector flags.
"""

from __future__ import annotations

import gc
import random
import statistics
import time
from dataclasses import asdict, dataclass, field
from typing import Callable

import torch

from .. import cells
from . import machine, native, peak as peak_rate
from .dispatch import choose, run_sequence, sequence_function

SHAPES = {  # name: (B, T, I, H)
    "tiny-stream": (1, 100, 32, 64),
    "small": (16, 100, 64, 128),
    "medium": (32, 100, 256, 256),
    "large": (64, 50, 512, 512),
    "long": (8, 1000, 32, 128),
}
CELLS = tuple(kind for kind, spec in cells.SPECS.items() if spec.torch_module is not None)
MODES = ("infer", "train")
PATHS = ("auto", "fused", "native", "reference")


@dataclass
class Row:
    cell: str
    shape: str
    mode: str
    contender: str
    ms: float
    gflops: float
    vs_torch: float | None = None  # torch time / this time: above 1 is faster than torch
    note: str = ""
    peak_percent: float | None = None  # gflops as a percentage of the run's measured peak


@dataclass
class Report:
    torch_version: str
    threads: int
    repeats: int
    clock: str
    cpu: str = ""
    peak: peak_rate.Peak | None = None
    rows: list[Row] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {**{k: v for k, v in asdict(self).items() if k not in ("rows", "peak")},
                "peak": None if self.peak is None else {**asdict(self.peak),
                                                        "gflops": self.peak.gflops},
                "rows": [asdict(r) for r in self.rows]}

    def header(self) -> str:
        peak = self.peak.describe() if self.peak is not None else "peak not measured"
        return (f"CPU: {self.cpu}\ntorch {self.torch_version}, {self.threads} threads, "
                f"{self.clock} clock, median of {self.repeats} interleaved repeats; {peak}")


def flops(cell: str, shape: tuple[int, int, int, int], mode: str) -> float:
    B, T, I, H = shape
    forward = 2.0 * T * B * cells.spec(cell).gates * H * (I + H)
    return forward * (3 if mode == "train" else 1)


def _weights(cell: str, I: int, H: int, requires_grad: bool):
    G = cells.spec(cell).gates
    g = torch.Generator().manual_seed(0)
    kernel = torch.randn(I, G * H, generator=g) * (1.0 / I) ** 0.5
    recurrent = torch.randn(H, G * H, generator=g) * (1.0 / H) ** 0.5
    bias = torch.zeros((2, G * H) if cell == "gru" else (G * H,))
    return [w.requires_grad_(requires_grad) for w in (kernel, recurrent, bias)]


def _runner(fn: Callable[[], torch.Tensor], params: list[torch.Tensor], mode: str):
    """A no-argument callable doing one timed unit of work for this mode."""
    if mode == "infer":
        def infer():
            with torch.inference_mode():
                fn()
        return infer

    def train():
        for p in params:
            p.grad = None
        fn().sum().backward()
    return train


def _rnnkit_contender(cell: str, path: str, x: torch.Tensor, H: int, mode: str):
    B, _, I = x.shape
    weights = _weights(cell, I, H, mode == "train")
    states = [torch.zeros(B, H) for _ in cells.spec(cell).state_names]
    xi = x.detach().requires_grad_(mode == "train")
    options = {"reset_after": True} if cell == "gru" else {}
    if path == "auto":
        with torch.set_grad_enabled(mode == "train"):
            run_sequence(cell, "auto", xi, tuple(states), tuple(weights), **options)  # measures if due
            choice = choose(cell, "auto", xi, options, H)
        fn_seq, note = choice.function, f"-> {choice.implementation}"
    else:
        fn_seq, note = sequence_function(path, cell), ""

    def call():
        return fn_seq(xi, *states, *weights, **options)[0]

    return _runner(call, [xi, *weights], mode), note


def _torch_contender(cell: str, x: torch.Tensor, H: int, mode: str):
    module = cells.spec(cell).torch_module(x.shape[-1], H, batch_first=True)
    module.requires_grad_(mode == "train")
    xi = x.detach().requires_grad_(mode == "train")
    return _runner(lambda: module(xi)[0], [xi, *module.parameters()], mode)


def _keras_contender(cell: str, x: torch.Tensor, H: int, mode: str):
    """Keras 3 on whatever backend it is configured with; None when Keras is not importable."""
    try:
        import keras  # noqa: PLC0415 - optional contender
    except ImportError:
        return None
    layer = getattr(keras.layers, cells.spec(cell).keras_layer)
    B, T, I = x.shape
    model = keras.Sequential([keras.Input((T, I)), layer(H, return_sequences=True)])
    xs = x.numpy()
    if mode == "infer":
        return lambda: model.predict_on_batch(xs)
    model.compile(optimizer="sgd", loss="mse")
    target = model.predict_on_batch(xs) * 0
    return lambda: model.train_on_batch(xs, target)


def run(cells=CELLS, shapes=tuple(SHAPES), modes=MODES, paths=PATHS, repeats: int = 7,
        warmup: int = 2, keras: bool = True, clock: str = "wall", measure_peak: bool = True,
        log: Callable[[str], None] = print) -> Report:
    """Time every contender; ``clock='cpu'`` (process time, one thread only) resists a busy
    machine: time slices lost to other processes are not counted. ``measure_peak`` first
    measures the machine's peak (a few seconds) so that each row also reads as a percentage."""
    if clock == "cpu" and torch.get_num_threads() != 1:
        raise ValueError("clock='cpu' measures one thread only: set torch threads to 1")
    timer = time.process_time if clock == "cpu" else time.perf_counter
    report = Report(torch.__version__, torch.get_num_threads(), repeats, clock, machine.describe(),
                    peak_rate.measure() if measure_peak else None)
    log(report.header())
    log(HEADER)
    bound = report.peak.gflops if report.peak is not None else None
    for shape_name in shapes:
        B, T, I, H = SHAPES[shape_name]
        x = torch.randn(B, T, I, generator=torch.Generator().manual_seed(1))
        for cell in cells:
            for mode in modes:
                contenders: dict[str, Callable[[], object]] = {}
                notes: dict[str, str] = {}
                contenders["torch"] = _torch_contender(cell, x, H, mode)
                for path in paths:
                    if path == "native" and native.unsupported_reason(cell, x, {}) is not None:
                        continue
                    contenders[f"rnnkit-{path}"], notes[f"rnnkit-{path}"] = _rnnkit_contender(
                        cell, path, x, H, mode)
                if keras:
                    k = _keras_contender(cell, x, H, mode)
                    if k is not None:
                        contenders["keras"] = k
                times = _time_interleaved(contenders, repeats, warmup, timer)
                base = times["torch"]
                fl = flops(cell, (B, T, I, H), mode)
                for name, seconds in times.items():
                    gflops = fl / seconds / 1e9
                    row = Row(cell, shape_name, mode, name, seconds * 1e3, gflops, base / seconds,
                              notes.get(name, ""), 100 * gflops / bound if bound else None)
                    report.rows.append(row)
                    log(format_row(row))
    return report


def _time_interleaved(contenders: dict[str, Callable[[], object]], repeats: int,
                      warmup: int, timer: Callable[[], float]) -> dict[str, float]:
    """Median seconds per contender. Each round runs the contenders in a fresh random order
    (the call right after torch.nn's per-step loop measured up to 2x slow on this machine, so no
    contender may always follow the same one), and Python's garbage collector is paused while
    timing (as timeit does), so one contender's garbage is not collected on another's clock."""
    started = time.perf_counter()
    for fn in contenders.values():
        for _ in range(warmup):
            fn()
    if warmup and (time.perf_counter() - started) / (warmup * len(contenders)) < 0.005:
        repeats *= 5  # cases under ~5 ms: more rounds, same total time, steadier medians
    names = list(contenders)
    shuffle = random.Random(0).shuffle
    samples: dict[str, list[float]] = {name: [] for name in names}
    was_enabled = gc.isenabled()
    try:
        for _ in range(repeats):
            gc.collect()
            gc.disable()
            shuffle(names)
            for name in names:
                start = timer()
                contenders[name]()
                samples[name].append(timer() - start)
            if was_enabled:
                gc.enable()
    finally:
        if was_enabled:
            gc.enable()
    return {name: statistics.median(samples[name]) for name in contenders}


HEADER = (f"{'cell':<10} {'shape':<11} {'mode':<5} {'contender':<17} {'ms':>9} {'GFLOP/s':>8} "
          f"{'% peak':>6} {'vs torch':>8}  note")


def _percent(r: Row) -> str:
    return f"{r.peak_percent:.0f}%" if r.peak_percent is not None else "-"


def format_row(r: Row) -> str:
    ratio = f"{r.vs_torch:.2f}x" if r.vs_torch is not None else ""
    return (f"{r.cell:<10} {r.shape:<11} {r.mode:<5} {r.contender:<17} {r.ms:>9.3f} "
            f"{r.gflops:>8.1f} {_percent(r):>6} {ratio:>8}  {r.note}")


def markdown(report: Report) -> str:
    lines = [
        report.header().replace("\n", "; ") + ". `vs torch` = torch time / contender time "
        "(above 1 = faster than torch.nn); `% peak` = GFLOP/s as a percentage of the measured peak.",
        "",
        "| cell | shape | mode | contender | ms | GFLOP/s | % peak | vs torch | note |",
        "|---|---|---|---|---:|---:|---:|---:|---|",
    ]
    for r in report.rows:
        lines.append(f"| {r.cell} | {r.shape} | {r.mode} | {r.contender} | {r.ms:.3f} | "
                     f"{r.gflops:.1f} | {_percent(r)} | {r.vs_torch:.2f}x | {r.note} |")
    return "\n".join(lines) + "\n"
