"""``rnnkit eval CKPT --data FILE``: score a trained model on labelled data; the task comes from the checkpoint."""

from __future__ import annotations

import argparse

from ..tasks.registry import open_checkpoint


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="evaluate a checkpoint of any task (or its run directory) on data",
        description="Example: rnnkit eval runs/nsmc --data ratings_dev.txt   (prints 'accuracy 0.873' first, then the report)",
    )
    parser.add_argument("checkpoint", metavar="CKPT", nargs="+",
                        help="a checkpoint file, or the run directory written by --out; classify: several are scored as an ensemble (mean probabilities)")
    parser.add_argument("--data", help="labelled data in the format the task was trained on (lm: a text; default: the held-out part)")
    parser.add_argument("--out", help="folder for the report's files (default: the checkpoint's folder)")
    parser.add_argument("--text-col", help="classify: text column (default: the one used in training)")
    parser.add_argument("--label-col", help="classify: label column (default: the one used in training)")
    parser.add_argument("--column", help="tag: CoNLL-U tag column, upos or xpos (default: the one used in training)")
    parser.add_argument("--count", type=int, help="music: tunes sampled and judged (default 20)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    options = {"text_col": args.text_col, "label_col": args.label_col, "column": args.column, "count": args.count}
    tasks = [open_checkpoint(path)[0] for path in args.checkpoint]
    task = tasks[0]
    if len(tasks) > 1 and {t.name for t in tasks} != {"classify"}:
        raise ValueError(f"several checkpoints are scored together only for classify; got tasks {[t.name for t in tasks]}")
    checkpoint = args.checkpoint if len(tasks) > 1 else args.checkpoint[0]
    print(task.eval_text(checkpoint, args.data, args.out, options))
    return 0
