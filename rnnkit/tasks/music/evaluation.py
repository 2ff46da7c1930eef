"""Using a trained tune model: load it, score held-out tunes, sample tunes and judge them.

``rnnkit eval`` reports the loss per token on the test tunes (the state carried through them, as
in sampling) and the share of sampled tunes that music21 reads and whose bars fit their meter
(:mod:`.render`), beside the same share for the test tunes themselves: the ceiling a model of
this collection can reach under that rule.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from ...atomic_files import write_text_atomically
from ...errors import FileFormatError
from ...file_records import config_from_record, parse_part, record_field
from ...training.task_files import read_task_model, resolve_task_checkpoint
from ...weight_checks import build_from_weights
from ..fingerprints import checked_fingerprint, describe, fingerprint
from ..language_model.evaluation import held_out_nats
from ..language_model.model import LanguageModel, ModelConfig
from .abc_tokens import tune_text
from .render import check_tune
from .sampling import sample_tunes
from .training import tune_splits
from .tunes import TuneVocabulary, distinct, read_collection

EVAL_SAMPLES = 20  # tunes sampled by 'rnnkit eval' to judge


def load_music_model(checkpoint: str | os.PathLike) -> tuple[LanguageModel, TuneVocabulary]:
    """``(model in eval mode, vocabulary)`` from a checkpoint file or run directory."""
    return _load(checkpoint)[:2]


def _load(checkpoint: str | os.PathLike) -> tuple[LanguageModel, TuneVocabulary, dict[str, Any], Path]:
    path, weights, record = read_task_model(checkpoint, "music")
    config = config_from_record(path, ModelConfig, record.get("config"), "rnnkit.record.config")
    state = record_field(path, record, "vocabulary", dict, where="rnnkit.record")
    tokens = record_field(path, state, "tokens", list, where="rnnkit.record.vocabulary")
    if not all(isinstance(t, str) for t in tokens) or len(tokens) != config.vocab_size or len(set(tokens)) != len(tokens):
        raise FileFormatError(path, field="rnnkit.record.vocabulary.tokens", expected=f"{config.vocab_size} distinct token strings")
    vocabulary = parse_part(path, "rnnkit.record.vocabulary", TuneVocabulary.from_json, state)
    model = build_from_weights(path, lambda: LanguageModel(config), weights, config.layers)
    return model.eval(), vocabulary, record, path


def _test_tunes(path: Path, record: dict[str, Any], data: str | None) -> tuple[list, str]:
    """The tunes to score: the test split of the training collection, or all of ``data`` when it is another collection."""
    trained_on = checked_fingerprint(path, "rnnkit.record.data", record.get("data"))
    seed = record_field(path, record, "split_seed", int, where="rnnkit.record", default=0)
    if data is None and trained_on is not None:
        raise ValueError(f"{path}: trained on {describe(trained_on)}, which the checkpoint does not name; give it with --data to score "
                         "its test tunes")
    if data is None or fingerprint(data) == trained_on:
        splits, described = tune_splits(data, seed)
        return splits["test"], f"the {len(splits['test'])} test tunes of {described}"
    tunes, described = read_collection(data)
    return distinct(tunes), f"the {len(distinct(tunes))} tunes of {described}"


@dataclass
class MusicReport:
    """Held-out loss per token, and how many sampled (and held-out) tunes music21 reads with bars that fit."""

    loss: float
    tokens: int
    sampled: int
    parsed: int
    valid: int
    held_out_valid: float
    description: str

    def to_json(self) -> dict[str, Any]:
        return {"loss_per_token": self.loss, "tokens": self.tokens, "sampled": self.sampled, "parsed": self.parsed,
                "valid": self.valid, "valid_fraction": self.valid / self.sampled, "held_out_valid_fraction": self.held_out_valid}

    def as_text(self) -> str:
        return (f"loss {self.loss:.4f} nats/token on {self.tokens:,} tokens of {self.description}\n"
                f"sampled tunes valid {self.valid}/{self.sampled} ({self.valid / self.sampled:.0%}): music21 reads them and "
                f"their bars fit the meter ({self.parsed} read)\n"
                f"held-out tunes valid by the same rule: {self.held_out_valid:.0%}")


def evaluate(checkpoint: str | os.PathLike, data: str | None = None, samples: int = EVAL_SAMPLES,
             out: str | os.PathLike | None = None, seed: int = 0) -> MusicReport:
    """Score the test tunes (or ``data``) and judge ``samples`` tunes sampled at temperature 1 (written to ``out/samples``)."""
    if not isinstance(samples, int) or samples < 1:
        raise ValueError(f"--count must be a positive number of tunes to sample; got {samples}")
    model, vocabulary, record, path = _load(checkpoint)
    tunes, described = _test_tunes(path, record, data)
    unknown = sorted({t for tune in tunes for t in tune.tokens} - set(vocabulary.tokens))
    if unknown:
        raise ValueError(f"{described} hold tokens the model never saw in training: {unknown[:10]}")
    nats, count = held_out_nats(model, torch.tensor(vocabulary.stream(tunes)))
    folder = Path(out) if out is not None else path.parent
    sampled = sample_tunes(model, vocabulary, samples, folder / "samples", seed=seed)
    judged = [check_tune(tune_text(t.tokens, t.title)) for t in tunes]
    return MusicReport(nats / count, count, len(sampled), sum(t.check.parsed for t in sampled),
                       sum(t.valid for t in sampled), sum(c.valid for c in judged) / len(judged), described)


def eval_text(checkpoint: str | os.PathLike, data: str | None, out: str | None, options: dict[str, Any]) -> str:
    """What ``rnnkit eval`` prints (``loss 1.23 nats/token`` first); writes ``eval.json`` and the judged samples to ``out``."""
    folder = Path(out) if out else resolve_task_checkpoint(checkpoint).parent
    report = evaluate(checkpoint, data, options.get("count") or EVAL_SAMPLES, out=folder)
    write_text_atomically(folder / "eval.json", json.dumps({"data": report.description, **report.to_json()}, indent=1))
    return f"{report.as_text()}\n\nsamples: {folder / 'samples'}"


def sample_text(checkpoint: str | os.PathLike, options: dict[str, Any]) -> str:
    """What ``rnnkit sample`` prints for a tune model: one line per tune written to ``options["out"]``, and the tally."""
    model, vocabulary = load_music_model(checkpoint)
    out = options.get("out") or "samples"
    tunes = sample_tunes(model, vocabulary, options.get("count") or 1, out, options.get("prime") or "", seed=options.get("seed") or 0,
                         temperature=options.get("temperature", 1.0), top_k=options.get("top_k"), top_p=options.get("top_p"))
    lines = []
    for tune in tunes:
        verdict = ("valid" if tune.valid else
                   "bars do not fit the meter" if tune.check.parsed else "music21 cannot read it")
        lines.append(f"{', '.join(str(f) for f in tune.files)}  ({len(tune.tokens)} tokens; {verdict})")
    if len(tunes) == 1:
        lines.insert(0, tunes[0].files[0].read_text().rstrip())
    lines.append(f"{sum(t.valid for t in tunes)}/{len(tunes)} valid (music21 reads them and their bars fit the meter)")
    return "\n".join(lines)
