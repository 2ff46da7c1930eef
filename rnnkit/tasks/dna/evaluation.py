"""Using a trained splice-junction classifier: labels for new sequences, and a per-class report with a confusion matrix."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ...atomic_files import write_text_atomically
from ...data.padding import LengthBuckets, PaddedSequences
from ...errors import FileFormatError
from ...file_records import config_from_record, record_field
from ...training.scores import ClassReport, confusion_matrix
from ...training.task_files import read_task_model, resolve_task_checkpoint
from ...weight_checks import build_from_weights
from ..checkpoint_records import labels_from_record
from ..classification.evaluation import plot_confusion
from ..classification.model import ClassifierConfig, build_classifier
from .bases import ALPHABET, BaseEncoder, bundled, checked_sequence, encode, read_rows, text_lines


def load_dna_classifier(checkpoint: str | os.PathLike) -> tuple[Any, BaseEncoder, dict[str, Any]]:
    """``(model in eval mode, base encoder, record)`` from a checkpoint file or run directory."""
    path, weights, record = read_task_model(checkpoint, "dna")
    config = config_from_record(path, ClassifierConfig, record.get("config"), "rnnkit.record.config")
    record_field(path, record, "alphabet", str, where="rnnkit.record", choices=(ALPHABET,))
    if config.vocab_size != len(ALPHABET) + 1:
        raise FileFormatError(path, field="rnnkit.record.config.vocab_size", expected=len(ALPHABET) + 1, found=config.vocab_size)
    model = build_from_weights(path, lambda: build_classifier(config), weights, config.layers)
    labels_from_record(path, record, "classes", config.classes)
    return model.eval(), BaseEncoder(), record


def probabilities(model: Any, sequences: list[str], batch_size: int = 256) -> np.ndarray:
    """Class probabilities ``(N, classes)`` of checked sequences, in their order."""
    ids = [encode(s) for s in sequences]
    data = PaddedSequences(ids, [0] * len(ids))
    result = np.zeros((len(ids), model.outputs[0].shape[-1]), dtype=np.float32)
    with torch.inference_mode():
        for batch in LengthBuckets([len(i) for i in ids], batch_size, shuffle=False):
            result[batch] = torch.softmax(model(data.collate(batch)[0]), dim=-1).numpy()  # (B, classes)
    return result


def evaluate(checkpoint: str | os.PathLike, data: str | os.PathLike | None = None, plot: str | os.PathLike | None = None) -> ClassReport:
    """Accuracy, per-class precision/recall/F1 and the confusion matrix on ``data`` (default: the bundled test split)."""
    model, _, record = load_dna_classifier(checkpoint)
    rows = bundled("test") if data is None else read_rows(data)
    classes = record["classes"]
    unknown = sorted({r.label for r in rows} - set(classes))
    if unknown:
        raise ValueError(f"--data {data}: labels {unknown[:5]} the model does not know (it knows {', '.join(classes)})")
    predicted = probabilities(model, [r.sequence for r in rows]).argmax(axis=1)
    truth = np.array([classes.index(r.label) for r in rows])
    report = ClassReport(classes, confusion_matrix(truth, predicted, len(classes)))
    if plot is not None:
        plot_confusion(report, plot)
    return report


def eval_text(checkpoint: str | os.PathLike, data: str | None, out: str | None, options: dict[str, Any]) -> str:
    """What ``rnnkit eval`` prints (``accuracy 0.912`` first); writes ``confusion.png`` and ``eval.json`` to ``out``."""
    folder = Path(out) if out else resolve_task_checkpoint(checkpoint).parent
    folder.mkdir(parents=True, exist_ok=True)
    report = evaluate(checkpoint, data, plot=folder / "confusion.png")
    scored = str(data) if data else "the bundled splice-junction test split"
    write_text_atomically(folder / "eval.json", json.dumps({"data": scored, **report.to_json()}, indent=1))
    return f"{report.as_text()}\n\ndata: {scored}\nplot: {folder / 'confusion.png'}"


def sequences_in_file(path: str | os.PathLike) -> list[str]:
    """The sequences of a file: one per line, alone or as the last field of a ``label, name, sequence`` row."""
    path = Path(path)
    sequences = []
    for number, line in enumerate(text_lines(path), 1):
        if line.strip():
            field = line.replace("\t", ",").split(",")[-1] if ("," in line or "\t" in line) else line
            try:
                sequences.append(checked_sequence(field, f"line {number}"))
            except ValueError as error:
                raise FileFormatError(path, str(error)) from None
    if not sequences:
        raise FileFormatError(path, "holds no sequences")
    return sequences


def predict(checkpoint: str | os.PathLike, sequences: list[str]) -> list[tuple[str, float, dict[str, float]]]:
    """``(label, its probability, every class's probability)`` for each sequence (ValueError for a letter outside the alphabet)."""
    model, _, record = load_dna_classifier(checkpoint)
    checked = [checked_sequence(s, f"sequence {i + 1}") for i, s in enumerate(sequences)]
    classes = record["classes"]
    return [(classes[int(p.argmax())], float(p.max()), dict(zip(classes, map(float, p)))) for p in probabilities(model, checked)]


def predict_text(checkpoint: str | os.PathLike, inputs: list[str], options: dict[str, Any]) -> str:
    """One ``label<TAB>probability<TAB>sequence`` line per sequence given, or per line of ``options["data"]``."""
    if options.get("data") is not None and inputs:
        raise ValueError("give sequences or --data FILE, not both")
    sequences = sequences_in_file(options["data"]) if options.get("data") is not None else inputs
    if not sequences:
        raise ValueError("give one or more DNA sequences (or --data FILE with one per line)")
    rows = predict(checkpoint, sequences)
    return "\n".join(f"{label}\t{probability:.3f}\t{sequence.strip().upper()}" for (label, probability, _), sequence in zip(rows, sequences))
