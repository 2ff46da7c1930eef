"""``rnnkit demo``: build the Keras seed models, print their summaries, train a small LSTM."""

from __future__ import annotations

import argparse

from ..tasks import demo


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="summaries of the Keras seed models and a few seconds of LSTM training",
        description="Example: rnnkit demo --epochs 6",
    )
    parser.add_argument("--epochs", type=int, default=6, help="training epochs (default 6, about 5 s)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    losses = demo.run(args.epochs)
    return 0 if losses[-1] < losses[0] else 1
