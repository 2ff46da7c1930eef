"""Same as ``rnnkit bench``, as a script: ``python benchmarks/bench_rnn.py --shapes small``.

Lives outside tests/: pytest never collects it. Arguments are those of ``rnnkit bench``.
"""

import argparse
import sys

from rnnkit.cli import bench


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="bench_rnn.py")
    bench.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["bench", *(sys.argv[1:] if argv is None else argv)])
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
