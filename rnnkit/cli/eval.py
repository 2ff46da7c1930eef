"""``rnnkit eval CKPT --data FILE``: score a trained model on labelled data; the task comes from the checkpoint."""

from __future__ import annotations

import argparse
import sys

from ..tasks import classification, forecasting, seq2seq, tagging
from ..tasks.checkpoints import checkpoint_task

# task name (as recorded in the checkpoint) -> function(checkpoint, data, out, options) -> text to print
EVALUATE = {
    "classify": classification.eval_text,
    "seq2seq": seq2seq.eval_text,
    "tag": tagging.eval_text,
    "forecast": forecasting.eval_text,
}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="evaluate a classify/tag/forecast checkpoint (or run directory) on data",
        description="Example: rnnkit eval runs/nsmc --data ratings_dev.txt   (prints 'accuracy 0.873' first, then the report)",
    )
    parser.add_argument("checkpoint", metavar="CKPT", nargs="+",
                        help="a checkpoint file, or the run directory written by --out; classify: several are scored as an ensemble (mean probabilities)")
    parser.add_argument("--data", help="labelled data in the format the task was trained on")
    parser.add_argument("--out", help="folder for the report's files (default: the checkpoint's folder)")
    parser.add_argument("--text-col", help="classify: text column (default: the one used in training)")
    parser.add_argument("--label-col", help="classify: label column (default: the one used in training)")
    parser.add_argument("--column", help="tag: CoNLL-U tag column, upos or xpos (default: the one used in training)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    options = {"text_col": args.text_col, "label_col": args.label_col, "column": args.column}
    try:
        tasks = [checkpoint_task(path) for path in args.checkpoint]
        task = tasks[0]
        if task not in EVALUATE:
            raise ValueError(f"{args.checkpoint[0]}: rnnkit eval does not know task {task!r} (it knows {sorted(EVALUATE)})")
        if len(args.checkpoint) > 1 and set(tasks) != {"classify"}:
            raise ValueError(f"several checkpoints are scored together only for classify; got tasks {tasks}")
        checkpoint = args.checkpoint if len(args.checkpoint) > 1 else args.checkpoint[0]
        print(EVALUATE[task](checkpoint, args.data, args.out, options))
    except ValueError as error:
        print(f"rnnkit eval: error: {error}", file=sys.stderr)
        return 2
    return 0
