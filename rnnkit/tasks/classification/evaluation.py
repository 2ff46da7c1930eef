"""Using a trained classifier: probabilities for texts, and a report with a confusion-matrix plot."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import torch

from ...atomic_files import write_figure_atomically
from ...data.padding import LengthBuckets, PaddedSequences
from ...data.tables import read_labelled_texts
from ...errors import FileFormatError
from ...extras import pyplot
from ...file_records import config_from_record, parse_part, record_field
from ...training.scores import ClassReport, confusion_matrix
from ...training.task_files import read_task_model
from ...weight_checks import build_from_weights
from ..checkpoint_records import labels_from_record, tokenizer_from_record
from .ensemble import checkpoints_of
from .model import ClassifierConfig, build_classifier
from .sequences import JAPANESE_VOWELS, feature_probabilities, read_sequences, standardise
from .text import TextEncoder


def load_classifier(checkpoint: str | os.PathLike) -> tuple[Any, TextEncoder | None, dict[str, Any]]:
    """``(model in eval mode, encoder, record)`` from a checkpoint file or run directory (no encoder for numeric sequences)."""
    path, weights, record = read_task_model(checkpoint, "classify")
    config = config_from_record(path, ClassifierConfig, record.get("config"), "rnnkit.record.config")
    model = build_from_weights(path, lambda: build_classifier(config), weights, config.layers)
    labels_from_record(path, record, "classes", config.classes, required=False)
    state = record_field(path, record, "encoder", (dict, type(None)), where="rnnkit.record")
    return model.eval(), None if state is None else _encoder(path, state, config.vocab_size), record


def _encoder(path: Path, state: dict[str, Any], vocab_size: int) -> TextEncoder:
    """The checkpoint's text encoder, each of its tokenizers checked, its ids within the embedding's ``vocab_size`` rows."""
    where = "rnnkit.record.encoder"
    record_field(path, state, "max_len", int, where=where, minimum=1)
    tokenizer_from_record(path, state.get("tokenizer"), f"{where}.tokenizer")
    for index, more in enumerate(record_field(path, state, "more_tokenizers", list, where=where, default=[])):
        tokenizer_from_record(path, more, f"{where}.more_tokenizers.{index}")
    encoder = parse_part(path, where, TextEncoder.from_json, state)
    if encoder.vocab_size > vocab_size:
        raise FileFormatError(path, field=where, expected=f"at most {vocab_size} tokens (the embedding's rows)", found=encoder.vocab_size)
    return encoder


def probabilities(model: Any, encoder: TextEncoder, texts: list[str], batch_size: int = 256) -> np.ndarray:
    """Class probabilities ``(N, classes)``, in the order of ``texts`` (batched by length)."""
    ids = [encoder.encode(t) for t in texts]
    data = PaddedSequences(ids, [0] * len(ids))
    result = np.zeros((len(ids), model.outputs[0].shape[-1]), dtype=np.float32)
    model.eval()
    with torch.inference_mode():
        for batch in LengthBuckets([len(i) for i in ids], batch_size, shuffle=False):
            x, _ = data.collate(batch)
            result[batch] = torch.softmax(model(x), dim=-1).numpy()  # (B, classes)
    return result


def predict(checkpoint: str | os.PathLike, texts: list[str]) -> list[tuple[str, float, dict[str, float]]]:
    """``(label, its probability, every class's probability)`` for each text; an ensemble's mean probabilities."""
    def scores(model: Any, encoder: TextEncoder | None, record: dict[str, Any]) -> np.ndarray:
        if encoder is None:
            raise ValueError(f"{checkpoint}: this model classifies numeric sequences, not texts; give them with --data FILE")
        return probabilities(model, encoder, texts)
    mean, classes = _mean_scores(checkpoint, scores)
    return _best(mean, classes)


def _mean_scores(checkpoint: str | os.PathLike, scores: Any) -> tuple[np.ndarray, list[str]]:
    """The mean of ``scores(model, encoder, record)`` over the classifier, or over an ensemble's members; their classes."""
    total, classes, members = None, None, checkpoints_of(checkpoint)
    for each in members:
        model, encoder, record = load_classifier(each)
        if classes is not None and record["classes"] != classes:
            raise ValueError(f"{each}: classes {record['classes']} differ from the first member's {classes}; an ensemble needs the same classes")
        classes = record["classes"]
        part = scores(model, encoder, record)
        total = part if total is None else total + part
    return total / len(members), classes


def predict_sequences(checkpoint: str | os.PathLike, data: str | os.PathLike) -> list[tuple[str, str, float, dict[str, float]]]:
    """``(sequence id, label, its probability, every class's probability)`` for each sequence of ``data``.

    ``data`` is an NPZ file (ids are row numbers, ``y`` is not needed) or a long table read with the
    training run's columns (it may lack the label column).
    """
    ids = []

    def scores(model: Any, encoder: TextEncoder | None, record: dict[str, Any]) -> np.ndarray:
        if encoder is not None:
            raise ValueError(f"{checkpoint}: this model classifies texts, not numeric sequences; give the texts as arguments")
        sequences, _, ids[:] = read_sequences(data, record.get("columns") or {}, "--data", labelled=False)
        return _sequence_probabilities(model, record, sequences, data)
    mean, classes = _mean_scores(checkpoint, scores)
    return [(i, *row) for i, row in zip(ids, _best(mean, classes))]


def _best(scores: np.ndarray, classes: list[str]) -> list[tuple[str, float, dict[str, float]]]:
    rows = []
    for p in scores:
        best = int(p.argmax())
        rows.append((classes[best], float(p[best]), {c: float(v) for c, v in zip(classes, p)}))
    return rows


def _sequence_probabilities(model: Any, record: dict[str, Any], sequences: list[np.ndarray], data: str | os.PathLike) -> np.ndarray:
    features = record["config"]["features"]
    if sequences[0].shape[1] != features:
        raise ValueError(f"--data {data}: sequences of {sequences[0].shape[1]} features, but the model reads {features}")
    return feature_probabilities(model, standardise(sequences, record["scaler"]))


def evaluate(checkpoint: str | os.PathLike | Sequence[str | os.PathLike], data: str | None = None, text_col: str | None = None,
             label_col: str | None = None, plot: str | os.PathLike | None = None) -> ClassReport:
    """Accuracy, per-class precision/recall/F1 and the confusion matrix on labelled data; a PNG at ``plot``.

    ``data`` is read as the model was trained: texts, an NPZ file, or a long table with the training
    run's columns. A model trained on the bundled Japanese Vowels set is scored on its test part
    when ``data`` is None. Several checkpoints (a list, or an ``--ensemble`` run's folder) are scored
    as one ensemble: the mean of their class probabilities, so models that read the texts differently (characters, BPE) pool what
    each got right; they must have the same classes.
    """
    given = [checkpoint] if isinstance(checkpoint, (str, os.PathLike)) else list(checkpoint)
    checkpoints = [member for each in given for member in checkpoints_of(each)]
    if not checkpoints:
        raise ValueError("give at least one checkpoint to evaluate")
    total, labels, classes = None, None, None
    for each in checkpoints:
        model, encoder, record = load_classifier(each)
        if classes is not None and record["classes"] != classes:
            raise ValueError(f"{each}: classes {record['classes']} differ from {checkpoints[0]}'s {classes}; an ensemble needs the same classes")
        classes = record["classes"]
        scores, labels = _scores_and_labels(model, encoder, record, data, text_col, label_col)
        total = scores if total is None else total + scores
    index = {c: i for i, c in enumerate(classes)}
    predicted = total.argmax(axis=1)
    report = ClassReport(classes, confusion_matrix(np.array([index[label] for label in labels]), predicted, len(classes)))
    if plot is not None:
        plot_confusion(report, plot)
    return report


def _scores_and_labels(model: Any, encoder: TextEncoder | None, record: dict[str, Any], data: str | None, text_col: str | None,
                       label_col: str | None) -> tuple[np.ndarray, list[str]]:
    """Class probabilities for ``data`` read as this model was trained, and the labels it holds."""
    if data is None:
        if not record.get("bundled"):
            raise ValueError("--data FILE is required to evaluate this classifier (labelled data like its training data)")
        data = str(JAPANESE_VOWELS["test"])
    if encoder is None:
        columns = dict(record.get("columns") or {}, **({"label_col": label_col} if label_col else {}))
        sequences, labels, _ = read_sequences(data, columns, "--data", known=record["classes"])
        return _sequence_probabilities(model, record, sequences, data), labels
    texts, labels = read_labelled_texts(data, text_col or record.get("text_col"), label_col or record.get("label_col"), "--data",
                                        known=record["classes"])
    return probabilities(model, encoder, texts), labels


def plot_confusion(report: ClassReport, path: str | os.PathLike) -> Path:
    """The confusion matrix as a PNG heatmap with counts in the cells (rows: true, columns: predicted)."""
    plt = pyplot("plotting the confusion matrix")

    matrix, names = report.matrix, report.names
    size = 2.5 + 0.5 * len(names)
    figure, axes = plt.subplots(figsize=(size, size))
    rows = matrix.sum(axis=1, keepdims=True)
    axes.imshow(np.divide(matrix, rows, out=np.zeros(matrix.shape), where=rows > 0), cmap="Blues", vmin=0, vmax=1)
    for i in range(len(names)):
        for j in range(len(names)):
            axes.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=8)
    axes.set_xticks(range(len(names)), names, rotation=45, ha="right")
    axes.set_yticks(range(len(names)), names)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    axes.set_title(f"accuracy {report.accuracy:.3f}")
    figure.tight_layout()
    path = Path(path)
    write_figure_atomically(figure, path, dpi=100)
    plt.close(figure)
    return path
