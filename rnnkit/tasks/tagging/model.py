"""The tagger: word, suffix and shape embeddings -> bidirectional recurrent layers -> a tag per word.

::

    features (B, T, 3) -> [word (B,T,E) | suffix (B,T,E/4) | shape (B,T,8)] -> (B, T, 1.25E + 8)
        -> Bidirectional(LSTM|GRU, return_sequences) x layers (B, T, 2*units) -> Dropout -> Dense (B, T, tags)
        [-> with crf: a linear-chain CRF (crf.py) trains on whole tag sequences and decodes the best one]

With ``char_units`` each word's characters also run through a small bidirectional LSTM whose two
final states join the word's features (``(B*T, char_len)`` -> ``(B*T, 2*char_units)``), so the
spelling of an unseen word speaks for it. Padding (word id 0) is masked in every recurrent layer, and the logits carry the mask, so the loss
and the accuracy count real words only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import nn

from ...layers import LSTM, Bidirectional, Dense, Dropout, Embedding
from ...layers.recurrent_kinds import TASK_CELLS
from ...models import Model
from ..settings import check_value
from .crf import CRF

CELLS = TASK_CELLS  # cell name -> layer class, one table for every task


@dataclass(frozen=True)
class TaggerConfig:
    """What it takes to rebuild the network; checkpoints carry it as JSON."""

    vocab_sizes: tuple[int, int, int]
    tags: int
    cell: str = "lstm"
    bidirectional: bool = True
    layers: int = 1
    units: int = 128
    embedding: int = 100
    dropout: float = 0.3
    char_vocab: int = 0
    char_len: int = 0
    char_units: int = 0
    crf: bool = False

    def __post_init__(self) -> None:
        check_value("cell", self.cell, {"choices": tuple(sorted(CELLS))})
        for name in ("layers", "units", "embedding", "tags"):
            check_value(name, getattr(self, name), {"positive": True})
        check_value("dropout", self.dropout, {"minimum": 0, "below": 1})
        for name in ("char_vocab", "char_len", "char_units"):  # 0: no character features
            check_value(name, getattr(self, name), {"minimum": 0})
        if len(self.vocab_sizes) != 3 or min(self.vocab_sizes) < 1:
            raise ValueError(f"vocab_sizes must be three positive sizes (words, suffixes, shapes); got {self.vocab_sizes}")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, state: dict[str, Any]) -> "TaggerConfig":
        return cls(**{**state, "vocab_sizes": tuple(state["vocab_sizes"])})


class Tagger(Model):
    """Tag logits ``(B, T, tags)`` for word features ``(B, T, 3)``; the logits carry the padding mask."""

    def __init__(self, config: TaggerConfig):
        super().__init__(name="tagger")
        self.config = config
        words, suffixes, shapes = config.vocab_sizes
        self.word_embedding = Embedding(words, config.embedding, name="word_embedding")
        self.suffix_embedding = Embedding(suffixes, max(8, config.embedding // 4), name="suffix_embedding")
        self.shape_embedding = Embedding(shapes, 8, name="shape_embedding")
        self.char_layers = nn.ModuleList()
        if config.char_units:
            self.char_layers.extend([Embedding(config.char_vocab, 16, mask_zero=True, name="char_embedding"),
                                     Bidirectional(LSTM(config.char_units), name="char_bidirectional")])
        cell = CELLS[config.cell]
        recurrent = [cell(config.units, return_sequences=True, name=f"{config.cell}_{i}") for i in range(config.layers)]
        self.recurrent = nn.ModuleList(Bidirectional(r, name=f"bidirectional_{i}") if config.bidirectional else r
                                       for i, r in enumerate(recurrent))
        self.dropout = Dropout(config.dropout, name="dropout")
        self.head = Dense(config.tags, name="tag_logits")
        self.crf = CRF(config.tags, name="crf") if config.crf else None
        self.layers = nn.ModuleList([self.word_embedding, self.suffix_embedding, self.shape_embedding, *self.char_layers,
                                     *self.recurrent, self.dropout, self.head, *([self.crf] if self.crf else [])])
        with torch.no_grad():  # build every weight now, so optimizers and checkpoints see them
            self(torch.ones(1, 1, 3 + config.char_len, dtype=torch.long))
        if self.crf is not None:
            self.crf.ensure_built((None, None, config.tags))

    def best_tags(self, inputs: torch.Tensor) -> torch.Tensor:
        """``(B, T)`` tag ids for word features ``(B, T, 3 + char_len)``: Viterbi's path with a CRF, else each word's argmax."""
        logits = self(inputs)
        return logits.argmax(dim=-1) if self.crf is None else self.crf.decode(logits, logits._keras_mask)

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        ids = inputs.long()
        mask = ids[..., 0] != 0  # (B, T)
        parts = [self.word_embedding(ids[..., 0], training=training), self.suffix_embedding(ids[..., 1], training=training),
                 self.shape_embedding(ids[..., 2], training=training)]
        if self.config.char_units:
            batch, steps = ids.shape[:2]
            chars = ids[..., 3:].reshape(batch * steps, -1)  # (B*T, char_len)
            chars = chars.clone()
            chars[:, 0] = torch.where(chars[:, 0] == 0, torch.ones_like(chars[:, 0]), chars[:, 0])  # padding words: one unknown char
            embedding, char_rnn = self.char_layers
            spelled = char_rnn(embedding(chars, training=training), training=training)  # (B*T, 2*char_units)
            parts.append(spelled.reshape(batch, steps, -1))
        x = torch.cat(parts, dim=-1)  # (B, T, features)
        for layer in self.recurrent:
            x = self.dropout(layer(x, mask=mask, training=training), training=training)  # (B, T, units or 2*units)
        logits = self.head(x, training=training)  # (B, T, tags)
        logits._keras_mask = mask
        return logits
