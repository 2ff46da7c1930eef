"""BLEU (Papineni et al., 2002) over a corpus, one reference per output, on word or character tokens.

``p_n`` is the clipped n-gram precision summed over the corpus (each hypothesis n-gram counts at
most as often as it appears in its reference), ``BP = min(1, exp(1 - r / c))`` with ``c`` and
``r`` the total hypothesis and reference lengths, and ``BLEU = BP * exp(mean_n log p_n)`` for
n = 1..``max_order``. It is 0 when some ``p_n`` is 0, unless ``smooth`` (Lin and Och, 2004: add one
to the counts of n > 1).
"""

from __future__ import annotations

import collections
import math
from typing import Sequence


def bleu_tokens(text: str, level: str) -> list[str]:
    """``word``: whitespace-separated words; ``char``: the characters other than whitespace."""
    if level == "word":
        return text.split()
    if level == "char":
        return [c for c in text if not c.isspace()]
    raise ValueError(f"BLEU tokens must be 'word' or 'char'; got {level!r}")


def _ngrams(tokens: Sequence[str], n: int) -> collections.Counter:
    return collections.Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def corpus_bleu(hypotheses: Sequence[Sequence[str]], references: Sequence[Sequence[str]], max_order: int = 4,
                smooth: bool = False) -> float:
    """BLEU in [0, 1] of token lists ``hypotheses`` against ``references`` (one each)."""
    if len(hypotheses) != len(references):
        raise ValueError(f"BLEU needs one reference per hypothesis; got {len(hypotheses)} and {len(references)}")
    if not hypotheses:
        raise ValueError("BLEU of an empty corpus is undefined")
    matches, totals = [0] * max_order, [0] * max_order
    hypothesis_length = reference_length = 0
    for hypothesis, reference in zip(hypotheses, references):
        hypothesis_length += len(hypothesis)
        reference_length += len(reference)
        for n in range(1, max_order + 1):
            counts, allowed = _ngrams(hypothesis, n), _ngrams(reference, n)
            matches[n - 1] += sum(min(count, allowed[gram]) for gram, count in counts.items())
            totals[n - 1] += max(len(hypothesis) - n + 1, 0)
    if hypothesis_length == 0:
        return 0.0
    log_precision = 0.0
    for n in range(max_order):
        match, total = matches[n], totals[n]
        if smooth and n > 0:
            match, total = match + 1, total + 1
        if match == 0 or total == 0:
            return 0.0
        log_precision += math.log(match / total) / max_order
    brevity = min(0.0, 1.0 - reference_length / hypothesis_length)
    return math.exp(brevity + log_precision)
