"""NSMC sentiment accuracy: train on ratings_train (10% held out for choosing the epoch), report dev accuracy.

Not collected by pytest. Run from the project root (the data lives in ../shared, outside the project)::

    .venv/bin/python benchmarks/nsmc_classify.py --minutes 12 --threads 1

Measured 2026-11-23 on the shared 2-core machine under heavy load from other jobs, one thread:
- defaults (BPE 8000, BiLSTM 128, embedding 128, batch 64): 2 epochs in 12.8 minutes (the first
  includes a one-time kernel build), dev accuracy 0.8581.
- ``-- --cell gru --max-vocab 16000 --units 96 --dropout 0.4 --batch-size 128 --lr 0.003``:
  3 epochs in 13.1 minutes, best held-out epoch 1, dev accuracy 0.8603.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch

from rnnkit.cli import main

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "nsmc"


def run() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", default="12")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1 is fastest on a busy 2-core machine)")
    parser.add_argument("--out", default="runs/bench_nsmc")
    parser.add_argument("extra", nargs="*", help="more 'rnnkit train classify' options, after --")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    options = ["--tokens", "bpe", "--max-vocab", "8000", "--max-len", "60", "--units", "128", "--embedding", "128",
               "--batch-size", "64", "--epochs", "20", "--minutes", args.minutes, *args.extra]
    started = time.monotonic()
    code = main(["train", "classify", "--data", str(DATA / "ratings_train.txt"), "--out", args.out, *options])
    trained = time.monotonic() - started
    if code:
        return code
    print(f"training took {trained / 60:.1f} minutes with {args.threads} thread(s); options: {' '.join(options)}")
    return main(["eval", args.out, "--data", str(DATA / "ratings_dev.txt")])


if __name__ == "__main__":
    raise SystemExit(run())
