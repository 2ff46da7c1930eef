"""``rnnkit train seq2seq``: an encoder-decoder on source<TAB>target pairs, or on the bundled dates task."""

from __future__ import annotations

import argparse
import sys

import torch

from ..tasks import seq2seq
from .settings_flags import add_setting_flags, settings_from

EXAMPLE = """examples:
  rnnkit train seq2seq --minutes 5                    # human-written dates -> ISO 8601, generated
  rnnkit train seq2seq --data pairs.tsv --source-tokens word --target-tokens word --out runs/pairs
  rnnkit train seq2seq --attention none --bidirectional no --out runs/dates-plain
then:
  rnnkit translate runs/seq2seq "the 3rd of March 1998" --beam 4
  rnnkit eval runs/seq2seq                            # exact match and BLEU on the held-out pairs
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "seq2seq",
        help="sequence to sequence: an encoder-decoder from source to target texts",
        description="Train an encoder-decoder with teacher forcing; writes model.safetensors (the best epoch) to --out.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_setting_flags(parser, seq2seq.Seq2SeqSettings)
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's; 1 is often faster on a busy machine)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.threads is not None:
        torch.set_num_threads(max(1, args.threads))
    try:
        result = seq2seq.train(settings_from(args, seq2seq.Seq2SeqSettings))
    except KeyboardInterrupt:
        print("\nrnnkit train seq2seq: interrupted; model.safetensors holds the best finished epoch", file=sys.stderr)
        return 130
    scores = result.details["scores"]
    print(f"\nStopped by {result.stopped_by} after {len(result.history)} epochs. Saved model on all "
          f"{int(scores['examples']):,} held-out pairs: exact match {scores['exact_match']:.4f}, BLEU {scores['bleu']:.2f}")
    print(f"model: {result.checkpoint}")
    print(f"next:  rnnkit translate {result.out} \"...\" --beam 4")
    return 1 if result.stopped_by == "nan" else 0
