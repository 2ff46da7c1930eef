"""Decoding a trained :class:`Seq2Seq`: greedy search and beam search.

Both encode the source once and then feed the decoder one token per call, carrying its states
(:meth:`Seq2Seq.decode`), so each new token costs one decoder step whatever the length so far.

Beam search keeps the ``beam_width`` best prefixes by summed log-probability. A prefix that ends
(``END`` among the step's ``beam_width`` best candidates) is set aside with the score
``log_prob / lp(length)``, ``lp(n) = ((5 + n) / 6) ** alpha`` (Wu et al., 2016; ``alpha = 0``
ranks by log-probability alone, larger values favour longer outputs). A source is done when
``beam_width`` hypotheses have ended; at ``max_length`` the live prefixes join as unfinished.

Plain beam search can, rarely, end below greedy search: greedy's prefix may fall out of the beam
and every prefix kept may end badly. The greedy hypothesis is therefore always one of the
candidates (``include_greedy=True``), so the best beam result never scores below greedy's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from .model import END, PAD, START, Seq2Seq, select_states


@dataclass
class Hypothesis:
    """One output: target ids without START/END, the model's log-probability of them (and of END when
    finished), the ranking score (log_prob / lp(length)), and whether it ended with END."""

    tokens: list[int]
    log_prob: float
    score: float
    finished: bool


def length_penalty(length: int, alpha: float) -> float:
    """Wu et al.'s ``((5 + length) / 6) ** alpha``; 1 when ``alpha`` is 0."""
    return ((5.0 + length) / 6.0) ** alpha


def _next_log_probs(logits: torch.Tensor) -> torch.Tensor:
    """Log-probabilities (rows, V) of the next token, in float64; PAD and START can never be emitted."""
    log_p = torch.log_softmax(logits[:, 0].double(), dim=-1)
    log_p[:, PAD] = -math.inf
    log_p[:, START] = -math.inf
    return log_p


def _check(source: torch.Tensor, max_length: int) -> torch.Tensor:
    source = torch.as_tensor(source).long()
    if source.dim() != 2 or source.shape[0] == 0 or source.shape[1] == 0:
        raise ValueError(f"source must be ids of shape (batch, steps) with both > 0; got {tuple(source.shape)}")
    if not bool((source[:, 0] != 0).all()):
        raise ValueError("every source must have at least one token (a row starts with padding)")
    if not isinstance(max_length, int) or max_length < 1:
        raise ValueError(f"max_length must be a positive integer; got {max_length!r}")
    return source


@torch.no_grad()
def greedy_search(model: Seq2Seq, source: torch.Tensor, max_length: int = 50, alpha: float = 0.0) -> list[Hypothesis]:
    """The most probable next token at every step, for each row of ``source`` (B, S)."""
    source = _check(source, max_length)
    was_training = model.training
    model.eval()
    try:
        memory, states = model.encode(source)
        batch = source.shape[0]
        ids = torch.full((batch,), START, dtype=torch.long)
        picked, log_probs = [], []
        done = torch.zeros(batch, dtype=torch.bool)
        for _ in range(max_length):
            logits, states, _ = model.decode(ids[:, None], states, memory)  # (B, 1, V)
            log_p = _next_log_probs(logits)  # (B, V)
            ids = log_p.argmax(dim=-1)  # (B,)
            picked.append(ids)
            log_probs.append(log_p.gather(1, ids[:, None])[:, 0].masked_fill(done, 0.0))
            done = done | (ids == END)
            if bool(done.all()):
                break
    finally:
        model.train(was_training)
    tokens = torch.stack(picked, dim=1).tolist()  # (B, steps)
    totals = torch.stack(log_probs, dim=1).sum(dim=1).tolist()
    hypotheses = []
    for row, total in zip(tokens, totals):
        finished = END in row
        kept = row[: row.index(END)] if finished else row
        length = len(kept) + finished
        hypotheses.append(Hypothesis(kept, total, total / length_penalty(length, alpha), finished))
    return hypotheses


@torch.no_grad()
def beam_search(model: Seq2Seq, source: torch.Tensor, beam_width: int = 4, max_length: int = 50, alpha: float = 0.0,
                include_greedy: bool = True) -> list[list[Hypothesis]]:
    """Up to ``beam_width`` hypotheses for each row of ``source`` (B, S), best score first."""
    source = _check(source, max_length)
    if not isinstance(beam_width, int) or beam_width < 1:
        raise ValueError(f"beam width must be a positive integer; got {beam_width!r}")
    batch, width = source.shape[0], beam_width
    was_training = model.training
    model.eval()
    try:
        memory, states = model.encode(source)
        rows = torch.arange(batch).repeat_interleave(width)  # (B*K,): beam k of source b is row b*K + k
        memory, states = memory.select(rows), select_states(states, rows)
        scores = torch.full((batch, width), -math.inf, dtype=torch.float64)
        scores[:, 0] = 0.0  # one live prefix (the empty one) to start from
        prefixes = torch.zeros(batch, width, 0, dtype=torch.long)  # (B, K, t)
        ids = torch.full((batch * width,), START, dtype=torch.long)
        ended: list[list[Hypothesis]] = [[] for _ in range(batch)]
        for _ in range(max_length):
            logits, states, _ = model.decode(ids[:, None], states, memory)  # (B*K, 1, V)
            log_p = _next_log_probs(logits)  # (B*K, V)
            vocab = log_p.shape[-1]
            total = (scores[:, :, None] + log_p.view(batch, width, vocab)).view(batch, width * vocab)
            candidates, index = total.topk(min(2 * width, width * vocab), dim=1)  # (B, C), best first
            beam, token = index // vocab, index % vocab
            live = torch.isfinite(candidates)
            ends = (token == END) & live
            for b, c in ends[:, :width].nonzero().tolist():  # END among the K best: set the hypothesis aside
                if len(ended[b]) < width:
                    tokens = prefixes[b, beam[b, c]].tolist()
                    log_prob = float(candidates[b, c])
                    ended[b].append(Hypothesis(tokens, log_prob, log_prob / length_penalty(len(tokens) + 1, alpha), True))
            # the K best candidates that go on (stable sort keeps the score order among them)
            order = torch.where(ends | ~live, 1, 0).argsort(dim=1, stable=True)[:, :width]  # (B, K)
            keep = (~ends & live).gather(1, order)
            scores = candidates.gather(1, order).masked_fill(~keep, -math.inf)
            beam, token = beam.gather(1, order), token.gather(1, order)
            prefixes = torch.cat([prefixes.gather(1, beam[:, :, None].expand(-1, -1, prefixes.shape[2])), token[:, :, None]], dim=2)
            states = select_states(states, (torch.arange(batch)[:, None] * width + beam).view(-1))
            ids = token.view(-1)
            if all(len(e) >= width for e in ended):
                break
    finally:
        model.train(was_training)
    results = []
    greedy = greedy_search(model, source, max_length, alpha) if include_greedy else [None] * batch
    for b in range(batch):
        found = ended[b]
        if len(found) < width:  # out of steps: the live prefixes count, unfinished
            for k in range(width):
                log_prob = float(scores[b, k])
                if math.isfinite(log_prob):
                    tokens = prefixes[b, k].tolist()
                    found.append(Hypothesis(tokens, log_prob, log_prob / length_penalty(len(tokens), alpha), False))
        if greedy[b] is not None and all(h.tokens != greedy[b].tokens or h.finished != greedy[b].finished for h in found):
            found.append(greedy[b])
        results.append(sorted(found, key=lambda h: -h.score)[:width])
    return results
