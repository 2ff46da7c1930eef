"""``rnnkit score CKPT TEXT...``: how probable a language model finds each text, most probable first."""

from __future__ import annotations

import argparse

from ..tasks import language_model


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "score",
        help="log-probability and perplexity of sentences under a language model",
        description="Prints one line per text, most probable first: its log-probability (natural log), "
        "its perplexity per token, and the text, separated by tabs. "
        "Example: rnnkit score runs/lm 'The apple and pear salad' 'The apple and pair salad'",
    )
    parser.add_argument("checkpoint", metavar="CKPT", help="a checkpoint file, or a run directory (its best checkpoint)")
    parser.add_argument("texts", metavar="TEXT", nargs="+", help="sentences to score")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    rows = language_model.score(args.checkpoint, args.texts)
    for log_probability, perplexity, text in rows:  # natural-log probability, perplexity per token, text
        print(f"{log_probability:.3f}\t{perplexity:.3f}\t{text}")
    return 0
