"""Fuzz every file rnnkit reads: N mutated files per kind, each case isolated in a worker with a memory cap and a timeout.

    nice -n 10 python scripts/fuzz_files.py --cases 10000 --workers 2          # every kind, a table of outcomes
    python scripts/fuzz_files.py --kinds h5,keras --cases 500 --first-seed 7000
    python scripts/fuzz_files.py --replay h5 1234                              # one case, in this process, with its traceback

A case is ``(kind, seed)``: the same seed folder (``--seeds``, built on first use) gives the same
mutant, so any case in the report replays alone. Crashes, signals, timeouts and memory-cap hits
are listed after the table with their first line (type, message, top frame); ``--report FILE``
writes every non-ok result as JSON lines. The kinds and mutators are in ``tests/fuzz/``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import traceback
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fuzz import kinds, runner, seeds  # noqa: E402
from fuzz.hdf5_mutators import write_foreign_files  # noqa: E402

DEFAULT_SEEDS = Path(tempfile.gettempdir()) / "rnnkit-fuzz-seeds"


def seed_folder(folder: Path) -> Path:
    """``folder`` with every seed file in it, built once (a ``done`` file marks a finished build)."""
    if not (folder / "done").is_file():
        print(f"building seed files in {folder} (once) ...", file=sys.stderr)
        seeds.build(folder)
        (folder / "done").write_text("")
    return folder


def replay(kind: str, seed: int, folder: Path) -> int:
    """Run one case in this process: the mutant's path, its mutators, the traceback of what it raised, its outcome."""
    work = Path(tempfile.mkdtemp(prefix="rnnkit-replay-"))
    write_foreign_files(work)
    os.chdir(work)
    path, mutators = kinds.make_case(kind, seed, folder, work)
    print(f"file: {path}\nmutators: {' -> '.join(mutators)}")
    error, cli = None, None
    try:
        cli = kinds.open_case(kind, seed, path, folder)
    except Exception as raised:
        error = raised
        traceback.print_exc()
    result = runner.classify(kind, seed, error, path, cli, mutators)
    print(f"{kind} {seed}: {result.outcome}  {result.detail}")
    return 1 if result.outcome in runner.FAILURES else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kinds", help=f"comma-separated (default: all): {', '.join(kinds.KINDS)}")
    parser.add_argument("--cases", type=int, default=200, help="cases per kind (default 200)")
    parser.add_argument("--first-seed", type=int, default=0, help="seed of each kind's first case (default 0)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS, help=f"seed-file folder (default {DEFAULT_SEEDS})")
    parser.add_argument("--report", type=Path, help="write every result that is not ok as JSON lines here")
    parser.add_argument("--replay", nargs=2, metavar=("KIND", "SEED"), help="run one case in this process, with its traceback")
    args = parser.parse_args(argv)
    folder = seed_folder(args.seeds)
    if args.replay:
        return replay(args.replay[0], int(args.replay[1]), folder)
    names = args.kinds.split(",") if args.kinds else list(kinds.KINDS)
    unknown = sorted(set(names) - set(kinds.KINDS))
    if unknown:
        parser.error(f"unknown kinds {unknown}; known: {', '.join(kinds.KINDS)}")
    cases = [(kind, seed) for seed in range(args.first_seed, args.first_seed + args.cases) for kind in names]
    started = time.monotonic()
    done = 0

    def progress(result: runner.Result) -> None:
        nonlocal done
        done += 1
        if done % 500 == 0:
            print(f"{done:,}/{len(cases):,} cases, {time.monotonic() - started:.0f} s", file=sys.stderr)

    results = runner.run_cases(cases, folder, args.workers, progress)
    print(runner.table(results))
    print(f"\n{len(results):,} cases in {time.monotonic() - started:.0f} s with {args.workers} worker(s)")
    failures = [r for r in results if r.outcome in runner.FAILURES]
    for result in sorted(failures, key=lambda r: (r.kind, r.seed))[:100]:
        print(f"{result.outcome:8} {result.kind} {result.seed}: {result.detail}")
    if args.report:
        args.report.write_text("".join(json.dumps(asdict(r)) + "\n" for r in results if r.outcome != "ok"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
