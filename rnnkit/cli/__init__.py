"""The ``rnnkit`` command: one module per subcommand, each with ``add_parser`` and ``run``."""

from __future__ import annotations

import argparse
import sys

from . import bench, convert, demo, eval, experiment, inspect, predict, sample, score, summary, train, translate, word2vec

SUBCOMMANDS = [demo, train, translate, eval, predict, sample, score, summary, convert, inspect, experiment, word2vec, bench]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rnnkit", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module in SUBCOMMANDS:
        module.add_parser(subparsers)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
