"""Held-out loss with the recurrent state carried through the text, as a reader would meet it; :func:`evaluate` for a checkpoint."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from ...data import load_corpus, split_held_out
from ..fingerprints import checked_fingerprint, describe, fingerprint
from .checkpoint import load_language_model
from .model import LanguageModel

HELD_OUT_FRACTION = 0.1  # the last tenth of a text: what training holds out and what evaluate scores by default


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


@dataclass
class LMReport:
    """Loss per token on a text (natural log), its perplexity, and bits per character, with the text's size."""

    loss: float
    perplexity: float
    bits_per_char: float
    tokens: int
    description: str

    def as_text(self) -> str:
        return (f"loss {self.loss:.4f} nats/token\nperplexity {self.perplexity:.2f}\nbits_per_char {self.bits_per_char:.3f}\n"
                f"on {self.tokens:,} tokens of {self.description}")


def evaluate(checkpoint: str | os.PathLike, data: str | os.PathLike | None = None) -> LMReport:
    """The model's loss on its training text's held-out 10%, or on ``data`` (a file or folder) read whole.

    The checkpoint keeps no path (:mod:`rnnkit.tasks.fingerprints`): without ``data`` the held-out
    part is the bundled corpus's; a run on the user's own text is scored on its held-out part when
    ``data`` is that same text again, and on all of ``data`` when it is other text.
    """
    model, tokenizer, record = load_language_model(checkpoint)
    settings = record.get("settings") if isinstance(record.get("settings"), dict) else {}
    trained_on = checked_fingerprint(checkpoint, "record.settings.data", settings.get("data"))
    if data is None and trained_on is not None:
        raise ValueError(f"{checkpoint}: trained on {describe(trained_on)}, which the checkpoint does not name; "
                         "give it with --data FILE to score its held-out part")
    text, description = load_corpus(data)
    ids = tokenizer.encode(text)
    if data is None or fingerprint(data) == trained_on:
        ids = split_held_out(ids, HELD_OUT_FRACTION)[1]
        description = f"the held-out {HELD_OUT_FRACTION:.0%} of {description}"
    nats, tokens = held_out_nats(model, torch.tensor(ids))
    metrics = metrics_from_nats(nats, tokens, len(tokenizer.decode(ids)))
    return LMReport(metrics["val_loss"], metrics["val_perplexity"], metrics["val_bits_per_char"], tokens, description)


def eval_text(checkpoint: str | os.PathLike, data: str | os.PathLike | None, out: str | os.PathLike | None,
              options: dict | None = None) -> str:
    """What ``rnnkit eval`` prints for a language model (it writes no files)."""
    return evaluate(checkpoint, data).as_text()
