"""UD English-EWT UPOS accuracy: train on the training file (10% held out to choose the epoch), report dev accuracy.

Not collected by pytest. Run from the project root (the data lives in ../shared, outside the project)::

    .venv/bin/python benchmarks/ud_ewt_tag.py --minutes 12 --threads 1

Measured 2026-11-23 on the shared 2-core machine under heavy load, one thread, defaults (BiLSTM
128 over word, suffix and shape embeddings, no character features): 12 epochs in 12.2 minutes,
best held-out epoch 7, dev UPOS accuracy 0.9403 (known words 0.9545, unseen words 0.7521).
With ``--minutes 10 -- --char-units 32`` (lighter load by then: 25 epochs in 10.0 minutes), best
held-out epoch 22, dev UPOS accuracy 0.9428 (known 0.9569, unseen 0.7567).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch

from rnnkit.cli import main

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ud_ewt"


def run() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", default="12")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1 is fastest on a busy 2-core machine)")
    parser.add_argument("--out", default="runs/bench_ewt")
    parser.add_argument("extra", nargs="*", help="more 'rnnkit train tag' options, after --")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    options = ["--units", "128", "--embedding", "100", "--batch-size", "32", "--epochs", "30", "--minutes", args.minutes, *args.extra]
    started = time.monotonic()
    code = main(["train", "tag", "--data", str(DATA / "en_ewt-ud-train.conllu"), "--out", args.out, *options])
    trained = time.monotonic() - started
    if code:
        return code
    print(f"training took {trained / 60:.1f} minutes with {args.threads} thread(s); options: {' '.join(options)}")
    return main(["eval", args.out, "--data", str(DATA / "en_ewt-ud-dev.conllu")])


if __name__ == "__main__":
    raise SystemExit(run())
