"""Runs every tutorial-shaped program in this folder as a new user would: ``python PROGRAM``.

Each program is a complete, small Keras-style script (imports at Keras's paths, NumPy in and out)
written for rnnkit's tests. It checks its own results with ``assert`` (loss falls, shapes as
expected) and prints what a tutorial prints; here it must exit 0 within the time limit.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
PROGRAMS = sorted(p for p in HERE.glob("*.py") if not p.name.startswith(("test_", "_")))
ROOT = HERE.parents[1]


@pytest.mark.parametrize("program", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_program_runs(program: Path, tmp_path: Path) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.setdefault("OMP_NUM_THREADS", "1")
    done = subprocess.run(
        [sys.executable, str(program)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, f"{program.name} failed:\n{done.stdout[-3000:]}\n{done.stderr[-6000:]}"
    assert "Traceback" not in done.stderr
