"""``rnnkit train TASK ...``: train a model for one task; each task is its own module (``train_lm``, ...).

To add a task, write ``rnnkit/cli/train_<task>.py`` with ``add_parser(subparsers)`` (setting
``run=``) and append it to ``TASKS`` below. A Ctrl-C stops any task at once with status 130: its
run folder then holds the last finished epoch, and ``--resume`` redoes the unfinished one.
"""

from __future__ import annotations

import argparse
import sys
from typing import Callable

from . import train_classify, train_ctc, train_dna, train_forecast, train_lm, train_music, train_seq2seq, train_tag

TASKS = [train_lm, train_classify, train_seq2seq, train_tag, train_forecast, train_ctc, train_music, train_dna]


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "train",
        help="train a model for a task: lm, classify, tag, forecast, seq2seq, ctc, music or dna",
        description="Train a model for one task; it writes its checkpoint to --out, for eval, predict, sample and inspect.\n"
                    "Example: rnnkit train lm --minutes 3      'rnnkit train TASK --help' shows a task's options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    tasks = parser.add_subparsers(dest="task", required=True, metavar="TASK", title="tasks")
    for module in TASKS:
        module.add_parser(tasks)
    for name, task_parser in tasks.choices.items():
        task_parser.set_defaults(run=stopping_on_ctrl_c(name, task_parser.get_default("run")))


def stopping_on_ctrl_c(task: str, run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """``run``, but a Ctrl-C (``KeyboardInterrupt``) ends it with one line and status 130 (128 + SIGINT) instead of a traceback."""
    def run_until_ctrl_c(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except KeyboardInterrupt:
            out = getattr(args, "out", "the run folder")
            print(f"\nrnnkit train {task}: interrupted; {out} holds the last finished epoch "
                  f"(continue with: rnnkit train {task} --out {out} --resume)", file=sys.stderr)
            return 130
    return run_until_ctrl_c
