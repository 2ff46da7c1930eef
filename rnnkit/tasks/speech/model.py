"""The acoustic model: log-mel frames -> stacked frames -> bidirectional recurrent layers -> CTC logits per frame.

::

    features (B, T, n_mels), padding frames all zero
        -> every ``stride`` frames side by side (B, T', stride * n_mels), T' = ceil(T / stride)
        -> Bidirectional(LSTM|GRU, return_sequences) x layers (B, T', 2 * units) -> Dropout
        -> Dense (B, T', characters + 1)   (id 0: the CTC blank)

Stacking frames shortens the sequence the recurrent layers walk (and the time they take) by
``stride``; 30 ms per output frame still leaves several frames per spoken character. A stacked
frame is real when its first frame is (padding is only ever at the end), and the logits carry that
mask, so the CTC loss and decoding see each utterance's own length.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import nn

from ...layers import Bidirectional, Dense, Dropout
from ...layers.recurrent_kinds import TASK_CELLS
from ...models import Model
from ..settings import check_value

CELLS = TASK_CELLS  # cell name -> layer class, one table for every task


@dataclass(frozen=True)
class AcousticConfig:
    """What it takes to rebuild the network; checkpoints carry it as JSON."""

    features: int
    symbols: int  # characters + the blank
    cell: str = "lstm"
    layers: int = 2
    units: int = 128
    stride: int = 3
    dropout: float = 0.2

    def __post_init__(self) -> None:
        check_value("cell", self.cell, {"choices": tuple(sorted(CELLS))})
        for name in ("features", "symbols", "layers", "units", "stride"):
            check_value(name, getattr(self, name), {"positive": True})
        check_value("dropout", self.dropout, {"minimum": 0, "below": 1})

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, state: dict[str, Any]) -> "AcousticConfig":
        return cls(**state)


def stack_frames(features: torch.Tensor, stride: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``(stacked (B, T', stride * F), mask (B, T'))`` of ``features`` ``(B, T, F)`` whose padding frames are all zero."""
    batch, steps, width = features.shape
    padded = nn.functional.pad(features, (0, 0, 0, (-steps) % stride))  # (B, stride * T', F)
    real = padded.ne(0).any(dim=-1)  # (B, stride * T')
    return padded.reshape(batch, -1, stride * width), real[:, ::stride]


class AcousticModel(Model):
    """CTC logits ``(B, T', symbols)`` for log-mel features ``(B, T, n_mels)``; the logits carry the frame mask."""

    def __init__(self, config: AcousticConfig):
        super().__init__(name="acoustic_model")
        self.config = config
        cell = CELLS[config.cell]
        self.recurrent = nn.ModuleList(
            Bidirectional(cell(config.units, return_sequences=True, name=f"{config.cell}_{i}"), name=f"bidirectional_{i}")
            for i in range(config.layers))
        self.dropout = Dropout(config.dropout, name="dropout")
        self.head = Dense(config.symbols, name="ctc_logits")
        self.layers = nn.ModuleList([*self.recurrent, self.dropout, self.head])
        with torch.no_grad():  # build every weight now, so optimizers and checkpoints see them
            self(torch.ones(1, config.stride, config.features))

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        x, frames = stack_frames(inputs.float(), self.config.stride)  # (B, T', stride * F), (B, T')
        for layer in self.recurrent:
            x = self.dropout(layer(x, mask=frames, training=training), training=training)  # (B, T', 2 * units)
        logits = self.head(x, training=training)  # (B, T', symbols)
        logits._keras_mask = frames
        return logits
