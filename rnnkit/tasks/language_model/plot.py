"""The loss-curve PNG of a run (matplotlib's Agg backend: no display needed)."""

from __future__ import annotations

import os
from typing import Any

from ...atomic_files import write_figure_atomically
from ...extras import require


def write_loss_plot(history: list[dict[str, Any]], path: str | os.PathLike) -> None:
    """Training and held-out loss per epoch, written atomically to ``path``."""
    Figure = require("matplotlib.figure", "the loss plot").Figure

    epochs = [row["epoch"] for row in history]
    figure = Figure(figsize=(6.4, 4.0), dpi=100)
    axes = figure.subplots()
    axes.plot(epochs, [row["loss"] for row in history], marker="o", label="training loss")
    held_out = [(row["epoch"], row["val_loss"]) for row in history if "val_loss" in row]
    if held_out:
        axes.plot(*zip(*held_out), marker="o", label="held-out loss")
        best = min(history, key=lambda row: row.get("val_loss", float("inf")))
        axes.set_title(f"best held-out: {best['val_loss']:.3f} nats/token, {best['val_bits_per_char']:.3f} bits/char")
    axes.set_xlabel("epoch")
    axes.set_ylabel("cross-entropy (nats per token)")
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    write_figure_atomically(figure, path)
