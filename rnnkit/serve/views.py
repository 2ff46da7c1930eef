"""The data of the "look inside" and "gradient through time" views, as JSON-ready dicts.

One function, :func:`inspection`, serves both the live server and the static export, so the two
show the same numbers: :func:`rnnkit.inspect.trace`'s gates and states and
:func:`rnnkit.inspect.gradient_through_time`'s norms, rounded to ``DECIMALS`` places (JSON text
stays small; the page colours by them, nothing finer is visible). Masked steps (NaN gates) are
``null``.

The shape of :func:`inspection`'s result::

    {"text": str, "tokens": [str] (T),
     "layers": [{"layer", "direction", "cell", "units", "names": [str],
                 "values": {name: [[float | null] * units] * T}}],
     "gradient": {"about": str, "curves": [{"layer", "direction", "norms": [float] * steps}]} | null (no loss),
     "verdict": {...} | null}
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import inspect as rnn_inspect
from .subjects import Subject

DECIMALS = 5
MAX_STEPS = 500  # tokens a text may have: the page draws one element per token and unit value


def rounded(values: np.ndarray) -> list:
    """A float array as nested lists rounded to ``DECIMALS``, NaN as None (JSON has no NaN)."""
    plain = np.round(values.astype(np.float64), DECIMALS)
    if not np.isnan(plain).any():
        return plain.tolist()
    return np.where(np.isnan(plain), None, plain).tolist()


def layer_view(layer_trace: rnn_inspect.LayerTrace) -> dict[str, Any]:
    """One traced layer call, first sample of the batch: every gate and state as (time, units)."""
    names = layer_trace.names()
    return {
        "layer": layer_trace.layer,
        "direction": layer_trace.direction,
        "cell": layer_trace.cell,
        "units": int(layer_trace[names[0]].shape[2]),
        "names": names,
        "values": {name: rounded(layer_trace[name][0]) for name in names},
    }


def gradient_view(subject: Subject, x: np.ndarray) -> dict[str, Any] | None:
    if subject.gradient is None:
        return None
    gradient = subject.gradient(x)
    curves = [{"layer": g.layer, "direction": g.direction, "norms": rounded(g.norms)} for g in gradient.traces]
    return {"about": gradient.about, "curves": curves}


def inspection(subject: Subject, text: str) -> dict[str, Any]:
    """Everything the look-inside and gradient views show for ``text``; ValueError for text the model cannot read."""
    x, tokens = subject.encode(text)
    if len(tokens) > MAX_STEPS:
        raise ValueError(f"text: {len(tokens)} tokens; the pages show at most {MAX_STEPS}")
    traces = rnn_inspect.trace(subject.model, x)
    return {
        "text": text,
        "tokens": tokens,
        "layers": [layer_view(t) for t in traces],
        "gradient": gradient_view(subject, x),
        "verdict": subject.verdict(x) if subject.verdict else None,
    }


def about(subject: Subject) -> dict[str, Any]:
    """What the page needs to know of the model before any request: its name, kind and what it can do."""
    return {"source": subject.source, "title": subject.title, "can_sample": subject.sample is not None,
            "vocab_size": subject.vocab_size}
