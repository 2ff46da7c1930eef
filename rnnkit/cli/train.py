"""``rnnkit train TASK ...``: train a model for one task; each task is its own module (``train_lm``, ...).

To add a task, write ``rnnkit/cli/train_<task>.py`` with ``add_parser(subparsers)`` (setting
``run=``) and append it to ``TASKS`` below.
"""

from __future__ import annotations

import argparse

from . import train_classify, train_ctc, train_forecast, train_lm, train_seq2seq, train_tag

TASKS = [train_lm, train_classify, train_seq2seq, train_tag, train_forecast, train_ctc]


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "train",
        help="train a model for a task: lm, classify, tag, forecast, seq2seq or ctc",
        description="Train a model for one task; it writes its checkpoint to --out, for eval, predict, sample and inspect.\n"
                    "Example: rnnkit train lm --minutes 3      'rnnkit train TASK --help' shows a task's options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    tasks = parser.add_subparsers(dest="task", required=True, metavar="TASK", title="tasks")
    for module in TASKS:
        module.add_parser(tasks)
