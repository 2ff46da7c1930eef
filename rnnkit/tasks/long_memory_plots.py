"""The long-memory experiment's plots: error against length, training curves, gradient decay."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np

from ..extras import pyplot
from ..inspect.plots import plot_gradient_norms
from .long_memory_problems import Problem

if TYPE_CHECKING:  # the runner imports this module, so only the type checker imports the runner
    from .long_memory import RunResult, Settings


def plot_errors(problem: Problem, settings: "Settings", results: list["RunResult"], path: str | os.PathLike) -> None:
    """Final test error against sequence length, one line per cell, with the input-blind baseline."""
    plt = pyplot("plotting the long-memory errors")
    figure, ax = plt.subplots(figsize=(6.5, 4))
    for cell in settings.cells:
        runs = sorted((r.length, r.error) for r in results if r.cell == cell)
        ax.plot([t for t, _ in runs], [e for _, e in runs], marker="o", label=cell)
    ax.axhline(problem.baseline, color="grey", linestyle="--", label=f"baseline {problem.baseline:.3f}")
    ax.set_yscale("log")
    ax.set_xlabel("sequence length T")
    ax.set_ylabel(problem.error_name)
    ax.set_title(f"{problem.name} problem: error after training")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


def plot_curves(problem: Problem, settings: "Settings", results: list["RunResult"], path: str | os.PathLike) -> None:
    """Test error against training step: one panel per length, one line per cell."""
    lengths = list(settings.lengths)
    plt = pyplot("plotting the long-memory curves")
    figure, axes = plt.subplots(1, len(lengths), figsize=(3.6 * len(lengths), 3.4), squeeze=False, sharey=True)
    for ax, length in zip(axes[0], lengths):
        for r in results:
            if r.length == length and r.curve:
                steps, errors = np.array(r.curve).T
                ax.plot(steps, np.maximum(errors, 1e-6), label=r.cell)
        ax.axhline(problem.baseline, color="grey", linestyle="--")
        ax.set_yscale("log")
        ax.set_title(f"T = {length}")
        ax.set_xlabel("training step")
        ax.grid(True, which="both", alpha=0.3)
    axes[0, 0].set_ylabel(problem.error_name)
    axes[0, -1].legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


def plot_gradients(results: list["RunResult"], length: int, path: str | os.PathLike) -> None:
    """||dLoss/dh_t|| against distance for every cell at one length, before and after training."""
    curves, styles = {}, {}
    for index, r in enumerate(results):
        for when, line in (("init", ":"), ("trained", "-")):
            curves[f"{r.cell} {when}"] = np.array(r.gradients[when])
            styles[f"{r.cell} {when}"] = {"color": f"C{index}", "linestyle": line}
    plot_gradient_norms(curves, path, title=f"gradient through time, T = {length}", styles=styles)
