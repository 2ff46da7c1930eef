"""What ``rnnkit eval`` and ``rnnkit predict`` print for a classifier checkpoint."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ...atomic_files import write_text_atomically
from ...training.task_files import ensemble_members, resolve_task_checkpoint
from .evaluation import evaluate, predict, predict_sequences


def eval_text(checkpoint: str | os.PathLike | list[str], data: str | None, out: str | None, options: dict[str, Any]) -> str:
    """The report (headline ``accuracy 0.873`` first); writes ``confusion.png`` and ``eval.json`` to ``out``.

    Without ``data``, a model trained on the bundled Japanese Vowels set is scored on its test part.
    A list of checkpoints, or an ``--ensemble`` run's folder, is scored as an ensemble; its files go to
    the first one's folder (the ensemble's own).
    """
    first = checkpoint[0] if isinstance(checkpoint, list) else checkpoint
    folder = Path(out) if out else Path(first) if ensemble_members(first) else resolve_task_checkpoint(first).parent
    plot = folder / "confusion.png"
    report = evaluate(checkpoint, data, options.get("text_col"), options.get("label_col"), plot=plot)
    scored = str(data) if data else "the bundled Japanese Vowels test part"
    write_text_atomically(folder / "eval.json", json.dumps({"data": scored, **report.to_json()}, indent=1))
    return f"{report.as_text()}\n\ndata: {scored}\nplot: {plot}"


def predict_text(checkpoint: str | os.PathLike, inputs: list[str], options: dict[str, Any]) -> str:
    """One line per text: label, probability, text; or per sequence of ``--data``: id, label, probability."""
    if options.get("data") is not None:
        if inputs:
            raise ValueError("give texts or --data FILE (numeric sequences), not both")
        rows = predict_sequences(checkpoint, options["data"])
        return "\n".join(f"{key}\t{label}\t{probability:.3f}" for key, label, probability, _ in rows)
    if not inputs:
        raise ValueError("give one or more texts to classify (or --data FILE for a model of numeric sequences)")
    rows = predict(checkpoint, inputs)
    return "\n".join(f"{label}\t{probability:.3f}\t{text}" for (label, probability, _), text in zip(rows, inputs))
