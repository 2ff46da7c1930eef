"""The network: Embedding -> recurrent layers -> Dense over the vocabulary, giving logits.

``step(ids, states)`` is the whole model: it runs a chunk of ids from given recurrent states and
returns the logits and the states after the chunk, so sampling can feed one token at a time and
carry the state, and scoring, training and evaluation run whole windows through the same code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import nn

from ...layers import Dense, Dropout, Embedding
from ...layers.recurrent_kinds import TASK_CELLS
from ...models import Model
from ..settings import check_value

CELLS = TASK_CELLS  # cell name -> layer class, one table for every task

States = list[list[torch.Tensor]]  # per recurrent layer: [h] or, for LSTM, [h, c], each (B, units)


@dataclass(frozen=True)
class ModelConfig:
    """What it takes to rebuild the network (checkpoints carry it as JSON)."""

    vocab_size: int
    cell: str = "lstm"
    layers: int = 1
    units: int = 256
    embedding: int = 64
    dropout: float = 0.0

    def __post_init__(self) -> None:
        check_value("cell", self.cell, {"choices": tuple(sorted(CELLS))})
        for name in ("vocab_size", "layers", "units", "embedding"):
            check_value(name, getattr(self, name), {"positive": True})
        check_value("dropout", self.dropout, {"minimum": 0, "below": 1})

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, state: dict[str, Any]) -> "ModelConfig":
        return cls(**state)


class LanguageModel(Model):
    """Next-token logits ``(B, T, vocab)`` for ids ``(B, T)``; dropout between the layers."""

    def __init__(self, config: ModelConfig):
        super().__init__(name="language_model")
        self.config = config
        cell = CELLS[config.cell]
        self.embedding = Embedding(config.vocab_size, config.embedding, name="embedding")
        self.recurrent = nn.ModuleList(
            cell(config.units, return_sequences=True, return_state=True, name=f"{config.cell}_{i}")
            for i in range(config.layers)
        )
        self.dropout = Dropout(config.dropout, name="dropout")
        self.head = Dense(config.vocab_size, name="logits")
        # Training on streams (batches.StreamBatches): each call starts from the states the last one left.
        self.carry_state = False
        self.carried: States | None = None
        with torch.no_grad():  # build every weight now, so optimizers and checkpoints see them
            self.step(torch.zeros(1, 1, dtype=torch.long))

    @property
    def layers(self) -> list:
        """The layers in order (a plain list, so each weight is registered once, under its attribute)."""
        return [self.embedding, *self.recurrent, self.dropout, self.head]

    def step(self, ids: torch.Tensor, states: States | None = None, training: bool = False) -> tuple[torch.Tensor, States]:
        """Logits for ``ids`` (B, T) starting from ``states`` (zeros when None), and the states after."""
        x = self.embedding(ids, training=training)  # (B, T, E)
        final: States = []
        for index, layer in enumerate(self.recurrent):
            start = None if states is None else states[index]
            x, *state = layer(x, initial_state=start, training=training)  # (B, T, units)
            x = self.dropout(x, training=training)
            final.append(state)
        return self.head(x, training=training), final  # (B, T, vocab)

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        if training and self.carry_state:
            logits, states = self.step(inputs, self.carried, training)
            self.carried = detach_states(states)  # the context goes on; the gradient stops at the batch edge
            return logits
        return self.step(inputs, None, training)[0]


def detach_states(states: States) -> States:
    return [[s.detach() for s in layer] for layer in states]
