"""The progress display of ``fit``: a tqdm bar per epoch, or one line per epoch.

``verbose=1`` (and ``'auto'``) draws a bar with the running loss, metrics and tqdm's ETA, but
only when standard output is a terminal, so logs and CI output stay clean; ``verbose=2`` prints
one line per epoch wherever output goes; ``verbose=0`` prints nothing. Only the first process of a
multi-process run prints.
"""

from __future__ import annotations

import sys
import time

from tqdm import tqdm

from . import distributed
from .callbacks import Callback, Logs


def format_logs(logs: Logs) -> str:
    return " - ".join(f"{key}: {value:.4f}" for key, value in logs.items())


class ProgbarLogger(Callback):
    """Shows training progress as ``verbose`` asks (see the module docstring)."""

    def __init__(self, verbose: int | str = "auto"):
        super().__init__()
        if verbose not in (0, 1, 2, "auto"):
            raise ValueError(f"verbose must be 0, 1, 2 or 'auto'; got {verbose!r}")
        self.verbose = 1 if verbose == "auto" else verbose
        self.bar: tqdm | None = None

    def _bar_wanted(self) -> bool:
        return self.verbose == 1 and sys.stdout.isatty() and distributed.is_chief()

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        self.started = time.perf_counter()
        description = f"Epoch {epoch + 1}/{self.params['epochs']}"
        if self._bar_wanted():
            self.bar = tqdm(total=self.params["steps"], desc=description, unit="batch", file=sys.stdout, leave=True, dynamic_ncols=True)

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix_str(format_logs(logs or {}), refresh=False)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        logs = logs or {}
        if self.bar is not None:
            self.bar.set_postfix_str(format_logs({k: v for k, v in logs.items() if not k.startswith("val_")}))
            self.bar.close()
            self.bar = None
            validation = {k: v for k, v in logs.items() if k.startswith("val_")}
            if validation:
                print(f"  {format_logs(validation)}", flush=True)
        elif self.verbose == 2 and distributed.is_chief():
            seconds = time.perf_counter() - self.started
            print(f"Epoch {epoch + 1}/{self.params['epochs']} - {seconds:.1f}s - {format_logs(logs)}", flush=True)

    def on_train_end(self, logs: Logs | None = None) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
