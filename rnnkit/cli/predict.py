"""``rnnkit predict CKPT INPUT...``: run a trained model on new inputs; the task comes from the checkpoint."""

from __future__ import annotations

import argparse
import sys

from ..tasks import classification, forecasting, tagging
from ..tasks.checkpoints import checkpoint_task

# task name (as recorded in the checkpoint) -> function(checkpoint, inputs, options) -> text to print
PREDICT = {
    "classify": classification.predict_text,
    "tag": tagging.predict_text,
    "forecast": forecasting.predict_text,
}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "predict",
        help="predict with a classify/tag/forecast checkpoint (or run directory)",
        description="Example: rnnkit predict runs/nsmc '정말 재밌어요'   (classify: label, probability, text; tag: word/TAG)\n"
                    "         rnnkit predict runs/vowels --data new.csv   (numeric sequences: id, label, probability)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("checkpoint", metavar="CKPT", help="a checkpoint file, or the run directory written by --out")
    parser.add_argument("inputs", metavar="TEXT", nargs="*", help="texts (classify), sentences (tag); forecast needs none")
    parser.add_argument("--data", help="forecast: a CSV whose last rows are the history to forecast from; "
                                       "classify: numeric sequences (NPZ, or a table like the training one)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        task = checkpoint_task(args.checkpoint)
        if task not in PREDICT:
            raise ValueError(f"{args.checkpoint}: rnnkit predict does not know task {task!r} (it knows {sorted(PREDICT)})")
        print(PREDICT[task](args.checkpoint, args.inputs, {"data": args.data}))
    except ValueError as error:
        print(f"rnnkit predict: error: {error}", file=sys.stderr)
        return 2
    return 0
