"""Run fuzz cases in worker processes with a memory cap and a timeout, and sort each into one outcome.

A worker (``python -m fuzz.worker SEEDS ANSWER_FD MEMORY_CAP FOLDER``) imports rnnkit once, caps its address space at what it
uses then plus :data:`MEMORY_CAP` (``resource.setrlimit(RLIMIT_AS)``), and answers cases read
from stdin (one JSON line each) with one JSON line each, on a pipe of its own (rnnkit's prints
and libhdf5's go to /dev/null). The parent keeps ``workers`` of them busy; a case that gets no
answer in :data:`TIMEOUT` seconds is a ``timeout`` and its worker is killed, one whose worker
dies is a ``signal``; either way the next case gets a fresh worker.

Outcomes: ``ok`` (loaded), ``refused`` (a :class:`~rnnkit.errors.FileFormatError`, or a
``ValueError``/``OSError`` whose message names the file; a CLI command's exit status 1 or 2 with
the file on stderr), ``vague`` (such an error that does not name the file), ``crash`` (any other
exception: its type, message and top frame), ``memory`` (``MemoryError``: the cap was hit),
``signal``, ``timeout``, and ``foreign`` (a model loaded with the bytes of a file its case pointed at among its weights).
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

TIMEOUT = 10.0
MEMORY_CAP = 2 << 30
LOADER_CAP = 1 << 30  # RNNKIT_MAX_BYTES in workers: under the memory cap, so a loader's own check must come first
OUTCOMES = ("ok", "refused", "vague", "crash", "memory", "signal", "timeout", "foreign")
FAILURES = ("crash", "memory", "signal", "timeout", "foreign")
TESTS = Path(__file__).resolve().parents[1]


@dataclass
class Result:
    kind: str
    seed: int
    outcome: str
    detail: str = ""  # crash: "Type: message @ file:line in function"; others: the error's first line
    mutators: list[str] = field(default_factory=list)


def classify(kind: str, seed: int, error: BaseException | None, path: Path, cli: tuple[int, str] | None, mutators: list[str]) -> Result:
    """The outcome of one case from what its loader raised (``error``) or, for a CLI command, returned (``cli``)."""
    from rnnkit.errors import FileFormatError

    from .kinds import ForeignBytesLoaded

    named = lambda text: str(path) in text or path.name in text
    if error is None and cli is not None and cli[0] != 0:
        status, stderr = cli
        line = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit {status}, nothing on stderr"
        return Result(kind, seed, "refused" if named(stderr) else "vague", line[:300], mutators)
    if error is None:
        return Result(kind, seed, "ok", "", mutators)
    message = str(error).splitlines()[0][:300] if str(error) else ""
    if isinstance(error, ForeignBytesLoaded):
        return Result(kind, seed, "foreign", message, mutators)
    if isinstance(error, MemoryError):
        return Result(kind, seed, "memory", f"MemoryError {message} @ {top_frame(error)}", mutators)
    if isinstance(error, FileFormatError) or (isinstance(error, (ValueError, OSError)) and named(str(error))):
        return Result(kind, seed, "refused", message, mutators)
    if isinstance(error, (ValueError, OSError)) and type(error).__name__ in ("ValueError", "SettingError", "FileNotFoundError"):
        return Result(kind, seed, "vague", f"{type(error).__name__}: {message}", mutators)
    return Result(kind, seed, "crash", f"{type(error).__name__}: {message} @ {top_frame(error)}", mutators)


def top_frame(error: BaseException) -> str:
    """The innermost traceback frame inside rnnkit (else the innermost), as ``file:line in function``."""
    import traceback

    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if f"{os.sep}rnnkit{os.sep}" in f.filename] or frames
    if not ours:
        return "?"
    frame = ours[-1]
    return f"{frame.filename.split(os.sep + 'rnnkit' + os.sep)[-1]}:{frame.lineno} in {frame.name}"


class Worker:
    """One worker process and its answer pipe."""

    def __init__(self, seeds: Path):
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(TESTS), str(TESTS.parent), os.environ.get("PYTHONPATH", "")]),
                   RNNKIT_MAX_BYTES=str(LOADER_CAP), OMP_NUM_THREADS="1", PYTHONWARNINGS="ignore")
        self.answers_read, answers_write = os.pipe()
        self.folder = tempfile.mkdtemp(prefix="rnnkit-fuzz-")  # its cases' working folder, removed by stop() even after a kill
        self.process = subprocess.Popen([sys.executable, "-m", "fuzz.worker", str(seeds), str(answers_write), str(MEMORY_CAP), self.folder],
                                        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                                        pass_fds=(answers_write,), text=True)
        os.close(answers_write)
        self.answers = os.fdopen(self.answers_read, "r")
        self.case: tuple[str, int] | None = None
        self.started = 0.0
        self.ready = False  # set by the worker's first line, once rnnkit is imported and the cap is set

    def send(self, kind: str, seed: int) -> None:
        self.case, self.started = (kind, seed), time.monotonic()
        self.process.stdin.write(json.dumps([kind, seed]) + "\n")
        self.process.stdin.flush()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.answers.close()
        try:
            self.process.stdin.close()
        except OSError:  # a worker that died with input unread
            pass
        shutil.rmtree(self.folder, ignore_errors=True)


def run_cases(cases: Iterable[tuple[str, int]], seeds: Path, workers: int = 1, on_result=None) -> list[Result]:
    """Every case's :class:`Result`, in the order they finish; ``on_result(result)`` is called for each."""
    pending = list(cases)[::-1]
    selector = selectors.DefaultSelector()
    pool: list[Worker] = []
    results: list[Result] = []

    def finish(worker: Worker, result: Result) -> None:
        worker.case = None
        results.append(result)
        if on_result:
            on_result(result)

    def replace(worker: Worker) -> None:
        selector.unregister(worker.answers)
        worker.stop()
        pool.remove(worker)

    try:
        while pending or any(w.case for w in pool):
            while len(pool) < workers and pending:
                worker = Worker(seeds)
                selector.register(worker.answers, selectors.EVENT_READ, worker)
                pool.append(worker)
            for worker in pool:
                if worker.ready and worker.case is None and pending:
                    worker.send(*pending.pop())
            for key, _ in selector.select(timeout=0.5):
                worker = key.data
                line = worker.answers.readline()
                if line == "ready\n":
                    worker.ready = True
                elif line:
                    finish(worker, Result(**json.loads(line)))
                elif worker.case is None:
                    raise RuntimeError(f"a fuzz worker failed to start (status {worker.process.wait()}); run one case with --replay")
                else:
                    status = worker.process.wait()
                    kind, seed = worker.case
                    finish(worker, Result(kind, seed, "signal", f"worker ended with status {status}"))
                    replace(worker)
            for worker in list(pool):
                if worker.case and time.monotonic() - worker.started > TIMEOUT:
                    kind, seed = worker.case
                    finish(worker, Result(kind, seed, "timeout", f"no answer in {TIMEOUT:g} s"))
                    replace(worker)
    finally:
        for worker in pool:
            worker.stop()
    return results


def table(results: list[Result]) -> str:
    """Outcome counts per kind, one row each, plus a total row."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for result in results:
        counts[result.kind][result.outcome] += 1
        counts["total"][result.outcome] += 1
    width = max(len(kind) for kind in counts)
    lines = [f"{'kind':<{width}}  {'cases':>6}  " + "  ".join(f"{name:>7}" for name in OUTCOMES)]
    for kind in sorted(counts, key=lambda k: (k == "total", k)):
        row = counts[kind]
        lines.append(f"{kind:<{width}}  {sum(row.values()):>6}  " + "  ".join(f"{row[name]:>7}" for name in OUTCOMES))
    return "\n".join(lines)
