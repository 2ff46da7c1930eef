"""Translating with a trained model, and scoring it: exact match and BLEU against references."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from ...atomic_files import write_text_atomically
from ...models.seq2seq import Hypothesis, Seq2Seq, beam_search, greedy_search
from .bleu import bleu_tokens, corpus_bleu
from ...training.task_files import resolve_task_checkpoint
from .checkpoint import load_seq2seq
from .data import Pair, Side, pad, read_pairs
from .dates import dates_task


@dataclass
class Translation:
    """One output: its text, the model's log-probability of it, and whether it ended by itself."""

    text: str
    log_prob: float
    finished: bool


def translate_batch(model: Seq2Seq, source: Side, target: Side, texts: Sequence[str], beam: int = 1, alpha: float = 0.0,
                    max_length: int = 50, allow_unknown: bool = False, batch_size: int = 256) -> list[list[Translation]]:
    """For each text, its translations best first: one with ``beam`` 1 (greedy), else up to ``beam``."""
    results: list[list[Translation]] = []
    for start in range(0, len(texts), batch_size):
        ids = pad([source.encode(t, allow_unknown) for t in texts[start : start + batch_size]])  # (B, S)
        if beam == 1:
            found: list[list[Hypothesis]] = [[h] for h in greedy_search(model, ids, max_length, alpha)]
        else:
            found = beam_search(model, ids, beam, max_length, alpha)
        results.extend([Translation(target.decode(h.tokens), h.log_prob, h.finished) for h in hs] for hs in found)
    return results


def score_pairs(model: Seq2Seq, source: Side, target: Side, pairs: Sequence[Pair], level: str, beam: int = 1,
                max_length: int = 50) -> tuple[dict[str, float], list[str]]:
    """``({'exact_match', 'bleu', 'examples'}, outputs)``: the best output for each source vs its reference."""
    outputs = [ts[0].text for ts in translate_batch(model, source, target, [s for s, _ in pairs], beam, max_length=max_length)]
    references = [t for _, t in pairs]
    exact = sum(o.strip() == r.strip() for o, r in zip(outputs, references)) / len(pairs)
    bleu = corpus_bleu([bleu_tokens(o, level) for o in outputs], [bleu_tokens(r, level) for r in references])
    return {"exact_match": exact, "bleu": 100.0 * bleu, "examples": float(len(pairs))}, outputs


def held_out_pairs(record: dict[str, Any], data: str | os.PathLike | None) -> tuple[list[Pair], str]:
    """``data`` when given; else the held-out dates of the run (regenerated from its seed)."""
    if data is not None:
        return read_pairs(data), str(data)
    dates = record.get("dates")
    if not dates:
        raise ValueError("this model was trained on a file: give the pairs to evaluate on with --data FILE.tsv")
    return dates_task(0, dates["held_out"], dates["seed"])[1], f"{dates['held_out']:,} held-out generated dates"


@dataclass
class Seq2SeqReport:
    """Exact match and BLEU of the best outputs against the references, with every pair and its output.

    ``bleu`` is corpus BLEU in percent over ``level`` tokens ('char' or 'word'); ``beam`` 1 is
    greedy decoding; ``description`` says what was scored.
    """

    exact_match: float
    bleu: float
    level: str
    beam: int
    description: str
    pairs: list[Pair]
    outputs: list[str]

    def wrong(self) -> list[tuple[str, str, str]]:
        """``(source, reference, output)`` of every pair the model got wrong."""
        return [(s, r, o) for (s, r), o in zip(self.pairs, self.outputs) if o.strip() != r.strip()]

    def as_text(self) -> str:
        lines = [f"exact_match {self.exact_match:.4f}", f"bleu {self.bleu:.2f} ({self.level} tokens)",
                 f"on {self.description} ({'greedy' if self.beam == 1 else f'beam {self.beam}'})"]
        return "\n".join(lines + [f"  wrong: {s!r} -> {o!r} (expected {r!r})" for s, r, o in self.wrong()[:5]])


def evaluate(checkpoint: str | os.PathLike, data: str | os.PathLike | None = None, beam: int = 1,
             bleu_tokens: str | None = None) -> Seq2SeqReport:
    """Score the model on ``data`` (source<TAB>target lines), or on the run's held-out dates when None."""
    model, source, target, record = load_seq2seq(checkpoint)
    pairs, description = held_out_pairs(record, data)
    level = bleu_tokens or record.get("bleu_tokens", "char")
    metrics, outputs = score_pairs(model, source, target, pairs, level, beam, record.get("max_length", 50))
    return Seq2SeqReport(metrics["exact_match"], metrics["bleu"], level, beam, description, pairs, outputs)


def eval_text(checkpoint: str | os.PathLike, data: str | os.PathLike | None, out: str | os.PathLike | None,
              options: dict[str, Any] | None = None) -> str:
    """``rnnkit eval`` for seq2seq: exact match and BLEU; writes ``eval.tsv`` (source, reference, output, ok)."""
    options = options or {}
    report = evaluate(checkpoint, data, options.get("beam") or 1, options.get("bleu_tokens"))
    folder = Path(out) if out else resolve_task_checkpoint(checkpoint).parent
    lines = ["source\treference\toutput\tcorrect"]
    lines += [f"{s}\t{r}\t{o}\t{int(o.strip() == r.strip())}" for (s, r), o in zip(report.pairs, report.outputs)]
    write_text_atomically(folder / "eval.tsv", "\n".join(lines) + "\n")
    return f"{report.as_text()}\nevery output: {folder / 'eval.tsv'}"


def translate(checkpoint: str | os.PathLike, texts: Sequence[str], beam: int = 1, alpha: float = 0.0,
              max_length: int | None = None, allow_unknown: bool = False) -> list[list[Translation]]:
    """Translations of ``texts`` with the model in ``checkpoint`` (a file or a run directory)."""
    if not texts:
        raise ValueError("give at least one text to translate")
    model, source, target, record = load_seq2seq(checkpoint)
    limit = max_length or record.get("max_length", 50)
    return translate_batch(model, source, target, list(texts), beam, alpha, limit, allow_unknown)


def predict(checkpoint: str | os.PathLike, texts: Sequence[str], **options: Any) -> list[str]:
    """The best translation of each text (options as :func:`translate`: beam, alpha, max_length, allow_unknown)."""
    return [found[0].text for found in translate(checkpoint, texts, **options)]
