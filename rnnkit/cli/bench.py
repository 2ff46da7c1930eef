"""``rnnkit bench``: time rnnkit's recurrent paths against torch.nn (and Keras when importable)."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from ..atomic_files import write_text_atomically
from ..kernels import benchmark, build

EXAMPLE = "Example (quick): rnnkit bench --cells gru --shapes tiny-stream,small --repeats 3"


def _names(allowed):
    def parse(text: str) -> tuple[str, ...]:
        names = tuple(n.strip() for n in text.split(",") if n.strip())
        unknown = [n for n in names if n not in allowed]
        if unknown:
            raise argparse.ArgumentTypeError(f"unknown {unknown}; choose from {list(allowed)}")
        return names
    return parse


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="time SimpleRNN/GRU/LSTM paths against torch.nn and Keras (infer and train)",
        description=f"{benchmark.__doc__}\n{EXAMPLE}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--cells", type=_names(benchmark.CELLS), default=benchmark.CELLS,
                        help="comma-separated: simple_rnn,gru,lstm (default all)")
    parser.add_argument("--shapes", type=_names(tuple(benchmark.SHAPES)),
                        default=tuple(benchmark.SHAPES),
                        help="comma-separated: " + ",".join(benchmark.SHAPES) + " (default all)")
    parser.add_argument("--modes", type=_names(benchmark.MODES), default=benchmark.MODES,
                        help="comma-separated: infer,train (default both)")
    parser.add_argument("--paths", type=_names(benchmark.PATHS), default=benchmark.PATHS,
                        help="rnnkit paths to time: auto,fused,native,reference (default all)")
    parser.add_argument("--repeats", type=int, default=7, help="timed rounds (default 7)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed calls first (default 2)")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch.set_num_threads (default: torch's own setting)")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="wall time (default), or process CPU time with --threads 1 on a "
                             "machine shared with other work")
    parser.add_argument("--no-keras", action="store_true", help="skip Keras even if importable")
    parser.add_argument("--no-peak", action="store_true",
                        help="skip measuring the machine's peak first (no %% peak column)")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for bench.json and bench.md (default: print only)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    started = time.perf_counter()
    fused_ready = build.load() if "fused" in args.paths or "auto" in args.paths else False
    load_seconds = time.perf_counter() - started
    state = "ready" if fused_ready else "unavailable"
    print(f"rnnkit bench: torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"fused kernels {state} ({load_seconds:.2f} s to load)")
    paths = tuple(p for p in args.paths if p != "fused" or fused_ready)
    report = benchmark.run(cells=args.cells, shapes=args.shapes, modes=args.modes, paths=paths,
                           repeats=args.repeats, warmup=args.warmup, keras=not args.no_keras,
                           clock=args.clock, measure_peak=not args.no_peak)
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        data = report.as_dict() | {"fused_load_seconds": load_seconds,
                                   "command": "rnnkit bench " + _command_line(args)}
        write_text_atomically(args.out / "bench.json", json.dumps(data, indent=1) + "\n")
        write_text_atomically(args.out / "bench.md", benchmark.markdown(report))
        print(f"wrote {args.out / 'bench.json'} and {args.out / 'bench.md'}")
    return 0


def _command_line(args: argparse.Namespace) -> str:
    parts = [f"--cells {','.join(args.cells)}", f"--shapes {','.join(args.shapes)}",
             f"--modes {','.join(args.modes)}", f"--paths {','.join(args.paths)}",
             f"--repeats {args.repeats}"]
    if args.threads is not None:
        parts.append(f"--threads {args.threads}")
    if args.clock != "wall":
        parts.append(f"--clock {args.clock}")
    return " ".join(parts)
