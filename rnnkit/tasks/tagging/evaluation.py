"""Using a trained tagger: tags for sentences, and token accuracy (plus entity F1 for IOB tags)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from ...atomic_files import write_text_atomically
from ...data.padding import LengthBuckets
from ...data.tagged_text import read_tagged
from ...data.tokenizers import WordTokenizer
from ...file_records import config_from_record, parse_part, record_field
from ...training.scores import entity_scores
from ...training.task_files import read_task_model, resolve_task_checkpoint
from ...weight_checks import build_from_weights
from ..checkpoint_records import labels_from_record
from .features import WordFeatures
from .model import Tagger, TaggerConfig
from .training import TaggedSentences


def load_tagger(checkpoint: str | os.PathLike) -> tuple[Tagger, WordFeatures, dict[str, Any]]:
    """``(model in eval mode, word features, record)`` from a checkpoint file or run directory."""
    path, weights, record = read_task_model(checkpoint, "tag")
    config = config_from_record(path, TaggerConfig, record.get("config"), "rnnkit.record.config")
    model = build_from_weights(path, lambda: Tagger(config), weights, config.layers)
    labels_from_record(path, record, "tags", config.tags)
    features = parse_part(path, "rnnkit.record.features", WordFeatures.from_json, record_field(path, record, "features", dict, where="rnnkit.record"))
    return model.eval(), features, record


def tag_sentences(model: Tagger, features: WordFeatures, tags: list[str], sentences: list[list[str]], batch_size: int = 64) -> list[list[str]]:
    """The predicted tag of every word of every sentence (batched by length; padding never reaches a word)."""
    encoded = [features.encode(words) for words in sentences]
    data = TaggedSentences(encoded, [[0] * len(e) for e in encoded])
    result: list[list[str]] = [[] for _ in sentences]
    model.eval()
    with torch.inference_mode():
        for batch in LengthBuckets([len(e) for e in encoded], batch_size, shuffle=False):
            x = data.collate(batch)[0]
            best = model.best_tags(x)  # (B, T)
            for row, i in enumerate(batch):
                result[i] = [tags[j] for j in best[row, : len(encoded[i])].tolist()]
    return result


@dataclass
class TagReport:
    """Token accuracy over real words, split into words the vocabulary knew and did not, and entity scores for IOB tags.

    ``known_word_accuracy``/``unknown_word_accuracy`` are None when no word was of that kind;
    ``entities`` holds entity precision, recall and F1 (and counts) when the tags are IOB.
    """

    accuracy: float
    words: int
    sentences: int
    known_word_accuracy: float | None = None
    unknown_word_accuracy: float | None = None
    entities: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The scores as one flat record (what ``eval.json`` holds); missing ones left out."""
        plain = {"accuracy": self.accuracy, "words": self.words, "sentences": self.sentences,
                 "known_word_accuracy": self.known_word_accuracy, "unknown_word_accuracy": self.unknown_word_accuracy}
        return {**{k: v for k, v in plain.items() if v is not None}, **self.entities}

    def as_text(self) -> str:
        """One ``name value`` line per score, accuracy first."""
        return "\n".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}" for k, v in self.to_json().items())


def evaluate(checkpoint: str | os.PathLike, data: str, column: str | None = None) -> TagReport:
    """Token accuracy over real words (padding excluded), known/unknown-word accuracy, entity scores for IOB tags."""
    model, features, record = load_tagger(checkpoint)
    sentences = read_tagged(data, record.get("format", "auto"), column or record.get("column", "upos"), "--data")
    predicted = tag_sentences(model, features, record["tags"], [w for w, _ in sentences])
    known = set(features.words)
    counts = {"all": [0, 0], "known": [0, 0], "unknown": [0, 0]}
    for (words, truth), guess in zip(sentences, predicted):
        for word, t, g in zip(words, truth, guess):
            for key in ("all", "known" if word.lower() in known else "unknown"):
                counts[key][0] += t == g
                counts[key][1] += 1
    share = {key: counts[key][0] / counts[key][1] if counts[key][1] else None for key in ("known", "unknown")}
    entities = entity_scores([t for _, t in sentences], predicted) if record.get("iob") else {}
    return TagReport(counts["all"][0] / counts["all"][1], counts["all"][1], len(sentences), share["known"], share["unknown"], entities)


def eval_text(checkpoint: str | os.PathLike, data: str | None, out: str | None, options: dict[str, Any]) -> str:
    """What ``rnnkit eval`` prints (``accuracy 0.951`` first); writes ``eval.json`` to ``out``."""
    if data is None:
        raise ValueError("--data FILE is required to evaluate a tagger (CoNLL-U, word/TAG or two-column text)")
    report = evaluate(checkpoint, data, options.get("column"))
    folder = Path(out) if out else resolve_task_checkpoint(checkpoint).parent
    write_text_atomically(folder / "eval.json", json.dumps({"data": str(data), **report.to_json()}, indent=1))
    return report.as_text()


def predict(checkpoint: str | os.PathLike, texts: list[str]) -> list[list[tuple[str, str]]]:
    """``(word, tag)`` for every word of each text (words split at spaces and punctuation)."""
    if not texts:
        raise ValueError("give one or more sentences to tag")
    model, features, record = load_tagger(checkpoint)
    sentences = [[w for w in WordTokenizer.split(text) if w != "<eos>"] or [text] for text in texts]
    tagged = tag_sentences(model, features, record["tags"], sentences)
    return [list(zip(words, tags)) for words, tags in zip(sentences, tagged)]


def predict_text(checkpoint: str | os.PathLike, inputs: list[str], options: dict[str, Any]) -> str:
    """Each sentence as ``word/TAG word/TAG ...``."""
    return "\n".join(" ".join(f"{w}/{t}" for w, t in words) for words in predict(checkpoint, inputs))
