"""Keras callbacks: hooks ``fit`` calls around training, epochs and batches.

A callback overrides any of the ``on_*`` hooks below; ``self.model`` is the model being trained
and ``self.params`` holds ``epochs``, ``steps`` and ``verbose``. Epoch indices are 0-based, as in
Keras (messages print them 1-based). ``fit`` always adds :class:`History` and a progress bar, and
adds :class:`TerminateOnNaN` unless the list already has one: a non-finite loss always stops
training (Keras keeps going unless asked). Callbacks that write files write them only in the
first process of a multi-process run.
"""

from __future__ import annotations

import csv
import inspect
import math
import os
import time
import warnings
from typing import Any, Callable

import torch

from . import distributed
from .checkpoint import load_checkpoint, save_checkpoint

__all__ = [
    "BackupAndRestore",
    "CSVLogger",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "ReduceLROnPlateau",
    "TensorBoard",
    "TerminateOnNaN",
]

Logs = dict[str, float]


class Callback:
    """Base of every callback: each hook does nothing until a subclass defines it."""

    def __init__(self) -> None:
        self.model: Any = None
        self.params: dict[str, Any] = {}

    def set_model(self, model: Any) -> None:
        self.model = model

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params

    def on_train_begin(self, logs: Logs | None = None) -> None: ...
    def on_train_end(self, logs: Logs | None = None) -> None: ...
    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None: ...
    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None: ...
    def on_train_batch_begin(self, batch: int, logs: Logs | None = None) -> None: ...
    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None: ...
    def on_test_begin(self, logs: Logs | None = None) -> None: ...
    def on_test_end(self, logs: Logs | None = None) -> None: ...
    def on_test_batch_begin(self, batch: int, logs: Logs | None = None) -> None: ...
    def on_test_batch_end(self, batch: int, logs: Logs | None = None) -> None: ...
    def on_predict_begin(self, logs: Logs | None = None) -> None: ...
    def on_predict_end(self, logs: Logs | None = None) -> None: ...
    def on_predict_batch_begin(self, batch: int, logs: Logs | None = None) -> None: ...
    def on_predict_batch_end(self, batch: int, logs: Logs | None = None) -> None: ...


class CallbackList:
    """Calls a hook on every callback, in order."""

    def __init__(self, callbacks: list[Callback], model: Any, params: dict[str, Any]):
        for callback in callbacks:
            if not isinstance(callback, Callback):
                raise ValueError(f"callbacks must be rnnkit.callbacks.Callback objects; got {type(callback).__name__}")
            callback.set_model(model)
            callback.set_params(params)
        self.callbacks = callbacks

    def call(self, hook: str, *args: Any) -> None:
        for callback in self.callbacks:
            getattr(callback, hook)(*args)


def snapshot(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {key: value.detach().clone() for key, value in model.state_dict().items()}


def monitor_mode(monitor: str, mode: str, owner: str) -> str:
    """``'min'`` or ``'max'``; ``'auto'`` means max for accuracies and AUC, min for everything else."""
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"{owner}: mode must be 'auto', 'min' or 'max'; got {mode!r}")
    if mode != "auto":
        return mode
    return "max" if "acc" in monitor or monitor.endswith("auc") else "min"


def monitored(logs: Logs | None, monitor: str, owner: str) -> float | None:
    value = (logs or {}).get(monitor)
    if value is None:
        warnings.warn(f"{owner}: '{monitor}' is not in the logs (available: {sorted(logs or {})}); skipping", stacklevel=3)
    return value


class History(Callback):
    """Records each epoch's logs: ``history.history['loss'][i]`` is epoch ``history.epoch[i]``'s loss."""

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        self.model.history = self


class TerminateOnNaN(Callback):
    """Stops training at the first batch whose loss is NaN or infinite, with a warning."""

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(loss):
            if distributed.is_chief():
                warnings.warn(f"Batch {batch}: the loss is {loss}; stopping training", RuntimeWarning, stacklevel=2)
            self.model.stop_training = True


class EarlyStopping(Callback):
    """Stops when ``monitor`` has not improved by more than ``min_delta`` for ``patience`` epochs.

    With ``restore_best_weights`` the model ends with the weights of its best epoch (Keras 3: from
    the first epoch on, whether or not training stopped early). ``baseline``: keep waiting until
    this value is beaten. ``start_from_epoch``: ignore epochs before this one.
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0.0, patience: int = 0, verbose: int = 0,
                 mode: str = "auto", baseline: float | None = None, restore_best_weights: bool = False,
                 start_from_epoch: int = 0):
        super().__init__()
        self.monitor = monitor
        self.min_delta = abs(min_delta)
        self.patience = patience
        self.verbose = verbose
        self.mode = monitor_mode(monitor, mode, "EarlyStopping")
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch

    def _improves(self, value: float, reference: float) -> bool:
        if self.mode == "min":
            return value + self.min_delta < reference
        return value - self.min_delta > reference

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.wait = 0
        self.stopped_epoch = 0
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_weights: dict[str, torch.Tensor] | None = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        current = monitored(logs, self.monitor, "EarlyStopping")
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights, self.best_epoch = snapshot(self.model), epoch
        self.wait += 1
        if self._improves(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = snapshot(self.model)
            if self.baseline is None or self._improves(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def state(self) -> dict[str, Any]:
        """What decides the next epochs, for a resume checkpoint (the ``restore_best_weights`` snapshot is not kept)."""
        best = self.best if math.isfinite(self.best) else None
        return {"wait": self.wait, "best": best, "best_epoch": self.best_epoch, "stopped_epoch": self.stopped_epoch}

    def restore(self, state: dict[str, Any]) -> None:
        """Continue from :meth:`state` (after ``on_train_begin``)."""
        self.wait, self.best_epoch, self.stopped_epoch = int(state["wait"]), int(state["best_epoch"]), int(state["stopped_epoch"])
        self.best = (math.inf if self.mode == "min" else -math.inf) if state["best"] is None else float(state["best"])

    def on_train_end(self, logs: Logs | None = None) -> None:
        if self.stopped_epoch > 0 and self.verbose > 0 and distributed.is_chief():
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0 and distributed.is_chief():
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.load_state_dict(self.best_weights)


class ReduceLROnPlateau(Callback):
    """Multiplies the learning rate by ``factor`` after ``patience`` epochs without improvement.

    Improvement means beating the best value by more than ``min_delta``; after a reduction it waits
    ``cooldown`` epochs before counting again, and never goes below ``min_lr``.
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10, verbose: int = 0,
                 mode: str = "auto", min_delta: float = 1e-4, cooldown: int = 0, min_lr: float = 0.0):
        super().__init__()
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau: factor must be < 1 to reduce the rate; got {factor}")
        self.monitor = monitor
        self.factor = factor
        self.patience = patience
        self.verbose = verbose
        self.mode = monitor_mode(monitor, mode, "ReduceLROnPlateau")
        self.min_delta = min_delta
        self.cooldown = cooldown
        self.min_lr = min_lr

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.wait = 0
        self.cooldown_counter = 0
        self.best = math.inf if self.mode == "min" else -math.inf

    def _improves(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        optimizer = self.model.optimizer
        if logs is not None:
            logs["learning_rate"] = optimizer.learning_rate
        current = monitored(logs, self.monitor, "ReduceLROnPlateau")
        if current is None:
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self._improves(current):
            self.best, self.wait = current, 0
        elif self.cooldown_counter == 0:
            self.wait += 1
            if self.wait >= self.patience and optimizer.learning_rate > self.min_lr:
                new_rate = max(optimizer.learning_rate * self.factor, self.min_lr)
                optimizer.learning_rate = new_rate
                if self.verbose > 0 and distributed.is_chief():
                    print(f"Epoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_rate:g}.")
                self.cooldown_counter, self.wait = self.cooldown, 0


class ModelCheckpoint(Callback):
    """Saves the model at the end of epochs; what it writes follows the file name.

    ``*.keras`` and ``*.h5`` (Keras's legacy HDF5, with its deprecation warning): the whole model,
    compiled, by ``model.save``, so ``load_model`` opens it ready to evaluate or train on;
    ``*.weights.h5``: the weights in Keras 3's layout, by ``model.save_weights``; any other name
    (``*.safetensors``): a resumable training checkpoint (:func:`rnnkit.training.save_checkpoint`:
    weights, optimizer state, epoch, random generators) for ``load_checkpoint`` or ``initial_epoch``.

    ``filepath`` may name the epoch (1-based) and any log, as in ``'ckpt-{epoch:02d}-{val_loss:.3f}.safetensors'``.
    With ``save_best_only`` it writes only when ``monitor`` beats the best value so far (and
    ``initial_value_threshold``, if given). It never writes when the epoch's loss is NaN or
    infinite, so the last good file stays as it was.
    """

    def __init__(self, filepath: str, monitor: str = "val_loss", verbose: int = 0, save_best_only: bool = False,
                 save_weights_only: bool = False, mode: str = "auto", save_freq: str = "epoch",
                 initial_value_threshold: float | None = None):
        super().__init__()
        if save_freq != "epoch":
            raise ValueError(f"ModelCheckpoint: only save_freq='epoch' is supported; got {save_freq!r}")
        if save_weights_only and str(filepath).lower().endswith((".keras", ".h5")) and not str(filepath).lower().endswith(".weights.h5"):
            raise ValueError(f"ModelCheckpoint: save_weights_only=True needs a *.weights.h5 (or *.safetensors) filepath; got {filepath}")
        self.filepath = str(filepath)
        self.monitor = monitor
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.mode = monitor_mode(monitor, mode, "ModelCheckpoint")
        self.initial_value_threshold = initial_value_threshold

    def on_train_begin(self, logs: Logs | None = None) -> None:
        if self.initial_value_threshold is not None:
            self.best = self.initial_value_threshold
        else:
            self.best = math.inf if self.mode == "min" else -math.inf

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        logs = logs or {}
        bad = [key for key, value in logs.items() if key.endswith("loss") and not math.isfinite(value)]
        if bad:
            warnings.warn(f"ModelCheckpoint: epoch {epoch + 1} ended with {bad[0]}={logs[bad[0]]}; not saving", RuntimeWarning, stacklevel=2)
            return
        path = self.filepath.format(epoch=epoch + 1, **logs)
        message = f"Epoch {epoch + 1}: saving model to {path}"
        if self.save_best_only:
            current = monitored(logs, self.monitor, "ModelCheckpoint")
            better = current is not None and (current < self.best if self.mode == "min" else current > self.best)
            if not better:
                if self.verbose > 0 and current is not None and distributed.is_chief():
                    print(f"Epoch {epoch + 1}: {self.monitor} did not improve from {self.best:.5f}", flush=True)
                return
            message = f"Epoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} to {current:.5f}, saving model to {path}"
            self.best = current
        if distributed.is_chief():
            if self.verbose > 0:  # Keras's wording, before the write
                print(message, flush=True)
            self._write(path, epoch)


    def _write(self, path: str, epoch: int) -> None:
        name = path.lower()
        if name.endswith(".weights.h5"):
            self.model.save_weights(path)
        elif name.endswith((".keras", ".h5")):
            self.model.save(path)
        else:
            save_checkpoint(path, self.model, epoch + 1)


class BackupAndRestore(Callback):
    """Makes an interrupted ``fit`` resumable by running the same ``fit`` again.

    At the end of every finished epoch it writes a checkpoint to ``backup_dir``; a ``fit`` that
    starts and finds one loads it (weights, optimizer, generators) and continues from the epoch
    after it, with the losses the uninterrupted run would have had. An epoch cut short (by an
    exception, a kill, or a callback stopping training mid-epoch) is never backed up, so it is
    redone. A run that ends normally deletes the backup (unless ``delete_checkpoint=False``); one
    whose last epoch was cut short keeps it, to be resumed.
    """

    def __init__(self, backup_dir: str, save_freq: str = "epoch", delete_checkpoint: bool = True):
        super().__init__()
        if save_freq != "epoch":
            raise ValueError(f"BackupAndRestore: only save_freq='epoch' is supported; got {save_freq!r}")
        self.path = os.path.join(backup_dir, "backup.safetensors")
        self.delete_checkpoint = delete_checkpoint
        self.resume_epoch = 0
        self.batches = 0

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.resume_epoch = load_checkpoint(self.path, self.model) if os.path.exists(self.path) else 0

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        self.batches = 0

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self.batches += 1

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if distributed.is_chief() and self.batches == self.params["steps"]:
            save_checkpoint(self.path, self.model, epoch + 1)

    def on_train_end(self, logs: Logs | None = None) -> None:
        finished = self.batches == self.params["steps"]
        if self.delete_checkpoint and finished and distributed.is_chief() and os.path.exists(self.path):
            os.remove(self.path)


class LearningRateScheduler(Callback):
    """Sets the learning rate at the start of each epoch to ``schedule(epoch, current_rate)``
    (or ``schedule(epoch)`` for a one-argument function)."""

    def __init__(self, schedule: Callable[..., float], verbose: int = 0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose
        self.takes_rate = len(inspect.signature(schedule).parameters) >= 2

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        optimizer = self.model.optimizer
        rate = self.schedule(epoch, optimizer.learning_rate) if self.takes_rate else self.schedule(epoch)
        if not isinstance(rate, (float, int)) or not math.isfinite(rate):
            raise ValueError(f"LearningRateScheduler: schedule returned {rate!r} for epoch {epoch}; expected a finite number")
        optimizer.learning_rate = float(rate)
        if self.verbose > 0 and distributed.is_chief():
            print(f"Epoch {epoch + 1}: LearningRateScheduler setting learning rate to {rate:g}.")

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if logs is not None:
            logs["learning_rate"] = self.model.optimizer.learning_rate


class CosineWarmDown(Callback):
    """Lowers the learning rate along half a cosine, from ``rate`` to ``floor * rate``, over a budget
    of ``seconds`` of training or of ``steps`` batches, whichever runs out first.

    With a fixed budget, a rate that ends low reaches a lower loss than a constant one: the last
    stretch of training settles into a minimum instead of bouncing around it. Keras's
    ``CosineDecay`` schedule counts steps only; a time budget (``--minutes``) needs the clock.
    ``steps`` counts from the run's first epoch: the steps done are ``epoch * steps per epoch``
    at each epoch's start, so a run resumed with ``initial_epoch`` continues the same curve (the
    clock of a time budget starts again with each ``fit``).
    """

    def __init__(self, rate: float, seconds: float | None = None, steps: int | None = None, floor: float = 0.05):
        super().__init__()
        if seconds is None and steps is None:
            raise ValueError("CosineWarmDown: give the budget as seconds, steps or both")
        self.rate, self.seconds, self.steps, self.floor = rate, seconds, steps, floor
        self.started, self.done = time.monotonic(), 0

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.started, self.done = time.monotonic(), 0

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        self.done = epoch * self.params["steps"]

    def state(self) -> dict[str, Any]:
        """Nothing: where the curve is follows from the epoch (see the class)."""
        return {}

    def restore(self, state: dict[str, Any]) -> None: ...

    def progress(self) -> float:
        by_time = (time.monotonic() - self.started) / self.seconds if self.seconds is not None else 0.0
        by_steps = self.done / max(self.steps, 1) if self.steps is not None else 0.0
        return min(max(by_time, by_steps, 0.0), 1.0)

    def on_train_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        scale = self.floor + (1.0 - self.floor) * 0.5 * (1.0 + math.cos(math.pi * self.progress()))
        self.model.optimizer.learning_rate = self.rate * scale
        self.done += 1


class CSVLogger(Callback):
    """Writes one row per epoch (``epoch`` then the logs in sorted order) to ``filename``."""

    def __init__(self, filename: str, separator: str = ",", append: bool = False):
        super().__init__()
        self.filename = filename
        self.separator = separator
        self.append = append
        self.keys: list[str] | None = None

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.keys = None
        self.file = open(self.filename, "a" if self.append else "w", newline="") if distributed.is_chief() else None
        self.header_written = self.append and self.file is not None and self.file.tell() > 0

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if self.file is None:
            return
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
        writer = csv.writer(self.file, delimiter=self.separator)
        if not self.header_written:
            writer.writerow(["epoch", *self.keys])
            self.header_written = True
        writer.writerow([epoch, *(logs.get(key, "NA") for key in self.keys)])
        self.file.flush()

    def on_train_end(self, logs: Logs | None = None) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


class TensorBoard(Callback):
    """Writes each epoch's logs as TensorBoard scalars under ``log_dir`` (needs the ``tensorboard`` package)."""

    def __init__(self, log_dir: str = "logs"):
        super().__init__()
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError as error:
            raise ImportError("TensorBoard needs the tensorboard package: pip install tensorboard") from error
        self.writer = SummaryWriter(log_dir) if distributed.is_chief() else None

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if self.writer is None:
            return
        for key, value in (logs or {}).items():
            self.writer.add_scalar(key, value, epoch)
        self.writer.flush()

    def on_train_end(self, logs: Logs | None = None) -> None:
        if self.writer is not None:
            self.writer.flush()
