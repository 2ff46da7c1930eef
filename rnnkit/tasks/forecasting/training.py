"""``train``: read a series (or a bundled one), split it in time, scale on the training part, fit a forecaster.

The checkpoint with the lowest validation loss is written to ``OUT/model.safetensors``; training
stops when the validation loss has not improved for ``patience`` epochs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ... import optimizers
from ...training import callbacks, losses, set_random_seed
from ...training.task_files import MODEL_FILE, SaveBest, TimeLimit, load_weights_into, read_task_model
from .model import ForecasterConfig, build_forecaster
from .series import Scaler, Split, bundled, read_series, sequence_windows, windows

TASK = "forecast"


@dataclass
class ForecastResult:
    out: Path
    history: list[dict[str, Any]]
    best_epoch: int
    val_loss: float
    model: Any = field(repr=False)

    @property
    def checkpoint(self) -> Path:
        return self.out / MODEL_FILE


def resolve_data(data: str | None, dataset: str, target: str | None, season: int | None) -> tuple[str, str, int, str]:
    """``(csv path, target column, season, description)`` for ``--data``/``--target`` or the bundled ``--dataset``."""
    if data is None:
        path, bundled_target, bundled_season, description = bundled(dataset)
        if target not in (None, bundled_target):
            raise ValueError(f"--target {target!r}: the bundled {dataset} series has only the column {bundled_target!r}")
        return path, bundled_target, season or bundled_season, f"the bundled {description}"
    if target is None:
        raise ValueError(f"--target COLUMN is required with --data {data}")
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


def train(
    data: str | None = None,
    target: str | None = None,
    features: list[str] | None = None,
    dataset: str = "co2",
    window: int = 24,
    horizon: int = 12,
    season: int | None = None,
    out: str = "runs/forecast",
    cell: str = "lstm",
    layers: int = 1,
    units: int = 32,
    output: str = "last",
    relative: bool = True,
    train_fraction: float = 0.7,
    val_fraction: float = 0.15,
    batch_size: int = 32,
    epochs: int = 200,
    patience: int = 20,
    minutes: float | None = None,
    learning_rate: float = 3e-3,
    seed: int = 0,
    say: Callable[[str], None] = print,
) -> ForecastResult:
    """Train a direct multi-step forecaster of ``target`` and write ``out/model.safetensors``."""
    for name, value in (("epochs", epochs), ("batch-size", batch_size), ("window", window), ("horizon", horizon)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"--{name} must be a positive integer; got {value!r}")
    path, target, season, description = resolve_data(data, dataset, target, season)
    values = read_series(path, target, features)
    split = Split.of(len(values), train_fraction, val_fraction)
    scaler = Scaler.fit(values[: split.train])  # the training rows only
    config = ForecasterConfig(window, horizon, values.shape[1], cell, layers, units, output)
    parts = prepared(values, split, scaler, config, relative, description)
    (x, y, _), (val_x, val_y, _) = parts["train"], parts["val"]
    validation = (val_x, val_y)
    if output == "sequence":
        # Choose the epoch on the forecasts alone (the last step), as eval scores them: the earlier steps'
        # targets are mostly training rows. The loss averages over all steps, so the last one weighs `window`.
        last_step_only = np.zeros(val_y.shape[:2], np.float32)  # (N, window)
        last_step_only[:, -1] = window
        validation = (val_x, val_y, last_step_only)

    set_random_seed(seed)
    model = build_forecaster(config)
    model.compile(optimizer=optimizers.Adam(learning_rate=learning_rate, clipnorm=1.0), loss=losses.MeanSquaredError())
    kind = "sequence-output " if output == "sequence" else ""
    say(f"Training a {layers}-layer {cell.upper()}({units}) {kind}forecaster on {description}: {len(values)} rows "
        f"(train {split.train}, validation {split.val_end - split.train}, test {split.total - split.val_end}), "
        f"window {window}, horizon {horizon}, {len(x)} training windows, season {season}")
    out_dir = Path(out)
    record = lambda: {"task": TASK, "config": config.to_json(), "scaler": scaler.to_json(), "relative": relative,
                      "data": path, "target": target, "features": list(features or []), "season": season,
                      "train_fraction": train_fraction, "val_fraction": val_fraction, "description": description}
    quiet = lambda line: None
    saver = SaveBest(out_dir / MODEL_FILE, record, monitor="val_loss", mode="min", say=quiet)
    stop = callbacks.EarlyStopping(monitor="val_loss", patience=patience)
    model.fit(x, y, batch_size=batch_size, epochs=epochs, validation_data=validation, verbose=0,
              callbacks=[TimeLimit(minutes), saver, stop])
    if not saver.best_epoch:
        raise ValueError("no epoch finished with a finite validation loss; nothing was saved (try a smaller --lr)")
    last = saver.history[-1]
    say(f"{last['epoch']} epochs in {last['seconds']:.0f} s; best validation loss {saver.best:.4f} (scaled units) at epoch {saver.best_epoch}")
    path_saved, weights, _ = read_task_model(out_dir / MODEL_FILE)
    load_weights_into(model, weights, path_saved)
    return ForecastResult(out_dir, saver.history, saver.best_epoch, saver.best, model.eval())
