"""Language models end to end: train on text, sample from the model, score sentences.

In a notebook::

    from rnnkit.tasks import language_model as lm
    run = lm.train("my_text.txt", out="runs/mine", minutes=2)
    print(lm.sample(run.out, prime="To be", length=200, temperature=0.8))
"""

from __future__ import annotations

import os
from typing import Any, Iterator

from ...training.task_files import resolve_task_checkpoint as resolve
from .checkpoint import load_language_model
from .evaluation import LMReport, eval_text, evaluate
from .generation import sample_text, score_texts, stream_text
from .model import LanguageModel, ModelConfig
from .settings import LMSettings
from .training import train

__all__ = ["LMReport", "LMSettings", "LanguageModel", "ModelConfig", "eval_text", "evaluate", "load", "predict", "resolve", "sample",
           "sample_text", "score", "score_texts", "stream", "stream_text", "train"]


def load(checkpoint: str | os.PathLike) -> tuple[LanguageModel, Any]:
    """``(model, tokenizer)`` from a checkpoint file or a run directory."""
    model, tokenizer, _ = load_language_model(checkpoint)
    return model, tokenizer


def stream(checkpoint: str | os.PathLike, prime: str = "", length: int = 500, **options: Any) -> Iterator[str]:
    """Generated text piece by piece (options: temperature, top_k, top_p, seed)."""
    model, tokenizer = load(checkpoint)
    return stream_text(model, tokenizer, prime, length, **options)


def sample(checkpoint: str | os.PathLike, prime: str = "", length: int = 500, **options: Any) -> str:
    """The prime and ``length`` generated tokens as one string (options: temperature, top_k, top_p, seed)."""
    model, tokenizer = load(checkpoint)
    return sample_text(model, tokenizer, prime, length, **options)


def predict(checkpoint: str | os.PathLike, primes: list[str], length: int = 200, **options: Any) -> list[str]:
    """Each prime continued by ``length`` generated tokens (options: temperature, top_k, top_p, seed)."""
    model, tokenizer = load(checkpoint)
    return [sample_text(model, tokenizer, prime, length, **options) for prime in primes]


def score(checkpoint: str | os.PathLike, texts: list[str]) -> list[tuple[float, float, str]]:
    """``(log-probability, perplexity per token, text)`` for each text, most probable first."""
    model, tokenizer = load(checkpoint)
    return score_texts(model, tokenizer, texts)
