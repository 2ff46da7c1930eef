"""The classifier: Embedding (id 0 masked) -> recurrent layers (optionally bidirectional) -> Dense logits.

::

    ids (B, T) -> Embedding(mask_zero) (B, T, E) -> [Bidirectional](LSTM|GRU|SimpleRNN) x layers
               -> last step of each sequence, or the mean over its steps (B, units or 2*units)
               -> Dropout -> Dense (B, classes)

The mask makes every recurrent layer stop at each sequence's own end, so padding never changes a
prediction. With ``features`` > 0 the input is a sequence of feature vectors ``(B, T, features)``
instead of ids, and all-zero steps are masked (``Masking``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


from ...layers import Bidirectional, Dense, Dropout, Embedding, GlobalAveragePooling1D, Input, Masking
from ...layers.recurrent_kinds import TASK_CELLS
from ...models import Model
from ..settings import SettingError, check_value

CELLS = TASK_CELLS  # cell name -> layer class, one table for every task
POOLING = ("last", "mean")  # what the last recurrent layer hands to the classifier


@dataclass(frozen=True)
class ClassifierConfig:
    """What it takes to rebuild the network; checkpoints carry it as JSON."""

    vocab_size: int
    classes: int
    cell: str = "lstm"
    bidirectional: bool = True
    layers: int = 1
    units: int = 64
    embedding: int = 64
    dropout: float = 0.3
    features: int = 0
    pooling: str = "last"
    token_dropout: float = 0.0

    def __post_init__(self) -> None:
        check_value("cell", self.cell, {"choices": tuple(sorted(CELLS))})
        check_value("pooling", self.pooling, {"choices": POOLING})
        for name in ("layers", "units", "embedding", "classes"):
            check_value(name, getattr(self, name), {"positive": True})
        if self.classes < 2:
            raise SettingError("classes", f"must be at least 2 (a classifier needs two or more); got {self.classes}")
        for name in ("dropout", "token_dropout"):
            check_value(name, getattr(self, name), {"minimum": 0, "below": 1})

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, state: dict[str, Any]) -> "ClassifierConfig":
        return cls(**state)


def build_classifier(config: ClassifierConfig) -> Model:
    """A functional ``Model`` from ids ``(B, T)`` (or features ``(B, T, F)``) to logits ``(B, classes)``."""
    if config.features:
        inputs = Input(shape=(None, config.features), name="features")
        x = Masking(0.0, name="masking")(inputs)
    else:
        inputs = Input(shape=(None,), dtype="int64", name="ids")
        x = Embedding(config.vocab_size, config.embedding, mask_zero=True, name="embedding")(inputs)  # (B, T, E)
        if config.token_dropout:  # in training, whole tokens vanish: the model cannot lean on memorised rare ones
            x = Dropout(config.token_dropout, noise_shape=(None, None, 1), name="token_dropout")(x)
    cell = CELLS[config.cell]
    for i in range(config.layers):
        last = i == config.layers - 1
        layer = cell(config.units, return_sequences=not last or config.pooling == "mean", name=f"{config.cell}_{i}")
        x = Bidirectional(layer, name=f"bidirectional_{i}")(x) if config.bidirectional else layer(x)
        if last and config.pooling == "mean":
            x = GlobalAveragePooling1D(name="mean_over_steps")(x)  # masked steps are left out of the mean
        x = Dropout(config.dropout, name=f"dropout_{i}")(x)
    logits = Dense(config.classes, name="logits")(x)  # (B, classes)
    return Model(inputs, logits, name="classifier")
