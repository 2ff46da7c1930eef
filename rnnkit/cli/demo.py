"""``rnnkit demo``: build the Keras seed models, print their summaries, train a small LSTM."""

from __future__ import annotations

import argparse

from ..tasks import demo


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="summaries of the Keras seed models and a few seconds of LSTM training",
        description="Example: rnnkit demo --seconds 5",
    )
    parser.add_argument("--seconds", type=float, default=5.0, help="training time (default 5)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    losses = demo.run(args.seconds)
    return 0 if losses[-1] < losses[0] else 1
