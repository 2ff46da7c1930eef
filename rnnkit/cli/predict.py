"""``rnnkit predict CKPT INPUT...``: run a trained model on new inputs; the task comes from the checkpoint."""

from __future__ import annotations

import argparse

from ..tasks.registry import TASKS, open_checkpoint


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
    task, _ = open_checkpoint(args.checkpoint)
    if task.predict_text is None:
        known = sorted(name for name, t in TASKS.items() if t.predict_text is not None)
        raise ValueError(f"{args.checkpoint}: {task.title} ({task.name!r}); rnnkit predict runs {', '.join(known)} checkpoints "
                         "(a language model: rnnkit sample; seq2seq: rnnkit translate)")
    print(task.predict_text(args.checkpoint, args.inputs, {"data": args.data}))
    return 0
