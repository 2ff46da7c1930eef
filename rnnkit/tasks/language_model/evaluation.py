"""Held-out loss with the recurrent state carried through the text, as a reader would meet it."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .model import LanguageModel


@torch.no_grad()
def held_out_nats(model: LanguageModel, ids: torch.Tensor, streams: int = 16, chunk: int = 256) -> tuple[float, int]:
    """``(total nats, tokens predicted)`` over ``ids`` (N,), cut into ``streams`` contiguous parts read in parallel.

    Each part is read ``chunk`` tokens at a time with its state carried from the chunk before, so
    every token after a part's first is predicted from all the text before it in that part.
    """
    streams = max(1, min(streams, (len(ids) - 1) // 2))
    length = (len(ids) - 1) // streams
    if length < 1:
        raise ValueError(f"the held-out text has {len(ids)} tokens: too few to evaluate on")
    inputs = ids[: streams * length].view(streams, length)  # (S, L)
    targets = ids[1 : streams * length + 1].view(streams, length)  # (S, L)
    was_training = model.training
    model.eval()
    total, states = 0.0, None
    for start in range(0, length, chunk):
        logits, states = model.step(inputs[:, start : start + chunk], states)  # (S, C, vocab)
        piece = targets[:, start : start + chunk]
        total += float(F.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), piece.reshape(-1), reduction="sum"))
    model.train(was_training)
    return total, streams * length


def metrics_from_nats(nats: float, tokens: int, characters: int) -> dict[str, float]:
    """Loss per token, its perplexity, and bits per character of the same text."""
    return {
        "val_loss": nats / tokens,
        "val_perplexity": math.exp(min(nats / tokens, 700.0)),
        "val_bits_per_char": nats / max(characters, 1) / math.log(2),
    }
