"""Sampling and scoring with a trained language model.

Sampling feeds the prime once, then one token at a time, carrying the recurrent states: each new
token costs one step of the network, however long the text already is.
"""

from __future__ import annotations

import math
from typing import Any, Iterator

import torch
import torch.nn.functional as F

from .model import LanguageModel


def pick_next(logits: torch.Tensor, temperature: float = 1.0, top_k: int | None = None, top_p: float | None = None,
              generator: torch.Generator | None = None) -> int:
    """One id drawn from ``logits`` (vocab,): greedy at temperature 0, else softmax(logits / T) cut to top-k / top-p."""
    if temperature == 0:
        return int(torch.argmax(logits))
    logits = logits.double() / temperature
    if top_k is not None and top_k < logits.numel():
        kth = torch.topk(logits, top_k).values[-1]
        logits = logits.masked_fill(logits < kth, -math.inf)
    if top_p is not None and top_p < 1.0:
        ordered, order = torch.sort(logits, descending=True)
        cumulative = torch.cumsum(F.softmax(ordered, dim=-1), dim=-1)
        drop = cumulative - F.softmax(ordered, dim=-1) >= top_p  # keep the smallest set reaching top_p
        logits = logits.masked_fill(torch.zeros_like(drop).scatter(0, order, drop), -math.inf)
    return int(torch.multinomial(F.softmax(logits, dim=-1), 1, generator=generator))


def check_sampling_options(length: int, temperature: float, top_k: int | None, top_p: float | None) -> None:
    if not isinstance(length, int) or length < 1:
        raise ValueError(f"--length must be a positive number of tokens; got {length}")
    if not temperature >= 0 or math.isinf(temperature):
        raise ValueError(f"--temperature must be >= 0 (0 means always the most likely token); got {temperature}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"--top-k must be >= 1; got {top_k}")
    if top_p is not None and not 0.0 < top_p <= 1.0:
        raise ValueError(f"--top-p must be in (0, 1]; got {top_p}")


@torch.no_grad()
def generate_with_probabilities(model: LanguageModel, prime_ids: list[int], length: int, temperature: float = 1.0,
                                top_k: int | None = None, top_p: float | None = None,
                                seed: int | None = None) -> Iterator[tuple[int, float]]:
    """Yield ``length`` new ``(id, probability)`` pairs after ``prime_ids`` (at least one id), one network step each.

    The probability is the model's own, softmax(logits) at temperature 1 before any top-k/top-p
    cut: how expected the drawn token was, whatever the sampling options.
    """
    check_sampling_options(length, temperature, top_k, top_p)
    if not prime_ids:
        raise ValueError("prime_ids: sampling needs at least one id to condition on")
    model.eval()
    generator = torch.Generator().manual_seed(seed) if seed is not None else None
    logits, states = model.step(torch.tensor([prime_ids]))  # (1, P, vocab)
    for _ in range(length):
        next_id = pick_next(logits[0, -1], temperature, top_k, top_p, generator)
        yield next_id, float(F.softmax(logits[0, -1].double(), dim=-1)[next_id])
        logits, states = model.step(torch.tensor([[next_id]]), states)  # (1, 1, vocab)


def generate_ids(model: LanguageModel, prime_ids: list[int], length: int, temperature: float = 1.0,
                 top_k: int | None = None, top_p: float | None = None, seed: int | None = None) -> Iterator[int]:
    """Yield ``length`` new ids after ``prime_ids`` (at least one id), one network step each."""
    return (next_id for next_id, _ in generate_with_probabilities(model, prime_ids, length, temperature, top_k, top_p, seed))


def prime_ids_for(tokenizer: Any, prime: str) -> tuple[list[int], list[int]]:
    """``(ids to condition on, ids that belong to the shown text)`` for a prime; a clear error for unknown characters."""
    if tokenizer.kind == "char":
        missing = tokenizer.unknown(prime)
        if missing:
            raise ValueError(
                f"--prime has characters the model never saw in training: {''.join(missing)!r}; "
                f"use only characters from its vocabulary ({len(tokenizer.chars)} characters)"
            )
    shown = tokenizer.encode(prime) if prime else []
    return [tokenizer.start_id(), *shown], shown


CONTEXT_FOR_DECODING = 8  # tokens decoded with each new one (any neighbour effect is shorter)


def stream_pieces(model: LanguageModel, tokenizer: Any, prime: str = "", length: int = 500, temperature: float = 1.0,
                  top_k: int | None = None, top_p: float | None = None, seed: int | None = None) -> Iterator[tuple[str, float]]:
    """Yield ``(piece of text, the model's probability of its token)`` as the tokens come (the prime is not yielded)."""
    context, shown = prime_ids_for(tokenizer, prime)
    recent = shown[-CONTEXT_FOR_DECODING:]
    for next_id, probability in generate_with_probabilities(model, context, length, temperature, top_k, top_p, seed):
        # Spacing of words and subwords depends on their neighbours: decode the new token with a
        # few before it and yield what it added.
        before, after = tokenizer.decode(recent), tokenizer.decode([*recent, next_id])
        yield (after[len(before):] if after.startswith(before) else tokenizer.decode([next_id])), probability
        recent = [*recent, next_id][-CONTEXT_FOR_DECODING:]


def stream_text(model: LanguageModel, tokenizer: Any, prime: str = "", length: int = 500, **options: Any) -> Iterator[str]:
    """Yield the generated text piece by piece as the tokens come (the prime itself is not yielded)."""
    return (piece for piece, _ in stream_pieces(model, tokenizer, prime, length, **options))


def sample_text(model: LanguageModel, tokenizer: Any, prime: str = "", length: int = 500, **options: Any) -> str:
    """The prime followed by ``length`` generated tokens, as one string."""
    return prime + "".join(stream_text(model, tokenizer, prime, length, **options))


@torch.no_grad()
def log_probability(model: LanguageModel, tokenizer: Any, text: str) -> tuple[float, int]:
    """``(natural-log probability of the text's tokens, their count)``, conditioned on the start token."""
    ids = [tokenizer.start_id(), *tokenizer.encode(text)]
    if len(ids) < 2:
        raise ValueError("cannot score an empty text")
    model.eval()
    logits, _ = model.step(torch.tensor([ids[:-1]]))  # (1, N, vocab)
    log_probs = F.log_softmax(logits[0].double(), dim=-1)
    targets = torch.tensor(ids[1:])
    return float(log_probs.gather(1, targets[:, None]).sum()), len(targets)


def score_texts(model: LanguageModel, tokenizer: Any, texts: list[str]) -> list[tuple[float, float, str]]:
    """``(log-probability, per-token perplexity, text)`` for each text, most probable first."""
    if not texts:
        raise ValueError("give at least one text to score")
    rows = []
    for text in texts:
        if tokenizer.kind == "char" and tokenizer.unknown(text):
            raise ValueError(f"text {text!r} has characters the model never saw in training: {''.join(tokenizer.unknown(text))!r}")
        logp, count = log_probability(model, tokenizer, text)
        rows.append((logp, math.exp(-logp / count), text))
    return sorted(rows, key=lambda row: -row[0])
