"""What fit/evaluate/predict print: Keras 3's lines on a pipe or log file, a live bar on a terminal."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import numpy as np
import pytest

import rnnkit as keras
from rnnkit import layers
from rnnkit.training import progress

ROOT = Path(__file__).resolve().parents[2]
NUMBER = r"\d+\.\d{4}(e-\d\d)?"
TIMING = r"\d+/\d+ - \d+s - \d+(us|ms|s)/step"

PROGRAM = textwrap.dedent("""
    import numpy as np
    import rnnkit as keras
    from rnnkit import layers

    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 4, 2)).astype("float32")
    y = (x[:, 0, 0] > 0).astype("int64")
    model = keras.Sequential([layers.GRU(3), layers.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=2, batch_size=8, validation_split=0.25, verbose=VERBOSE)
    print("-- evaluate")
    model.evaluate(x, y, verbose=VERBOSE)
    print("-- predict")
    model.predict(x, verbose=VERBOSE)
""")


def run_through_a_pipe(verbose):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", PROGRAM.replace("VERBOSE", repr(verbose))], capture_output=True,
                          text=True, env=env, timeout=120, check=True)
    return done.stdout


@pytest.mark.parametrize("verbose", [1, 2])
def test_a_pipe_gets_one_keras_line_per_epoch(verbose):
    out = run_through_a_pipe(verbose)
    assert "\r" not in out
    lines = out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    epoch = rf"^4/4 - \d+s - \d+(us|ms|s)/step - loss: {NUMBER} - accuracy: {NUMBER} - val_loss: {NUMBER} - val_accuracy: {NUMBER}$"
    assert re.match(epoch, lines[1]) and re.match(epoch, lines[3]), lines
    assert lines[4] == "-- evaluate"
    assert re.match(rf"^2/2 - \d+s - \d+(us|ms|s)/step - loss: {NUMBER} - accuracy: {NUMBER}$", lines[5]), lines[5]
    assert lines[6] == "-- predict" and re.match(r"^2/2 - \d+s - \d+(us|ms|s)/step$", lines[7]) and len(lines) == 8


def test_verbose_0_prints_nothing():
    assert run_through_a_pipe(0).splitlines() == ["-- evaluate", "-- predict"]


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_terminal_gets_a_live_bar(monkeypatch):
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(30, 3)).astype("float32"), rng.integers(0, 2, 30)
    model = keras.Sequential([layers.Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    model.fit(x, y, batch_size=10, epochs=1)
    model.predict(x)
    screen = terminal.getvalue()
    assert "\r" in screen and "Epoch 1/1" not in screen  # Keras prints the epoch line only when epochs > 1
    drawn = [line for line in screen.replace("\r", "\n").splitlines() if line.strip()]
    fit_line = [line for line in drawn if line.startswith("3/3")][-1]
    assert re.match(rf"^3/3 ━{{20}} \d+s \d+(us|ms|s)/step - loss: {NUMBER} - accuracy: {NUMBER}$", fit_line.rstrip()), drawn
    assert re.match(r"^1/1 ━{20} \d+s \d+(us|ms|s)/step$", drawn[-1].rstrip()), drawn


def test_a_jupyter_kernel_counts_as_a_live_display(monkeypatch):
    shell = types.SimpleNamespace(config={"IPKernelApp": {"connection_file": "kernel.json"}})
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: shell))
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert progress.in_notebook() and progress.live_display()
    terminal_ipython = types.SimpleNamespace(config={"TerminalIPythonApp": {}})
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: terminal_ipython))
    assert not progress.in_notebook() and not progress.live_display()


def test_numbers_and_times_as_keras_formats_them():
    assert progress.format_logs({"loss": 0.69314, "tiny": 0.0001234}) == "loss: 0.6931 - tiny: 1.2340e-04"
    assert [progress.format_step_time(t) for t in (2.4, 0.0123, 0.00005)] == ["2s/step", "12ms/step", "50us/step"]
    with pytest.raises(ValueError, match="verbose must be 0, 1, 2 or 'auto'; got 3"):
        progress.resolve_verbose(3)
