"""Evaluation scores computed from whole predictions (not per batch): classification reports,
entity F1 over IOB spans, and forecast errors scaled by naive baselines (MASE).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def confusion_matrix(truth: np.ndarray, predicted: np.ndarray, classes: int) -> np.ndarray:
    """``(classes, classes)`` counts: row = true class, column = predicted class."""
    matrix = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(truth), np.asarray(predicted)), 1)
    return matrix


@dataclass
class ClassReport:
    """Accuracy and per-class precision, recall, F1 and support from a confusion matrix."""

    names: list[str]
    matrix: np.ndarray

    @property
    def accuracy(self) -> float:
        total = self.matrix.sum()
        return float(np.trace(self.matrix) / total) if total else 0.0

    @property
    def precision(self) -> np.ndarray:
        predicted = self.matrix.sum(axis=0)
        return np.divide(np.diag(self.matrix), predicted, out=np.zeros(len(self.names)), where=predicted > 0)

    @property
    def recall(self) -> np.ndarray:
        support = self.matrix.sum(axis=1)
        return np.divide(np.diag(self.matrix), support, out=np.zeros(len(self.names)), where=support > 0)

    @property
    def f1(self) -> np.ndarray:
        p, r = self.precision, self.recall
        return np.divide(2 * p * r, p + r, out=np.zeros(len(self.names)), where=(p + r) > 0)

    @property
    def macro_f1(self) -> float:
        return float(self.f1.mean())

    def as_text(self) -> str:
        width = max(8, *(len(n) for n in self.names))
        lines = [f"accuracy {self.accuracy:.4f}", f"macro_f1 {self.macro_f1:.4f}", "",
                 f"{'class':<{width}}  precision  recall  f1      support"]
        for i, name in enumerate(self.names):
            lines.append(f"{name:<{width}}  {self.precision[i]:9.4f}  {self.recall[i]:6.4f}  {self.f1[i]:.4f}  {int(self.matrix[i].sum()):7d}")
        cell = max(6, len(str(self.matrix.max())), *(len(n) for n in self.names))
        lines += ["", "confusion matrix (rows: true, columns: predicted)",
                  " " * width + "  " + " ".join(f"{n:>{cell}}" for n in self.names)]
        for i, name in enumerate(self.names):
            lines.append(f"{name:<{width}}  " + " ".join(f"{v:>{cell}d}" for v in self.matrix[i]))
        return "\n".join(lines)

    def to_json(self) -> dict:
        return {"accuracy": self.accuracy, "macro_f1": self.macro_f1, "classes": self.names,
                "precision": self.precision.tolist(), "recall": self.recall.tolist(), "f1": self.f1.tolist(),
                "confusion_matrix": self.matrix.tolist()}


def iob_spans(tags: list[str]) -> set[tuple[int, int, str]]:
    """Entity spans ``(start, end exclusive, type)`` of IOB1/IOB2/BIOES-less tags (``B-PER``, ``I-PER``, ``O``).

    An ``I-X`` that does not continue an ``X`` span starts one (the usual lenient reading).
    """
    spans, start, kind = set(), None, None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        continues = prefix == "I" and label == kind and start is not None
        if start is not None and not continues:
            spans.add((start, i, kind))
            start, kind = None, None
        if prefix in ("B", "I") and label and not continues:
            start, kind = i, label
    return spans


def entity_scores(truth: list[list[str]], predicted: list[list[str]]) -> dict[str, float]:
    """Micro precision, recall and F1 over exact entity spans (the CoNLL measure)."""
    found = correct = expected = 0
    for t, p in zip(truth, predicted):
        true_spans, predicted_spans = iob_spans(t), iob_spans(p)
        found += len(predicted_spans)
        expected += len(true_spans)
        correct += len(true_spans & predicted_spans)
    precision = correct / found if found else 0.0
    recall = correct / expected if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"entity_precision": precision, "entity_recall": recall, "entity_f1": f1}


def mean_absolute_scaled_error(truth: np.ndarray, forecast: np.ndarray, history: np.ndarray, season: int = 1) -> float:
    """MAE of ``forecast`` divided by the in-sample MAE of the seasonal naive forecast on ``history``.

    ``history`` is the training part of the series: its one-step (``season=1``) or one-season
    naive error is the scale, as Hyndman and Koehler define MASE.
    """
    history = np.asarray(history, dtype=np.float64)
    if len(history) <= season:
        raise ValueError(f"MASE needs a history longer than the season ({season}); got {len(history)} values")
    scale = np.mean(np.abs(history[season:] - history[:-season]))
    if scale == 0:
        raise ValueError("MASE is undefined: the naive forecast is exact on the history (a constant series?)")
    return float(np.mean(np.abs(np.asarray(truth) - np.asarray(forecast))) / scale)
