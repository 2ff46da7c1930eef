"""A fuzz worker: ``python -m fuzz.worker SEEDS ANSWER_FD MEMORY_CAP FOLDER``; reads ``[kind, seed]`` lines, answers with results.

It runs many cases (importing torch and rnnkit once), each in a clean working folder that also
holds the files foreign references point at. stdout and stderr go to /dev/null (the CLI's prints,
libhdf5's diagnostics); answers go to ``ANSWER_FD``. See :mod:`.runner`.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import shutil
import sys
import warnings
from dataclasses import asdict
from pathlib import Path

from .hdf5_mutators import write_foreign_files
from .kinds import make_case, open_case
from .runner import Result, classify


def run_case(kind: str, seed: int, seeds: Path, folder: Path) -> Result:
    """Make case ``(kind, seed)`` in ``folder`` and open it; its outcome."""
    for stale in folder.iterdir():  # the last case's files, not the foreign files every case may point at
        if not stale.name.startswith("foreign"):
            shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    path, mutators = make_case(kind, seed, seeds, folder)
    error, cli = None, None
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            cli = open_case(kind, seed, path, seeds)
    except KeyboardInterrupt:
        raise
    except BaseException as raised:  # the point of the harness: every exception type (SystemExit too) is an outcome
        error = raised
    return classify(kind, seed, error, path, cli, mutators)


def cap_memory(headroom: int) -> None:
    """Limit the address space to what the process maps now plus ``headroom`` bytes."""
    with open("/proc/self/status") as status:
        now = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    resource.setrlimit(resource.RLIMIT_AS, (now + headroom, resource.getrlimit(resource.RLIMIT_AS)[1]))


def main(seeds: Path, answer_fd: int, headroom: int, folder: Path) -> None:
    import torch

    import rnnkit  # noqa: F401  (imported before the cap, as every case needs it)
    import rnnkit.cli  # noqa: F401

    torch.set_num_threads(1)
    warnings.simplefilter("ignore")
    os.chdir(folder)
    write_foreign_files(folder)
    answers = os.fdopen(answer_fd, "w")
    cap_memory(headroom)
    answers.write("ready\n")
    answers.flush()
    for line in sys.stdin:
        kind, seed = json.loads(line)
        answers.write(json.dumps(asdict(run_case(kind, seed, seeds, folder))) + "\n")
        answers.flush()


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]))
