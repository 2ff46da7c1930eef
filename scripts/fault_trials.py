"""Kill or Ctrl-C ``rnnkit train lm`` (tiny) at random moments, resume it, and check nothing was lost.

Each trial starts a run of ``--epochs 4`` in a child process, sends it ``--signal`` (KILL or INT) at
a random moment of its training, then checks that ``latest.safetensors`` (if an epoch had finished)
loads, that no child printed a traceback, that ``--resume`` finishes the run with the per-epoch
losses and weights of an uninterrupted run, and that no temporary file is left in the folder.
``--slow-writes`` makes every fsync take 50 ms, so more signals land in the middle of a write.

    nice -n 10 python scripts/fault_trials.py --trials 10 --signal KILL --slow-writes
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
CHILD = """
import os, sys, time
if os.environ.get("SLOW_WRITES"):
    fsync = os.fsync
    os.fsync = lambda fd: (time.sleep(0.05), fsync(fd))[1]
from rnnkit.cli import main
sys.exit(main(sys.argv[1:]))
"""


def command(out: Path, data: Path, *flags: str) -> list[str]:
    return [sys.executable, "-c", CHILD, "train", "lm", "--out", str(out), "--data", str(data), "--units", "8", "--embedding", "4",
            "--seq-len", "16", "--batch-size", "8", "--steps-per-epoch", "4", "--samples", "0", *flags]


def run_of(out: Path) -> tuple[list[dict], dict[str, torch.Tensor]]:
    from rnnkit.training.checkpoint import read_checkpoint

    contents = read_checkpoint(out / "latest.safetensors")
    rows = [{k: v for k, v in row.items() if k != "seconds"} for row in contents.header["record"]["history"]]
    return rows, contents.group("model")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--signal", choices=("KILL", "INT"), default="KILL")
    parser.add_argument("--slow-writes", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    if args.slow_writes:
        environment["SLOW_WRITES"] = "1"
    folder = Path(tempfile.mkdtemp(prefix="fault_trials_"))
    data = folder / "text.txt"
    data.write_text("the cat sat on the mat.\n" * 60, encoding="utf-8")
    started = time.monotonic()
    subprocess.run(command(folder / "reference", data, "--epochs", "4"), env=environment, check=True, capture_output=True)
    duration = time.monotonic() - started
    reference = run_of(folder / "reference")
    tally = {"exact": 0, "codes": {}, "tracebacks": 0, "left_temporaries": 0, "latest_unreadable": 0}
    for trial in range(args.trials):
        out = folder / f"trial{trial}"
        child = subprocess.Popen(command(out, data, "--epochs", "4"), env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
        time.sleep(rng.uniform(0.3, 1.0) * duration)
        child.send_signal(getattr(signal, f"SIG{args.signal}"))
        _, error = child.communicate()
        tally["codes"][child.returncode] = tally["codes"].get(child.returncode, 0) + 1
        tally["tracebacks"] += "Traceback" in error
        resume = ["--resume"] if (out / "latest.safetensors").exists() else []
        if resume:
            try:
                run_of(out)
            except (OSError, ValueError):
                tally["latest_unreadable"] += 1
        finished = subprocess.run(command(out, data, *resume, "--epochs", "4"), env=environment, capture_output=True, text=True)
        tally["tracebacks"] += "Traceback" in finished.stderr
        rows, weights = run_of(out)
        same = rows == reference[0] and all(torch.equal(weights[k], v) for k, v in reference[1].items())
        tally["exact"] += same
        tally["left_temporaries"] += any(name.endswith(".tmp") for name in os.listdir(out))
        print(f"trial {trial}: exit {child.returncode}, resumed {bool(resume)}, exact {same}", flush=True)
    print(f"{args.trials} trials of SIG{args.signal}{' with slow writes' if args.slow_writes else ''}: {tally}")
    return 0 if tally["exact"] == args.trials and not tally["tracebacks"] and not tally["left_temporaries"] else 1


if __name__ == "__main__":
    sys.exit(main())
