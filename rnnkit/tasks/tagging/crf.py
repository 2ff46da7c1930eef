"""A linear-chain CRF over the tagger's word scores: tag-to-tag transitions learned, the best path decoded.

A softmax head picks each word's tag on its own. A CRF also scores each pair of neighbouring tags
and the first and last tag, and learns from the likelihood of the whole gold sequence, so a tag
sequence that never occurs (``AUX`` before ``DET`` ending a sentence) costs something::

    score(y) = start[y_1] + sum_t emissions[t, y_t] + sum_{t>1} transitions[y_{t-1}, y_t] + end[y_T]
    nll(y)   = log sum_{y'} exp score(y') - score(y)        (the forward algorithm, O(T K^2))

Decoding is Viterbi, the same recursion with max for logsumexp. ``emissions`` are ``(B, T, K)``,
tags ``(B, T)``, the mask ``(B, T)`` marks each sentence's words as a prefix of its row; padding
never moves a state, so sentences of any length share a batch.
"""

from __future__ import annotations

from typing import Any

import torch

from ...layers.base import Layer
from ...training.losses import Loss
from ...training.metrics import MeanMetric


class CRF(Layer):
    """The transition weights of a chain of ``tags`` tags: ``transitions (K, K)``, ``start (K,)``, ``end (K,)``."""

    def __init__(self, tags: int, **kwargs: Any):
        super().__init__(**kwargs)
        if not isinstance(tags, int) or tags < 1:
            raise ValueError(f"CRF: tags must be a positive integer; got {tags!r}")
        self.tags = tags

    def build(self, input_shape: Any) -> None:
        if input_shape[-1] != self.tags:
            raise ValueError(f"CRF '{self.name}' scores {self.tags} tags; got inputs of shape {tuple(input_shape)}")
        self.transitions = self.add_weight((self.tags, self.tags), "zeros", name="transitions")
        self.start = self.add_weight((self.tags,), "zeros", name="start")
        self.end = self.add_weight((self.tags,), "zeros", name="end")

    def call(self, inputs: torch.Tensor, mask: Any = None, training: bool = False) -> torch.Tensor:
        return inputs  # the emissions pass through; the CRF acts in nll() and decode()

    def nll(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """``(B,)`` negative log-likelihood of each row's gold tags (0 for a row without words)."""
        emissions = emissions.to(self.transitions.dtype)
        mask = mask.bool()
        steps = mask.shape[1]
        lengths = mask.sum(1)  # (B,)
        gold = emissions.gather(2, tags.unsqueeze(2)).squeeze(2)  # (B, T)
        score = self.start[tags[:, 0]] + (gold * mask).sum(1)
        if steps > 1:
            score = score + (self.transitions[tags[:, :-1], tags[:, 1:]] * mask[:, 1:]).sum(1)
        last = tags.gather(1, (lengths - 1).clamp(min=0).unsqueeze(1)).squeeze(1)
        score = score + self.end[last]
        alpha = self.start + emissions[:, 0]  # (B, K): log-sum of the scores of all paths ending in each tag
        for t in range(1, steps):
            moved = torch.logsumexp(alpha.unsqueeze(2) + self.transitions, dim=1) + emissions[:, t]
            alpha = torch.where(mask[:, t].unsqueeze(1), moved, alpha)
        partition = torch.logsumexp(alpha + self.end, dim=1)
        return torch.where(lengths > 0, partition - score, torch.zeros_like(score))

    def decode(self, emissions: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """``(B, T)`` the highest-scoring tag sequence of each row (padding positions repeat the last tag)."""
        with torch.no_grad():
            emissions = emissions.to(self.transitions.dtype)
            mask = mask.bool()
            batch, steps, tags = emissions.shape
            stay = torch.arange(tags, device=emissions.device).expand(batch, tags)
            best = self.start + emissions[:, 0]  # (B, K): the best path's score ending in each tag
            pointers = []
            for t in range(1, steps):
                scores, previous = (best.unsqueeze(2) + self.transitions).max(dim=1)
                here = mask[:, t].unsqueeze(1)
                best = torch.where(here, scores + emissions[:, t], best)
                pointers.append(torch.where(here, previous, stay))
            tag = (best + self.end).argmax(dim=1)  # (B,)
            path = [tag]
            for previous in reversed(pointers):
                tag = previous.gather(1, tag.unsqueeze(1)).squeeze(1)
                path.append(tag)
            return torch.stack(path[::-1], dim=1)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "tags": self.tags}


class CRFLoss(Loss):
    """The CRF's negative log-likelihood per word: each sentence's ``nll`` spread over its words.

    Averaged over the batch's words, as the softmax loss is, so the learning rate and the gradient
    clipping keep their meaning. ``y_pred`` must carry the padding mask (the tagger's logits do).
    """

    def __init__(self, crf: CRF, name: str = "crf_loss"):
        super().__init__(name=name)
        self.crf = crf

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        mask = y_pred._keras_mask
        per_sentence = self.crf.nll(y_pred, y_true.long(), mask)  # (B,)
        words = mask.sum(1).clamp(min=1)
        return (per_sentence / words).unsqueeze(1) * mask  # (B, T)


def viterbi_accuracy(crf: CRF) -> MeanMetric:
    """``accuracy`` of the decoded paths: 1 per word whose Viterbi tag is the gold one (padding masked)."""
    return MeanMetric(lambda y_true, y_pred: (crf.decode(y_pred, y_pred._keras_mask) == y_true.long()).float(), "accuracy")
