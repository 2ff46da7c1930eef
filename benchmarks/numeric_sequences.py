"""Japanese Vowels speaker accuracy: train on the bundled training part (10% held out to choose the epoch), score the test part.

Not collected by pytest. Run from the project root::

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/numeric_sequences.py

It runs what ``rnnkit train classify --sequence-of-features --seed S`` followed by ``rnnkit eval
RUN`` run, once per seed, so the spread between seeds shows next to the mean. Published LSTM
results on this split are about 97-99%.

Measured 2026-11-23 on the shared 2-core machine (load average 2.8), one thread, defaults: test
accuracy 0.9622 ± 0.0027 over seeds 0, 1, 2 (0.9622, 0.9595, 0.9649; best epochs 16, 11, 11),
2-4 s of training per seed, 11 s for the whole script. The 27 validation utterances reach 100%
within a dozen epochs, so the earliest such epoch is kept.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from rnnkit.tasks import classification


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--cell", default="lstm")
    parser.add_argument("--units", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    parser.add_argument("--out", default="runs/bench_vowels")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    config = (f"bidirectional 1-layer {args.cell.upper()}({args.units}), dropout 0.3, Adam lr {args.lr}, batch {args.batch_size}, "
              f"{args.epochs} epochs, best of them by validation accuracy, {args.threads} thread(s), torch {torch.__version__}")
    print(f"Japanese Vowels (UCI): 270 training utterances (243 train, 27 validation), 370 test; {config}")
    accuracies = []
    for seed in args.seeds:
        started = time.monotonic()
        result = classification.train(sequence_of_features=True, out=f"{args.out}/seed{seed}", cell=args.cell, units=args.units,
                                      epochs=args.epochs, batch_size=args.batch_size, learning_rate=args.lr, seed=seed,
                                      say=lambda line: None)
        seconds = time.monotonic() - started
        accuracy = classification.evaluate(result.out).accuracy  # the bundled test part
        accuracies.append(accuracy)
        print(f"seed {seed}: test accuracy {accuracy:.4f}  (best epoch {result.best_epoch}, validation accuracy "
              f"{result.best:.4f}, trained in {seconds:.1f} s)")
    spread = f" ± {statistics.stdev(accuracies):.4f}" if len(accuracies) > 1 else ""
    print(f"test accuracy {statistics.mean(accuracies):.4f}{spread} over {len(accuracies)} seed(s)")


if __name__ == "__main__":
    run()
