"""The settings of a forecasting run: every default, help text and check, in one place.

``rnnkit train forecast`` makes its flags from these fields; ``forecasting.train`` takes them
(as a :class:`ForecastSettings`, or as keyword arguments).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..settings import SettingError, check_settings, setting
from .model import CELLS, OUTPUTS
from .series import BUNDLED


@dataclass(frozen=True)
class ForecastSettings:
    """One forecasting run: the series, its split in time, the network, training."""

    data: str | None = setting(None, "a CSV with a header line, rows in time order (default: a bundled series)")
    dataset: str = setting("co2", "bundled series without --data", choices=tuple(sorted(BUNDLED)))
    target: str | None = setting(None, "the column to forecast (required with --data)")
    features: list[str] | None = setting(None, "more input columns, comma-separated")
    window: int = setting(24, "past rows the model sees", positive=True)
    horizon: int = setting(12, "future values forecast at once", positive=True)
    season: int | None = setting(None, "season length for the seasonal-naive baseline (bundled: 12 or 11)", positive=True)
    out: str = setting("runs/forecast", "run directory")
    cell: str = setting("lstm", "recurrent layer", choices=tuple(CELLS))
    layers: int = setting(1, "stacked recurrent layers", positive=True)
    units: int = setting(32, "units per layer", positive=True)
    output: str = setting("last", "last: forecast from the window's last state; sequence: train on the next K values after every "
                          "step of the window and forecast from the last step", choices=OUTPUTS)
    relative: bool = setting(True, "predict changes from the window's last value (copes with trends)")
    train_fraction: float = setting(0.7, "fraction of rows (the earliest) to train on", above=0, below=1, flag="--train")
    val_fraction: float = setting(0.15, "fraction after those to pick the epoch on; the rest is the test part", above=0, below=1,
                                  flag="--val")
    batch_size: int = setting(32, "windows per batch", positive=True)
    epochs: int = setting(200, "most epochs", positive=True)
    patience: int = setting(20, "stop after this many epochs without a better validation loss", positive=True)
    minutes: float | None = setting(None, "stop after this many minutes of training", above=0)
    learning_rate: float = setting(3e-3, "Adam learning rate", above=0, flag="--lr")
    seed: int = setting(0, "random seed")
    resume: bool = setting(False, "continue the run in --out from its last finished epoch, with its own settings")

    def __post_init__(self) -> None:
        check_settings(self)
        if self.train_fraction + self.val_fraction >= 1:
            raise SettingError("val_fraction", f"leaves no test part: train_fraction + val_fraction must be < 1; got "
                                               f"{self.train_fraction} + {self.val_fraction}")
