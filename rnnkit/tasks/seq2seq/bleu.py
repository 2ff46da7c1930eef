"""Corpus BLEU (Papineni et al., 2002), one reference per output, on word or character tokens.

The score is sacrebleu's, the implementation published scores are computed with, on rnnkit's own
tokens (``tokenize='none'``: the tokens are joined by spaces and split again), so word and
character BLEU are the same computation. ``smooth`` is Lin and Och (2004), sacrebleu's ``add-k``
with k = 1 on the counts of n > 1; without it BLEU is 0 when some n-gram precision is 0.
"""

from __future__ import annotations

from typing import Sequence

from ...extras import require


def bleu_tokens(text: str, level: str) -> list[str]:
    """``word``: whitespace-separated words; ``char``: the characters other than whitespace."""
    if level == "word":
        return text.split()
    if level == "char":
        return [c for c in text if not c.isspace()]
    raise ValueError(f"BLEU tokens must be 'word' or 'char'; got {level!r}")


def corpus_bleu(hypotheses: Sequence[Sequence[str]], references: Sequence[Sequence[str]], max_order: int = 4,
                smooth: bool = False) -> float:
    """BLEU in [0, 1] of token lists ``hypotheses`` against ``references`` (one each)."""
    if len(hypotheses) != len(references):
        raise ValueError(f"BLEU needs one reference per hypothesis; got {len(hypotheses)} and {len(references)}")
    if not hypotheses:
        raise ValueError("BLEU of an empty corpus is undefined")
    metrics = require("sacrebleu.metrics", "BLEU")
    bleu = metrics.BLEU(tokenize="none", smooth_method="add-k" if smooth else "none", max_ngram_order=max_order)
    score = bleu.corpus_score([" ".join(h) for h in hypotheses], [[" ".join(r) for r in references]])
    return score.score / 100.0
