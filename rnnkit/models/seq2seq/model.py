"""An encoder-decoder network built from rnnkit layers, for outputs of another length than inputs.

The encoder (Embedding -> recurrent layers, each optionally ``Bidirectional``) reads the source and
hands its final states (``return_state=True``) to the decoder layers as ``initial_state``, layer
by layer; a bidirectional encoder hands over the sum of its forward and backward states, and its
outputs are the sum of both directions (``merge_mode='sum'``), so every size is ``units``.

The decoder predicts target token ``t`` from target token ``t - 1`` (``START`` first) and the
state. Three shapes of decoder, picked by ``attention``:

- ``None``: ``logits_t = W_o s_t``, with ``s_t`` the top decoder layer's output.
- ``'dot'`` / ``'general'`` (Luong et al., 2015): attend with ``s_t``, then
  ``logits_t = W_o tanh(W_c [context_t; s_t])``. The recurrent layers never see the context, so
  teacher forcing runs them over the whole target in one call.
- ``'additive'`` (Bahdanau et al., 2015): attend with the previous state ``s_{t-1}`` and feed the
  context into the first decoder layer with the token, ``[embed(y_{t-1}); context_t]``; the output
  is ``W_o tanh(W_c [context_t; s_t])`` as above. This runs one step at a time, also in training.

:meth:`Seq2Seq.decode` is the decoder for any number of steps from given states, so teacher
forcing (all target steps at once) and search (one step per call, carrying the states) share it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import nn

from ...layers import GRU, LSTM, Bidirectional, Dense, Dropout, Embedding
from ..model import Model
from .attention import Attention

CELLS = {"lstm": LSTM, "gru": GRU}
ATTENTION = (None, "dot", "general", "additive")
PAD, START, END = 0, 1, 2  # reserved target ids (the source uses PAD too)

States = list[list[torch.Tensor]]  # per decoder layer: [h] or, for LSTM, [h, c], each (B, units)


@dataclass(frozen=True)
class Seq2SeqConfig:
    """What it takes to rebuild the network (checkpoints carry it as JSON)."""

    source_vocab_size: int
    target_vocab_size: int
    cell: str = "lstm"
    layers: int = 1
    units: int = 128
    embedding: int = 64
    bidirectional: bool = True
    attention: str | None = "general"
    shared_embedding: bool = False  # one table for source and target (a shared vocabulary)
    dropout: float = 0.0

    def __post_init__(self) -> None:
        if self.cell not in CELLS:
            raise ValueError(f"cell must be one of {sorted(CELLS)}; got {self.cell!r}")
        if self.attention not in ATTENTION:
            raise ValueError(f"attention must be one of {ATTENTION}; got {self.attention!r}")
        for name in ("source_vocab_size", "target_vocab_size", "layers", "units", "embedding"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer; got {value!r}")
        if self.target_vocab_size <= END:
            raise ValueError(f"target_vocab_size must exceed the {END + 1} reserved ids; got {self.target_vocab_size}")
        if self.shared_embedding and self.source_vocab_size != self.target_vocab_size:
            raise ValueError("shared_embedding needs one vocabulary: source_vocab_size == target_vocab_size")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1); got {self.dropout}")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, state: dict[str, Any]) -> "Seq2SeqConfig":
        return cls(**state)


@dataclass
class Memory:
    """What the decoder reads of an encoded source: outputs (B, S, U), mask (B, S), attention keys."""

    outputs: torch.Tensor
    mask: torch.Tensor
    keys: torch.Tensor | None

    def select(self, rows: torch.Tensor) -> "Memory":
        """The memory of the given batch rows (e.g. each source repeated once per beam)."""
        keys = None if self.keys is None else self.keys.index_select(0, rows)
        return Memory(self.outputs.index_select(0, rows), self.mask.index_select(0, rows), keys)


def select_states(states: States, rows: torch.Tensor) -> States:
    """The decoder states of the given batch rows."""
    return [[s.index_select(0, rows) for s in layer] for layer in states]


class Seq2Seq(Model):
    """Logits ``(B, T, target_vocab)`` for ``[source (B, S), decoder_input (B, T)]`` (teacher forcing).

    ``decoder_input`` is the target shifted right: ``[START, y_1, ..., y_n]`` padded with ``PAD``;
    the logits carry the mask ``decoder_input != PAD``, so losses skip the padding.
    """

    def __init__(self, config: Seq2SeqConfig):
        super().__init__(name="seq2seq")
        self.config = config
        cell, units = CELLS[config.cell], config.units
        self.source_embedding = Embedding(config.source_vocab_size, config.embedding, name="source_embedding")
        self.target_embedding = (
            self.source_embedding if config.shared_embedding
            else Embedding(config.target_vocab_size, config.embedding, name="target_embedding")
        )
        encoder = []
        for i in range(config.layers):
            layer = cell(units, return_sequences=True, return_state=True, name=f"encoder_{i}")
            encoder.append(Bidirectional(layer, merge_mode="sum", name=f"bidirectional_encoder_{i}") if config.bidirectional else layer)
        self.encoder = nn.ModuleList(encoder)
        self.decoder = nn.ModuleList(
            cell(units, return_sequences=True, return_state=True, name=f"decoder_{i}") for i in range(config.layers)
        )
        self.attention = Attention(config.attention, name="attention") if config.attention else None
        self.attentional = Dense(units, activation="tanh", name="attentional") if config.attention else None
        self.dropout = Dropout(config.dropout, name="dropout")
        self.head = Dense(config.target_vocab_size, name="logits")
        embeddings = [self.source_embedding] + ([] if config.shared_embedding else [self.target_embedding])
        extra = [self.attention, self.attentional] if config.attention else []
        self.layers = nn.ModuleList([*embeddings, *self.encoder, *self.decoder, *extra, self.dropout, self.head])
        if self.attention is not None:
            self.attention.ensure_built([(None, None, units), (None, None, units)])
        with torch.no_grad():  # build every weight now, so optimizers and checkpoints see them
            one = torch.full((1, 1), END, dtype=torch.long)
            self.call([one, one])

    # ----- the two halves ------------------------------------------------------------------
    def encode(self, source: torch.Tensor, training: bool = False) -> tuple[Memory, States]:
        """Encode ``source`` (B, S) of ids (PAD = 0 after the end): the memory and the decoder's first states."""
        mask = source != PAD  # (B, S)
        x = self.source_embedding(source, training=training)  # (B, S, E)
        states: States = []
        for index, layer in enumerate(self.encoder):
            if index:
                x = self.dropout(x, training=training)
            x, *final = layer(x, mask=mask, training=training)  # (B, S, U)
            if self.config.bidirectional:  # [forward states..., backward states...]
                half = len(final) // 2
                final = [f + b for f, b in zip(final[:half], final[half:])]
            states.append(final)
        keys = None if self.attention is None else self.attention.keys(x)
        return Memory(x, mask, keys), states

    def decode(self, ids: torch.Tensor, states: States, memory: Memory, training: bool = False
               ) -> tuple[torch.Tensor, States, torch.Tensor | None]:
        """Run the decoder on ``ids`` (B, T) from ``states``: logits (B, T, V), states after, attention (B, T, S) or None.

        One call on T ids equals T calls on one id each, carrying the states: that is how search
        decodes, each new token costing one step.
        """
        x = self.target_embedding(ids, training=training)  # (B, T, E)
        if self.config.attention == "additive":
            return self._decode_additive(x, states, memory, training)
        x, states = self._run_decoder_layers(x, states, training)  # (B, T, U)
        weights = None
        if self.attention is not None:
            context, weights = self.attention([x, memory.outputs], mask=memory.mask, keys=memory.keys)  # (B, T, U), (B, T, S)
            x = self.attentional(torch.cat([context, x], dim=-1))
        return self.head(self.dropout(x, training=training)), states, weights

    def _run_decoder_layers(self, x: torch.Tensor, states: States, training: bool) -> tuple[torch.Tensor, States]:
        new_states: States = []
        for index, layer in enumerate(self.decoder):
            if index:
                x = self.dropout(x, training=training)
            x, *state = layer(x, initial_state=states[index], training=training)
            new_states.append(state)
        return x, new_states

    def _decode_additive(self, x: torch.Tensor, states: States, memory: Memory, training: bool
                         ) -> tuple[torch.Tensor, States, torch.Tensor]:
        outputs, weights = [], []
        for t in range(x.shape[1]):
            query = states[-1][0][:, None, :]  # (B, 1, U): the top layer's h before this step
            context, w = self.attention([query, memory.outputs], mask=memory.mask, keys=memory.keys)  # (B, 1, U), (B, 1, S)
            step, states = self._run_decoder_layers(torch.cat([x[:, t : t + 1], context], dim=-1), states, training)
            outputs.append(self.attentional(torch.cat([context, step], dim=-1)))  # (B, 1, U)
            weights.append(w)
        y = torch.cat(outputs, dim=1)  # (B, T, U)
        return self.head(self.dropout(y, training=training)), states, torch.cat(weights, dim=1)

    # ----- teacher forcing -------------------------------------------------------------------
    def call(self, inputs: Any, mask: Any = None, training: bool = False) -> torch.Tensor:
        source, decoder_input = inputs
        memory, states = self.encode(torch.as_tensor(source).long(), training)
        decoder_input = torch.as_tensor(decoder_input).long()
        logits, _, _ = self.decode(decoder_input, states, memory, training)  # (B, T, V)
        logits._keras_mask = decoder_input != PAD
        return logits


def shift_right(target: torch.Tensor) -> torch.Tensor:
    """Decoder inputs for teacher forcing: ``[y_1..y_n, END, PAD..]`` -> ``[START, y_1..y_n, PAD..]``."""
    shifted = torch.full_like(target, PAD)
    shifted[:, 0] = START
    shifted[:, 1:] = target[:, :-1]
    return shifted.masked_fill(target == PAD, PAD)
