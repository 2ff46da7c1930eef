"""``rnnkit experiment long-memory``: which recurrent cells learn long-range dependencies."""

from __future__ import annotations

import argparse

from ..tasks import long_memory


def _ints(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers such as 10,50,100; got {text!r}") from None


def _names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    defaults = long_memory.Settings()
    parser = subparsers.add_parser(
        "experiment",
        help="run a reproducible experiment (long-memory: SimpleRNN vs LSTM vs GRU on long dependencies)",
        description="Example: rnnkit experiment long-memory --task adding --lengths 10,50,100,200 "
        "--cells simple,lstm,gru --minutes 10 --seed 0 --out runs/long-memory",
    )
    parser.add_argument("name", choices=["long-memory"], help="the experiment to run")
    parser.add_argument("--task", choices=["adding", "copy"], default=defaults.task, help="synthetic problem (default adding)")
    parser.add_argument("--lengths", type=_ints, default=defaults.lengths, help="sequence lengths T (default 10,50,100,200)")
    parser.add_argument("--cells", type=_names, default=defaults.cells, help="cells among simple,lstm,gru (default all)")
    parser.add_argument("--minutes", type=float, default=defaults.minutes, help="time budget for all runs (default 10)")
    parser.add_argument("--seed", type=int, default=defaults.seed, help="seed of weights and data (default 0)")
    parser.add_argument("--max-steps", type=int, default=defaults.max_steps, help="training steps per run at most (default 3000)")
    parser.add_argument("--units", type=int, default=defaults.units, help="units of each recurrent layer (default 32)")
    parser.add_argument("--test-samples", type=int, default=defaults.test_samples, help="test sequences (default 1000)")
    parser.add_argument("--out", default="runs/long-memory", help="folder for results.md, results.json and plots")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = long_memory.Settings(
        task=args.task,
        lengths=args.lengths,
        cells=args.cells,
        minutes=args.minutes,
        seed=args.seed,
        max_steps=args.max_steps,
        units=args.units,
        test_samples=args.test_samples,
    )
    settings.check()
    long_memory.run(settings, args.out)
    return 0
