"""What ``fit``, ``evaluate`` and ``predict`` print, as Keras 3 prints it.

``verbose=1`` (``'auto'`` is 1, as in Keras 3) draws a live bar where one can be redrawn: on a
terminal, and in a Jupyter/Colab kernel (tqdm's notebook front end). Elsewhere (output to a log
file or a pipe) a bar would be a stream of carriage returns, so it prints one line per epoch
instead, the line ``verbose=2`` prints everywhere::

    Epoch 1/3
    32/32 - 1s - 12ms/step - loss: 0.6931 - accuracy: 0.5000 - val_loss: 0.6917 - val_accuracy: 0.5100

``verbose=0`` prints nothing. The ``Epoch i/n`` line appears when ``epochs > 1``; validation
inside ``fit`` is silent, its results end the epoch's line. Only the first process of a
multi-process run prints.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from tqdm.auto import tqdm

from . import distributed
from .callbacks import Callback, Logs


def resolve_verbose(verbose: Any) -> int:
    """``verbose`` as 0, 1 or 2 (``'auto'`` means 1, as in Keras 3)."""
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2):
        raise ValueError(f"verbose must be 0, 1, 2 or 'auto'; got {verbose!r}")
    return int(verbose)


def in_notebook() -> bool:
    """Whether this process is a Jupyter kernel (IPython with a kernel app, as in Colab)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and "IPKernelApp" in shell.config


def live_display() -> bool:
    """Whether standard output can redraw a bar in place (a terminal or a notebook)."""
    return sys.stdout.isatty() or in_notebook()


def format_value(value: float) -> str:
    """Keras's number format: 4 decimals, scientific notation for magnitudes up to 1e-3."""
    return f"{value:.4f}" if abs(value) > 1e-3 else f"{value:.4e}"


def format_logs(logs: Logs) -> str:
    return " - ".join(f"{key}: {format_value(value)}" for key, value in logs.items())


def format_step_time(seconds: float) -> str:
    """Time per step as Keras writes it: ``12ms/step``, ``2s/step``, ``850us/step``."""
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/step"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/step"
    return f"{seconds * 1e6:.0f}us/step"


class ProgbarLogger(Callback):
    """Prints progress as ``verbose`` asks (see the module docstring); ``fit``/``evaluate``/``predict`` add one."""

    def __init__(self) -> None:
        super().__init__()
        self.verbose = 1
        self.in_fit = False
        self.bar: Any = None
        self.seen = 0
        self.started = 0.0

    def set_params(self, params: dict[str, Any]) -> None:
        super().set_params(params)
        self.verbose = resolve_verbose(params.get("verbose", "auto"))

    # ----- one pass (an epoch, an evaluation, a prediction) ----------------------------------------
    def _start(self) -> None:
        self.seen = 0
        self.started = time.perf_counter()
        if self.verbose == 1 and live_display() and distributed.is_chief():
            self.bar = tqdm(total=self.params.get("steps"), file=sys.stdout, leave=True, ascii=" ━",
                            bar_format="{n_fmt}/{total_fmt} {bar:20} {desc}", dynamic_ncols=False)

    def _timing(self) -> tuple[str, str]:
        elapsed = time.perf_counter() - self.started
        return f"{elapsed:.0f}s", format_step_time(elapsed / max(self.seen, 1))

    def _step(self, batch: int, logs: Logs | None) -> None:
        self.seen = batch + 1
        if self.bar is not None:
            self.bar.update(self.seen - self.bar.n)
            elapsed, per_step = self._timing()
            self.bar.set_description_str(" - ".join(filter(None, [f"{elapsed} {per_step}", format_logs(logs or {})])), refresh=False)

    def _finish(self, logs: Logs | None) -> None:
        elapsed, per_step = self._timing()
        text = format_logs(logs or {})
        if self.bar is not None:
            self.bar.set_description_str(" - ".join(filter(None, [f"{elapsed} {per_step}", text])))
            self.bar.close()
            self.bar = None
        elif self.verbose and distributed.is_chief():
            steps = self.params.get("steps") or self.seen
            print(" - ".join(filter(None, [f"{self.seen}/{steps}", elapsed, per_step, text])), flush=True)

    # ----- fit ----------------------------------------------------------------------------------
    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.in_fit = True  # validation inside fit is silent; its logs end the epoch's line

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        if self.verbose and self.params.get("epochs", 1) > 1 and distributed.is_chief():
            print(f"Epoch {epoch + 1}/{self.params['epochs']}", flush=True)
        self._start()

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self._step(batch, logs)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        self._finish(logs)

    def on_train_end(self, logs: Logs | None = None) -> None:
        if self.bar is not None:  # training stopped inside an epoch
            self.bar.close()
            self.bar = None
        self.in_fit = False

    # ----- evaluate and predict -------------------------------------------------------------------
    def on_test_begin(self, logs: Logs | None = None) -> None:
        if not self.in_fit:
            self._start()

    def on_test_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        if not self.in_fit:
            self._step(batch, logs)

    def on_test_end(self, logs: Logs | None = None) -> None:
        if not self.in_fit:
            self._finish(logs)

    def on_predict_begin(self, logs: Logs | None = None) -> None:
        self._start()

    def on_predict_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self._step(batch, None)

    def on_predict_end(self, logs: Logs | None = None) -> None:
        self._finish(None)
