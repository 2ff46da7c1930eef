"""Attention over an encoder's outputs: Luong's dot and general scores, Bahdanau's additive score.

For a decoder state ``q`` (the query) and encoder outputs ``m_1..m_S`` (the memory)::

    dot       score_j = q . m_j                         (needs equal sizes)
    general   score_j = q . (m_j W)                     W (Hm, Hq)
    additive  score_j = v . tanh(q W_q + m_j W_m)       W_q (Hq, A), W_m (Hm, A), v (A,)

    weights = softmax(score) over the real source steps (padded ones get weight 0)
    context = sum_j weights_j m_j

The part that depends only on the memory (``m W`` for general, ``m W_m`` for additive) is computed
once per source sentence by :meth:`Attention.keys`, so a decoder that attends at every step of a
search pays only for the query's part.
"""

from __future__ import annotations

from typing import Any

import torch

from ...layers import Layer

SCORES = ("dot", "general", "additive")


class Attention(Layer):
    """``attention([query, memory], mask=source_mask, keys=None) -> [context, weights]``.

    Shapes: query (B, Tq, Hq), memory (B, S, Hm), mask (B, S) bool with True for real steps;
    context (B, Tq, Hm), weights (B, Tq, S). ``units`` is the additive score's hidden size.
    """

    def __init__(self, score: str = "general", units: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if score not in SCORES:
            raise ValueError(f"Layer '{self.name}': attention score must be one of {SCORES}; got {score!r}")
        self.score = score
        self.units = units

    def build(self, input_shape: Any) -> None:
        (_, _, query_size), (_, _, memory_size) = input_shape
        init = torch.nn.init.xavier_uniform_
        if self.score == "dot" and query_size != memory_size:
            raise ValueError(
                f"Layer '{self.name}': dot attention needs query and memory of one size; got {query_size} and {memory_size}"
            )
        if self.score == "general":
            self.memory_kernel = self.new_parameter((memory_size, query_size), init)
        if self.score == "additive":
            units = self.units or query_size
            self.query_kernel = self.new_parameter((query_size, units), init)
            self.memory_kernel = self.new_parameter((memory_size, units), init)
            self.score_vector = self.new_parameter((units,), lambda t: torch.nn.init.uniform_(t, -0.1, 0.1))

    def keys(self, memory: torch.Tensor) -> torch.Tensor:
        """The memory's share of the score, (B, S, Hq) or (B, S, A); the memory itself for dot."""
        if not self.built:
            raise ValueError(f"Layer '{self.name}': call it on [query, memory] (or ensure_built) before asking for keys")
        return memory if self.score == "dot" else memory @ self.memory_kernel

    def call(self, inputs: Any, mask: Any = None, training: bool = False, keys: torch.Tensor | None = None) -> Any:
        query, memory = inputs  # (B, Tq, Hq), (B, S, Hm)
        keys = self.keys(memory) if keys is None else keys
        if self.score == "additive":
            hidden = torch.tanh((query @ self.query_kernel)[:, :, None, :] + keys[:, None, :, :])  # (B, Tq, S, A)
            scores = hidden @ self.score_vector  # (B, Tq, S)
        else:
            scores = query @ keys.transpose(1, 2)  # (B, Tq, S)
        if mask is not None:
            scores = scores.masked_fill(~mask[:, None, :], float("-inf"))
        weights = torch.softmax(scores, dim=-1)  # (B, Tq, S)
        return [weights @ memory, weights]  # (B, Tq, Hm), (B, Tq, S)

    def compute_mask(self, inputs: Any, mask: Any = None) -> None:
        return None

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "score": self.score, "units": self.units}
