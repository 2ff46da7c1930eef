"""PNG plots of traces and gradients (matplotlib, Agg backend: no display needed).

- :func:`plot_trace`: one heatmap per gate and state, units down, time across, with the input
  tokens (characters or words) on the time axis;
- :func:`plot_gradient_norms`: ||dLoss/dh_t|| against the distance in time, on a log scale.
"""

from __future__ import annotations

import os
from typing import Sequence

import numpy as np

from ..atomic_files import write_figure_atomically
from ..extras import pyplot
from .gradients import GradientTrace
from .trace import LayerTrace


def _colour_range(values: np.ndarray) -> tuple[str, float, float]:
    """Gates in [0, 1] get a sequential map; signed values a diverging map centred on 0."""
    finite = values[np.isfinite(values)]
    if finite.size and finite.min() >= 0.0 and finite.max() <= 1.0:
        return "viridis", 0.0, 1.0
    largest = float(np.abs(finite).max()) if finite.size else 1.0
    return "RdBu_r", -largest or -1.0, largest or 1.0


def _visible(token: str) -> str:
    """A tick label that shows blanks: a space as an open box, other whitespace escaped."""
    return "\u2423" if token == " " else repr(token)[1:-1] if token.isspace() else token


def plot_trace(
    layer_trace: LayerTrace,
    path: str | os.PathLike,
    tokens: Sequence[str] | None = None,
    sample: int = 0,
    names: Sequence[str] | None = None,
) -> None:
    """Heatmaps of ``names`` (default: every gate and state) for one sample of the batch.

    Masked steps (NaN gates) are drawn grey. ``tokens`` label the time axis, one per step.
    """
    names = list(names or layer_trace.names())
    steps = layer_trace[names[0]].shape[1]
    if tokens is not None and len(tokens) != steps:
        raise ValueError(f"plot_trace: {len(tokens)} tokens for {steps} time steps")
    units = layer_trace[names[0]].shape[2]
    width = min(4 + 0.25 * steps, 40)
    height = max(1.0, min(0.12 * units, 4)) + 0.8
    plt = pyplot("plotting a trace")
    figure, axes = plt.subplots(len(names), 1, figsize=(width, height * len(names)), squeeze=False)
    for ax, name in zip(axes[:, 0], names):
        values = layer_trace[name][sample].T  # (units, time)
        cmap, low, high = _colour_range(values)
        colours = plt.get_cmap(cmap).with_extremes(bad="lightgrey")
        image = ax.imshow(values, aspect="auto", cmap=colours, vmin=low, vmax=high, interpolation="nearest")
        ax.set_ylabel(f"{name}\nunit")
        figure.colorbar(image, ax=ax, fraction=0.02, pad=0.01)
        if tokens is not None:
            ax.set_xticks(range(steps), [_visible(t) for t in tokens], fontsize=7)
    axes[-1, 0].set_xlabel("time step (input order)")
    axes[0, 0].set_title(f"{layer_trace.layer} ({layer_trace.cell}, {layer_trace.direction}), sample {sample}")
    figure.tight_layout()
    write_figure_atomically(figure, path, dpi=90)
    plt.close(figure)


def plot_gradient_norms(
    curves: dict[str, GradientTrace | np.ndarray],
    path: str | os.PathLike,
    title: str = "gradient through time",
    styles: dict[str, dict] | None = None,
) -> None:
    """||dLoss/dh_t|| against the distance from the last processed step, one line per label.

    A curve is a :class:`GradientTrace` or an array already indexed by distance; ``styles``
    gives matplotlib line options per label (colour, linestyle, ...).
    """
    plt = pyplot("plotting gradient norms")
    figure, ax = plt.subplots(figsize=(6.5, 4))
    for label, curve in curves.items():
        values = curve.by_distance() if isinstance(curve, GradientTrace) else np.asarray(curve)
        shown = np.where(values > 0, values, np.nan)  # log scale: zero means "no path", leave a gap
        ax.plot(np.arange(len(values)), shown, label=label, **(styles or {}).get(label, {}))
    ax.set_yscale("log")
    ax.set_xlabel("distance in time from the last step (steps)")
    ax.set_ylabel("||dLoss / dh_t||")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    figure.tight_layout()
    write_figure_atomically(figure, path, dpi=90)
    plt.close(figure)
