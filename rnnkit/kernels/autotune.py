"""Measured choices for ``implementation="auto"``, made once per shape class and kept on disk.

The dispatcher's rules are not certain for any cell: the order of rnnkit's fused kernels and
torch's own paths changed between a Zen 4 and a Zen 5 machine (LSTM), and on an AVX2-only Zen 3
the fused GRU ran at 0.1x torch's at the benchmark's large shape until its AVX2 code generation
was fixed (1.3x after). So the first call of a shape class times every candidate path on that
call's own inputs (detached copies: no gradient reaches the
caller's tensors) and keeps the fastest, as FFTW's wisdom or cuDNN's benchmark mode do. A shape
class is (cell, batch rounded up to a power of two, units, input size, train/infer, threads,
dtype). Decisions are kept in memory and in one JSON file per machine kind next to the kernel
build (``$RNNKIT_CACHE/autotune/``), named by a hash of the CPU model and vector flags, the rnnkit
and torch versions; its header repeats them, and a file whose header or entries do not check out
is ignored with one warning (and replaced by the next decision), never trusted.

``RNNKIT_AUTOTUNE=0`` turns measuring off (the rules decide; the test suite runs so). Under
``torch.compile``/``torch.export`` nothing is measured.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import threading
import time
import warnings
from pathlib import Path
from typing import Callable

import torch

from ..atomic_files import write_text_atomically
from ..errors import FileFormatError
from ..limits import load_json
from . import build, machine

FORMAT = "rnnkit-autotune"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 4 << 20
CANDIDATES = ("fused", "native")
ROUNDS = 3  # timed calls per candidate, interleaved, after one untimed call each

_lock = threading.Lock()
_state: dict[str, object] = {"decisions": None, "warned": False}


def enabled() -> bool:
    return os.environ.get("RNNKIT_AUTOTUNE", "1").strip().lower() not in ("0", "false", "off", "no")


def shape_class(cell: str, x: torch.Tensor, training: bool, units: int) -> str:
    """The key of a decision, e.g. ``lstm train b16 h128 i64 t2 float32``."""
    batch = x.shape[0] if x.dim() == 3 else 1
    bucket = 1 << max(0, math.ceil(math.log2(max(batch, 1))))
    dtype = str(x.dtype).removeprefix("torch.")
    return (f"{cell} {'train' if training else 'infer'} b{bucket} h{units} i{x.shape[-1]} "
            f"t{torch.get_num_threads()} {dtype}")


def _header() -> dict[str, object]:
    from .. import __version__  # rnnkit/__init__.py imports this module on its way to defining it

    return {"format": FORMAT, "format_version": FORMAT_VERSION, "cpu": machine.describe(),
            "rnnkit": __version__, "torch": torch.__version__}


def cache_file() -> Path:
    digest = hashlib.sha256(json.dumps(_header(), sort_keys=True).encode()).hexdigest()[:16]
    return build.cache_root() / "autotune" / f"{digest}.json"


def _valid_decision(value: object) -> bool:
    if not isinstance(value, dict) or set(value) != {"path", "ms"}:
        return False
    ms = value["ms"]
    return (value["path"] in CANDIDATES and isinstance(ms, dict) and value["path"] in ms
            and all(p in CANDIDATES and isinstance(t, (int, float)) and not isinstance(t, bool)
                    and math.isfinite(t) and t > 0 for p, t in ms.items()))


def _read(path: Path) -> dict[str, dict]:
    """The decisions in ``path``; raises FileFormatError naming what is wrong."""
    with open(path, "rb") as handle:
        raw = handle.read(MAX_FILE_BYTES + 1)
    data = load_json(path, "autotune cache", raw, max_size=MAX_FILE_BYTES, max_depth=4)
    if not isinstance(data, dict) or not isinstance(data.get("decisions"), dict):
        raise FileFormatError(path, field="decisions", expected="an object of decisions",
                              found=type(data).__name__)
    header = {key: data.get(key) for key in _header()}
    if header != _header():
        raise FileFormatError(path, field="header", expected=str(_header()), found=str(header))
    for key, value in data["decisions"].items():
        if not _valid_decision(value):
            raise FileFormatError(path, field=f"decisions[{key!r}]",
                                  expected=f"{{'path': one of {CANDIDATES}, 'ms': positive times}}",
                                  found=repr(value)[:200])
    return data["decisions"]


def _load() -> dict[str, dict]:
    """Decisions of this machine kind: from the file once per process, then kept in memory."""
    if _state["decisions"] is None:
        decisions: dict[str, dict] = {}
        path = cache_file()
        if path.exists():
            try:
                decisions = dict(_read(path))
            except (OSError, FileFormatError) as error:
                if not _state["warned"]:
                    _state["warned"] = True
                    warnings.warn(f"rnnkit: ignoring the autotune cache: {error}", RuntimeWarning)
        _state["decisions"] = decisions
    return _state["decisions"]  # type: ignore[return-value]


def decision(key: str) -> dict | None:
    """The measured decision for a shape class, or None when it has not been measured."""
    with _lock:
        return _load().get(key)


def time_paths(calls: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Best seconds of each call: one untimed call each, then ROUNDS interleaved rounds. The
    best, not the median: other work on the machine only adds time, and it hurts the fused
    kernels (whose threads meet every step) more than oneDNN, so a median taken on a busy
    machine would keep a choice that is wrong once it is quiet."""
    for call in calls.values():
        call()
    samples: dict[str, list[float]] = {path: [] for path in calls}
    for _ in range(ROUNDS):
        for path, call in calls.items():
            start = time.perf_counter()
            call()
            samples[path].append(time.perf_counter() - start)
    return {path: min(times) for path, times in samples.items()}


def measure(key: str, calls: dict[str, Callable[[], object]]) -> dict:
    """Time the candidates, keep the fastest for ``key`` (in memory and on disk), return it."""
    seconds = time_paths(calls)
    chosen = {"path": min(seconds, key=seconds.get),
              "ms": {path: round(s * 1e3, 4) for path, s in seconds.items()}}
    with _lock:
        decisions = _load()
        decisions[key] = chosen
        path = cache_file()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomically(path, json.dumps({**_header(), "decisions": decisions},
                                                   indent=1, sort_keys=True) + "\n")
        except OSError as error:  # a read-only cache: the decision still holds for this process
            warnings.warn(f"rnnkit: could not save the autotune cache {path}: {error}",
                          RuntimeWarning)
    return chosen


def forget() -> None:
    """Drop the in-memory decisions (the next lookup reads the file again); for tests."""
    with _lock:
        _state["decisions"] = None
        _state["warned"] = False
