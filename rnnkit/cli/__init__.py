"""The ``rnnkit`` command: one module per subcommand, each with ``add_parser`` and ``run``."""

from __future__ import annotations

import argparse
import os
import sys

from . import bench, convert, demo, eval, experiment, inspect, predict, sample, score, summary, train, translate, word2vec

SUBCOMMANDS = [demo, train, translate, eval, predict, sample, score, summary, convert, inspect, experiment, word2vec, bench]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rnnkit", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module in SUBCOMMANDS:
        module.add_parser(subparsers)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:
        # The reader went away (``rnnkit sample ... | head``): stop quietly, as other Unix tools do.
        # Point stdout at /dev/null so Python's flush at exit does not raise a second time.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a tool killed by the closed pipe


if __name__ == "__main__":
    sys.exit(main())
