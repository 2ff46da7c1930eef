"""The ``rnnkit`` command: one module per subcommand (``add_parser`` and ``run``), one error handler here.

A subcommand's ``run`` raises ``ValueError``/``OSError`` for bad input (a damaged or hostile file is a
:class:`~rnnkit.errors.FileFormatError`, a ``ValueError`` naming the file), or
:class:`~rnnkit.extras.MissingExtraError` when an optional dependency is missing; :func:`main` prints it as one
line, ``rnnkit COMMAND: error: ...``, and exits with status 2. Ctrl-C outside training's own handling exits
with 130 (128 + SIGINT) and no traceback. Any other exception is a bug in rnnkit and shows its traceback.
A bad setting (:class:`SettingError`) is shown under the flag the user typed (``--units must be ...``), not
the field's name.
"""

from __future__ import annotations

import argparse
import os
import sys

from ..extras import MissingExtraError
from ..tasks.settings import SettingError
from . import bench, convert, demo, eval, experiment, export, inspect, predict, sample, score, serve, summary, train, transcribe, translate, word2vec
from .settings_flags import FLAGS

SUBCOMMANDS = [demo, train, translate, transcribe, eval, predict, sample, score, summary, convert, export, inspect, serve, experiment, word2vec, bench]

DESCRIPTION = """\
Recurrent networks (LSTM, GRU, SimpleRNN) with Keras's API on torch: train a model for a task,
use it, look inside it, and open Keras model files without TensorFlow.

Start with:
  rnnkit demo                                   a few seconds of training on the bundled data
  rnnkit train lm --minutes 3                   a character language model of Shakespeare
  rnnkit sample runs/lm --prime 'ROMEO:'        text from it
  rnnkit train classify --data ratings_train.txt --out runs/nsmc
  rnnkit eval runs/nsmc --data ratings_dev.txt
  rnnkit train --help                           every task (lm, classify, tag, forecast, seq2seq)

'rnnkit COMMAND --help' shows a command's options and examples.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rnnkit", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in SUBCOMMANDS:
        module.add_parser(subparsers)
    args = parser.parse_args(argv)
    name = " ".join(["rnnkit", args.command, *([args.task] if getattr(args, "task", None) else [])])
    try:
        return args.run(args)
    except BrokenPipeError:
        # The reader went away (``rnnkit sample ... | head``): stop quietly, as other Unix tools do.
        # Point stdout at /dev/null so Python's flush at exit does not raise a second time.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a tool killed by the closed pipe
    except KeyboardInterrupt:
        print(f"{name}: interrupted", file=sys.stderr)
        return 130  # 128 + SIGINT, what a shell reports for a tool stopped by Ctrl-C
    except (ValueError, OSError, MissingExtraError) as error:
        print(f"{name}: error: {_message(error, args)}", file=sys.stderr)
        return 2


def _message(error: Exception, args: argparse.Namespace) -> str:
    flags = getattr(args, FLAGS, {})
    if isinstance(error, SettingError) and error.field in flags:
        return f"{flags[error.field]} {error.problem}"
    return " ".join(str(error).splitlines())  # one line, whatever the error's text holds


if __name__ == "__main__":
    sys.exit(main())
