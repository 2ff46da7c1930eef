"""Character and word error rates of transcripts, computed by ``jiwer``.

Both are corpus rates: the edits (substitutions + deletions + insertions) of the best alignment of
every hypothesis with its reference, summed, over the length of all references summed (characters,
spaces included, for CER; words for WER). They exceed 1 when a hypothesis inserts more than the
reference holds.
"""

from __future__ import annotations

from typing import Sequence

from ...extras import require


def _jiwer():
    return require("jiwer", "scoring transcripts (character and word error rates)")


def _checked(references: Sequence[str], hypotheses: Sequence[str]) -> tuple[list[str], list[str]]:
    if len(references) != len(hypotheses):
        raise ValueError(f"{len(references)} reference transcripts but {len(hypotheses)} hypotheses")
    if not references or not all(r.strip() for r in references):
        raise ValueError("every reference transcript must hold at least one character")
    return list(references), list(hypotheses)


def character_error_rate(references: Sequence[str], hypotheses: Sequence[str]) -> float:
    return float(_jiwer().cer(*_checked(references, hypotheses)))


def word_error_rate(references: Sequence[str], hypotheses: Sequence[str]) -> float:
    return float(_jiwer().wer(*_checked(references, hypotheses)))
