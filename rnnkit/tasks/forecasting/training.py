"""``train``: read a series (or a bundled one), split it in time, scale on the training part, fit a forecaster.

The checkpoint with the lowest validation loss is written to ``OUT/model.safetensors``; training
stops when the validation loss has not improved for ``patience`` epochs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import numpy as np

from ... import optimizers
from ...training import losses, set_random_seed
from ...training.task_files import TimeLimit
from ..resume import RESUME_FILE, continued
from ..runs import TaskRun, fit_keeping_best
from ..settings import SettingError, settings_of
from .model import ForecasterConfig, build_forecaster
from .series import Scaler, Split, bundled, read_series, sequence_windows, windows
from .settings import ForecastSettings

TASK = "forecast"


def resolve_data(data: str | None, dataset: str, target: str | None, season: int | None) -> tuple[str, str, int, str]:
    """``(csv path, target column, season, description)`` for ``--data``/``--target`` or the bundled ``--dataset``."""
    if data is None:
        path, bundled_target, bundled_season, description = bundled(dataset)
        if target not in (None, bundled_target):
            raise SettingError("target", f"{target!r}: the bundled {dataset} series has only the column {bundled_target!r}")
        return path, bundled_target, season or bundled_season, f"the bundled {description}"
    if target is None:
        raise SettingError("target", f"COLUMN is required with data {data}")
    return str(Path(data).resolve()), target, season or 1, str(data)


def prepared(values: np.ndarray, split: Split, scaler: Scaler, config: ForecasterConfig, relative: bool, source: str) -> dict[str, tuple]:
    """Windows of the training, validation and test parts (targets inside each part), shaped for ``config.output``."""
    window, horizon = config.window, config.horizon
    if window + horizon > split.train:
        raise ValueError(f"{source}: --window {window} + --horizon {horizon} is longer than the training part "
                         f"({split.train} of {split.total} rows); give a longer series or a shorter window")
    scaled = scaler.transform(values)
    parts = {"train": (0, split.train), "val": (split.train, split.val_end), "test": (split.val_end, split.total)}
    make = sequence_windows if config.output == "sequence" else windows
    result = {name: make(scaled, window, horizon, start, end, relative) for name, (start, end) in parts.items()}
    for name, (x, _, _) in result.items():
        if len(x) == 0:
            rows = parts[name][1] - parts[name][0]
            raise ValueError(f"{source}: the {name} part has {rows} rows, fewer than --horizon {horizon}; "
                             "give a longer series, a shorter horizon or other --train/--val fractions")
    return result


def train(*args: Any, say: Callable[[str], None] = print, **fields: Any) -> TaskRun:
    """Train a direct multi-step forecaster and write ``out/model.safetensors``.

    ``train(ForecastSettings(...))`` or ``train(data, target=..., ...)``; without ``data``, the
    bundled ``dataset``.
    """
    settings = settings_of(ForecastSettings, args, fields)
    if settings.resume:
        settings = continued(ForecastSettings, settings, Path(settings.out) / RESUME_FILE)
    path, target, season, description = resolve_data(settings.data, settings.dataset, settings.target, settings.season)
    values = read_series(path, target, settings.features)
    split = Split.of(len(values), settings.train_fraction, settings.val_fraction)
    scaler = Scaler.fit(values[: split.train])  # the training rows only
    window, horizon, output = settings.window, settings.horizon, settings.output
    config = ForecasterConfig(window, horizon, values.shape[1], settings.cell, settings.layers, settings.units, output)
    parts = prepared(values, split, scaler, config, settings.relative, description)
    (x, y, _), (val_x, val_y, _) = parts["train"], parts["val"]
    validation = (val_x, val_y)
    if output == "sequence":
        # Choose the epoch on the forecasts alone (the last step), as eval scores them: the earlier steps'
        # targets are mostly training rows. The loss averages over all steps, so the last one weighs `window`.
        last_step_only = np.zeros(val_y.shape[:2], np.float32)  # (N, window)
        last_step_only[:, -1] = window
        validation = (val_x, val_y, last_step_only)

    set_random_seed(settings.seed)
    model = build_forecaster(config)
    model.compile(optimizer=optimizers.Adam(learning_rate=settings.learning_rate, clipnorm=1.0), loss=losses.MeanSquaredError())
    kind = "sequence-output " if output == "sequence" else ""
    say(f"Training a {config.layers}-layer {config.cell.upper()}({config.units}) {kind}forecaster on {description}: {len(values)} rows "
        f"(train {split.train}, validation {split.val_end - split.train}, test {split.total - split.val_end}), "
        f"window {window}, horizon {horizon}, {len(x)} training windows, season {season}")
    # No path to the data: a later command opens only files its user names (or the bundled series by name),
    # and predicts from the last window kept here.
    record = lambda: {"task": TASK, "config": config.to_json(), "scaler": scaler.to_json(), "relative": settings.relative,
                      "dataset": settings.dataset if settings.data is None else None, "last_window": values[-window:].tolist(),
                      "target": target, "features": list(settings.features or []), "season": season,
                      "train_fraction": settings.train_fraction, "val_fraction": settings.val_fraction, "description": description}
    run = fit_keeping_best(model, x, y=y, batch_size=settings.batch_size, validation_data=validation, out=settings.out, record=record,
                           monitor="val_loss", mode="min", epochs=settings.epochs, limit=TimeLimit(settings.minutes),
                           say=lambda line: None, settings=settings, patience=settings.patience)
    last = run.history[-1]
    say(f"{last['epoch']} epochs in {last['seconds']:.0f} s; best validation loss {run.best:.4f} (scaled units) at epoch {run.best_epoch}")
    return run
