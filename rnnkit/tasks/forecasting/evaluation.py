"""Using a trained forecaster: errors on the test part against naive baselines, a plot, the next values.

Every score is over all test forecasts and all horizon steps. MASE divides the mean absolute
error by the in-sample MAE of the one-step naive forecast on the training part, so the model's,
the naive forecast's (repeat the last value) and the seasonal naive forecast's (repeat the value
one season before) MASE compare directly; below 1 beats in-sample one-step naive. Beside them
stand seasonal ETS and SARIMA fitted on the training part (:mod:`.baselines`, with statsmodels).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import torch

from ...atomic_files import write_figure_atomically, write_text_atomically
from ...errors import FileFormatError
from ...extras import MissingExtraError, pyplot
from ...file_records import config_from_record, record_field
from ...training.scores import mean_absolute_scaled_error
from ...training.task_files import read_task_model, resolve_task_checkpoint
from ...weight_checks import build_from_weights
from .baselines import statistical_forecasts
from .model import ForecasterConfig, build_forecaster
from .series import Scaler, Split, bundled, read_series, sequence_windows, windows
from .training import prepared


def load_forecaster(checkpoint: str | os.PathLike) -> tuple[Any, dict[str, Any]]:
    path, weights, record = read_task_model(checkpoint, "forecast")
    config = config_from_record(path, ForecasterConfig, record.get("config"), "rnnkit.record.config")
    model = build_from_weights(path, lambda: build_forecaster(config), weights, config.layers)
    scaler = config_from_record(path, Scaler, record.get("scaler"), "rnnkit.record.scaler")
    if len(scaler.mean) != config.features or len(scaler.std) != config.features:
        raise FileFormatError(path, field="rnnkit.record.scaler", expected=f"a mean and std per feature ({config.features})",
                              found=f"{len(scaler.mean)} and {len(scaler.std)}")
    record_field(path, record, "relative", bool, where="rnnkit.record")
    return model.eval(), record


def forecast(model: Any, record: dict[str, Any], x: np.ndarray, last_scaled: np.ndarray) -> np.ndarray:
    """Forecasts in the series' own units ``(N, horizon)`` for scaled windows ``x`` (relative when trained so);
    a sequence-output model's forecast is its last step's output."""
    with torch.inference_mode():
        scaled = model(torch.from_numpy(x)).numpy()  # (N, [window,] horizon)
    if ForecasterConfig.from_json(record["config"]).output == "sequence":
        scaled = scaled[:, -1]  # (N, horizon)
    if record["relative"]:
        scaled = scaled + last_scaled[:, None]
    return Scaler.from_json(record["scaler"]).inverse_target(scaled)


def seasonal_naive(series: np.ndarray, origins: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """For each origin, each step ``h`` repeats the last value seen ``season``·k steps before it (k ≥ 1)."""
    steps = np.arange(horizon)
    back = season * ((steps // season) + 1)  # (horizon,)
    return series[origins[:, None] + steps[None, :] - back[None, :]]


class ForecastReport(NamedTuple):
    """Scores on the test part (``mase`` first, then ``mae``, ``rmse`` and the baselines' MASE) and the arrays to plot.

    The baselines are ``naive_mase``, ``seasonal_naive_mase`` (a season > 1), ``ets_mase`` and
    ``sarima_mase``; without statsmodels the last two are replaced by ``statistical_baselines``,
    which says how to install it.

    A named pair, so ``scores, arrays = forecasting.evaluate(run)`` reads it as well as ``report.scores``.
    """

    scores: dict[str, float]
    arrays: dict[str, Any]

    def as_text(self) -> str:
        """One ``name value`` line per score, ``mase`` first."""
        return "\n".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}" for k, v in self.scores.items())


def evaluate(checkpoint: str | os.PathLike, data: str | None = None, statistical: bool = True) -> ForecastReport:
    """Scores and plot arrays on the test part of ``data`` (default: the bundled series the checkpoint was trained on).

    ``statistical=False`` leaves out the ETS and SARIMA baselines (seconds of fitting on a long series).
    """
    model, record = load_forecaster(checkpoint)
    config = ForecasterConfig.from_json(record["config"])
    path = data or _bundled_series(checkpoint, record)
    values = read_series(path, record["target"], record["features"])
    split = Split.of(len(values), record["train_fraction"], record["val_fraction"])
    scaler = Scaler.from_json(record["scaler"])
    parts = prepared(values, split, scaler, config, record["relative"], str(path))
    x, _, origins = parts["test"]
    series = values[:, 0]
    last_scaled = scaler.transform(values)[origins - 1, 0]
    predicted = forecast(model, record, x, last_scaled)  # (N, horizon)
    truth = np.stack([series[o : o + config.horizon] for o in origins])
    history = series[: split.train]
    naive = np.repeat(series[origins - 1][:, None], config.horizon, axis=1)
    errors = predicted - truth
    scores = {"mase": mean_absolute_scaled_error(truth, predicted, history), "mae": float(np.abs(errors).mean()),
              "rmse": float(np.sqrt((errors ** 2).mean())), "naive_mase": mean_absolute_scaled_error(truth, naive, history)}
    season = int(record.get("season") or 1)
    if season > 1:
        scores["seasonal_naive_mase"] = mean_absolute_scaled_error(truth, seasonal_naive(series, origins, config.horizon, season), history)
    if statistical:
        try:
            fitted = statistical_forecasts(series, split.train, origins, config.horizon, season)
        except MissingExtraError as missing:
            scores["statistical_baselines"] = f"not scored: {missing}"
        else:
            scores.update({f"{name}_mase": mean_absolute_scaled_error(truth, values, history) for name, values in fitted.items()})
    scores["test_forecasts"] = len(origins)
    return ForecastReport(scores, {"series": series, "origins": origins, "predicted": predicted, "split": split,
                                   "target": record["target"]})


def plot_forecasts(arrays: dict[str, Any], path: str | os.PathLike) -> Path:
    """The whole series, the split points, and forecasts from every ``horizon``-th test origin."""
    plt = pyplot("plotting forecasts")

    series, origins, predicted, split = arrays["series"], arrays["origins"], arrays["predicted"], arrays["split"]
    horizon = predicted.shape[1]
    figure, axes = plt.subplots(figsize=(10, 4))
    axes.plot(np.arange(len(series)), series, color="0.3", linewidth=1, label="history")
    for n, i in enumerate(range(0, len(origins), horizon)):
        axes.plot(origins[i] + np.arange(horizon), predicted[i], color="tab:red", linewidth=1.5, label="forecast" if n == 0 else None)
    for cut, name in ((split.train, "validation"), (split.val_end, "test")):
        axes.axvline(cut, color="tab:blue", linestyle=":", linewidth=1)
        axes.text(cut, axes.get_ylim()[1], f" {name}", va="top", fontsize=8, color="tab:blue")
    axes.set_xlabel("row")
    axes.set_ylabel(arrays["target"])
    axes.legend(loc="upper left")
    figure.tight_layout()
    path = Path(path)
    write_figure_atomically(figure, path, dpi=100)
    plt.close(figure)
    return path


def _bundled_series(checkpoint: str | os.PathLike, record: dict[str, Any]) -> str:
    """The bundled series a checkpoint names (by its dataset name: a checkpoint never carries a path that is opened)."""
    if not record.get("dataset"):
        raise ValueError(f"{checkpoint}: trained on a file of its user's, which the checkpoint does not name; give it with --data FILE")
    return bundled(record["dataset"])[0]


def _stored_history(checkpoint: str | os.PathLike, record: dict[str, Any], config: ForecasterConfig) -> np.ndarray:
    """The last ``window`` rows of the training series ``(window, 1 + F)``, as the checkpoint keeps them."""
    path = resolve_task_checkpoint(checkpoint)
    expected = f"{config.window} rows of {config.features} finite numbers"
    try:
        history = np.array(record.get("last_window"), dtype=np.float64)
    except (TypeError, ValueError):
        raise FileFormatError(path, field="record.last_window", expected=expected, found="something else") from None
    if history.shape != (config.window, config.features) or not np.isfinite(history).all():
        raise FileFormatError(path, field="record.last_window", expected=expected, found=f"shape {history.shape}")
    return history


def predict(checkpoint: str | os.PathLike, data: str | None = None) -> np.ndarray:
    """The ``horizon`` values after the end of ``data``'s series (default: after the training series, kept in the checkpoint)."""
    model, record = load_forecaster(checkpoint)
    config = ForecasterConfig.from_json(record["config"])
    if data is None:
        values = _stored_history(checkpoint, record, config)
    else:
        values = read_series(data, record["target"], record["features"])
    if len(values) < config.window:
        raise FileFormatError(data, f"{len(values)} rows, fewer than the model's window of {config.window}")
    scaler = Scaler.from_json(record["scaler"])
    scaled = scaler.transform(values[-config.window :])
    make = sequence_windows if config.output == "sequence" else windows
    x, _, _ = make(np.concatenate([scaled, np.zeros((config.horizon, scaled.shape[1]))]), config.window, config.horizon,
                   config.window, config.window + config.horizon, record["relative"])
    return forecast(model, record, x, scaled[-1:, 0])[0]


def eval_text(checkpoint: str | os.PathLike, data: str | None, out: str | None, options: dict[str, Any]) -> str:
    """What ``rnnkit eval`` prints (``mase 0.412`` first); writes ``forecast.png`` and ``eval.json`` to ``out``.

    ``options["statistical"]`` False leaves out the ETS and SARIMA baselines (``train forecast``'s quick summary).
    """
    report = evaluate(checkpoint, data, options.get("statistical", True))
    folder = Path(out) if out else resolve_task_checkpoint(checkpoint).parent
    plot = plot_forecasts(report.arrays, folder / "forecast.png")
    write_text_atomically(folder / "eval.json", json.dumps(report.scores, indent=1))
    return f"{report.as_text()}\nplot: {plot}"


def predict_text(checkpoint: str | os.PathLike, inputs: list[str], options: dict[str, Any]) -> str:
    """The next ``horizon`` values, one per line: ``step value``."""
    if inputs:
        raise ValueError("a forecaster takes no TEXT; give the history with --data FILE.csv (default: the training series)")
    return "\n".join(f"{step}\t{value:.4f}" for step, value in enumerate(predict(checkpoint, options.get("data")), 1))
