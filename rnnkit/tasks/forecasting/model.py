"""The forecaster: a window of past rows -> recurrent layers -> all ``horizon`` future values at once.

::

    output "last":      window (B, window, F) -> (LSTM|GRU|SimpleRNN) x layers -> last state (B, units) -> Dense (B, horizon)
    output "sequence":  window (B, window, F) -> (LSTM|GRU|SimpleRNN) x layers -> every state (B, window, units)
                        -> Dense per step (B, window, horizon); the last step's row is the forecast

Predicting every step of the horizon from one state (direct multi-step) avoids feeding the
model's own errors back in, as a one-step model rolled forward would. The sequence output trains
on the ``horizon`` values after every step of the window, not only after its last: ``window``
times the targets from the same windows (the sequence-to-sequence setup of TensorFlow's
time-series tutorial).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ...layers import Dense, Input
from ...layers.recurrent_kinds import TASK_CELLS
from ...models import Model
from ..settings import check_value

CELLS = TASK_CELLS  # cell name -> layer class, one table for every task
OUTPUTS = ("last", "sequence")


@dataclass(frozen=True)
class ForecasterConfig:
    window: int
    horizon: int
    features: int = 1
    cell: str = "lstm"
    layers: int = 1
    units: int = 32
    output: str = "last"  # checkpoints from before sequence outputs have no such key: they are "last"

    def __post_init__(self) -> None:
        check_value("cell", self.cell, {"choices": tuple(sorted(CELLS))})
        check_value("output", self.output, {"choices": OUTPUTS})
        for name in ("window", "horizon", "layers", "units"):
            check_value(name, getattr(self, name), {"positive": True})

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, state: dict[str, Any]) -> "ForecasterConfig":
        return cls(**state)


def build_forecaster(config: ForecasterConfig) -> Model:
    inputs = Input(shape=(config.window, config.features), name="window")
    x = inputs
    cell = CELLS[config.cell]
    every_step = config.output == "sequence"
    for i in range(config.layers):
        x = cell(config.units, return_sequences=every_step or i < config.layers - 1, name=f"{config.cell}_{i}")(x)  # (B, [window,] units)
    outputs = Dense(config.horizon, name="forecast")(x)  # (B, [window,] horizon)
    return Model(inputs, outputs, name="forecaster")
