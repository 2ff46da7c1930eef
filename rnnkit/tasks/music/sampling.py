"""New tunes from a trained model: tokens one at a time after ``<tune>`` and a header, until the next ``<tune>``.

It reuses the language-model task's sampler (:func:`rnnkit.tasks.language_model.generation.generate_ids`:
one network step per token, temperature, top-k, top-p); what is the tune's own is the header and
where a tune ends. The header is the prime (a meter and key, ``M:6/8 K:Dmaj``); what the prime
leaves out the model picks, from its own probabilities restricted to meters (then keys), so every
tune has one meter and one key and the judged part is the body the model wrote.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from ..language_model.generation import generate_ids, pick_next
from ..language_model.model import LanguageModel
from .abc_tokens import tune_text
from .render import TuneCheck, write_tune_files
from .tunes import TuneVocabulary

MAX_TOKENS = 600  # a tune that has not ended by then is cut (O'Neill's tunes average ~160 tokens)


def header_ids(vocabulary: TuneVocabulary, prime: str) -> list[int]:
    """Ids of a prime: a meter and/or a key, ``M:6/8 K:Dmaj`` (``K:D`` works too); ValueError for anything else."""
    ids = vocabulary.encode(prime)
    tokens = [vocabulary.tokens[i] for i in ids]
    if tokens and (tokens[0].startswith("K:") or any(not t.startswith(("M:", "K:")) for t in tokens) or len(tokens) > 2):
        raise ValueError(f"--prime {prime!r}: give an ABC header, a meter then a key (M:6/8 K:Dmaj) or a meter alone")
    return ids


def sample_tokens(model: LanguageModel, vocabulary: TuneVocabulary, prime: str = "", temperature: float = 1.0,
                  top_k: int | None = None, top_p: float | None = None, seed: int | None = None,
                  max_tokens: int = MAX_TOKENS) -> list[str]:
    """One tune's tokens (meter and key first), drawn until the model ends the tune or ``max_tokens``."""
    prime_ids = header_ids(vocabulary, prime)
    generator = torch.Generator().manual_seed(seed) if seed is not None else None
    for kind in ("M:", "K:")[len(prime_ids):]:
        prime_ids.append(_header_token(model, vocabulary, prime_ids, kind, temperature, generator))
    drawn = []
    for next_id in generate_ids(model, [vocabulary.start_id(), *prime_ids], max_tokens, temperature, top_k, top_p, seed):
        if next_id == vocabulary.start_id():
            break
        drawn.append(next_id)
    return [vocabulary.tokens[i] for i in prime_ids + drawn]


@torch.no_grad()
def _header_token(model: LanguageModel, vocabulary: TuneVocabulary, prime_ids: list[int], kind: str, temperature: float,
                  generator: torch.Generator | None) -> int:
    """The next header token (a meter for ``kind`` 'M:', a key for 'K:'), drawn from the model's probabilities over those alone."""
    logits, _ = model.eval().step(torch.tensor([[vocabulary.start_id(), *prime_ids]]))  # (1, P, vocab)
    allowed = torch.tensor([t.startswith(kind) for t in vocabulary.tokens])
    if not allowed.any():
        raise ValueError(f"the model's vocabulary holds no {kind} token to start a tune with")
    return pick_next(logits[0, -1].masked_fill(~allowed, -math.inf), temperature, generator=generator)


@dataclass(frozen=True)
class SampledTune:
    """One sampled tune: its tokens, the files written for it, and music21's verdict."""

    tokens: list[str]
    files: list[Path]
    check: TuneCheck

    @property
    def valid(self) -> bool:
        return self.check.valid


def sample_tunes(model: LanguageModel, vocabulary: TuneVocabulary, count: int, out: str | os.PathLike, prime: str = "",
                 seed: int = 0, **options: Any) -> list[SampledTune]:
    """``count`` tunes written to ``out`` as ``tune_N.abc`` (and ``.mid``, ``.png`` where music21 reads them); seeds seed, seed+1, ..."""
    if not isinstance(count, int) or count < 1:
        raise ValueError(f"--count must be a positive number of tunes; got {count}")
    header_ids(vocabulary, prime)  # a bad prime fails before anything is written
    tunes = []
    for number in range(1, count + 1):
        tokens = sample_tokens(model, vocabulary, prime, seed=seed + number - 1, **options)
        files, check = write_tune_files(tune_text(tokens, number=number), out, f"tune_{number}")
        tunes.append(SampledTune(tokens, files, check))
    return tunes
