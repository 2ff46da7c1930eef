"""Reading the fixtures of scripts/make_keras_fixtures_layers.py (tests/fixtures/keras_layers).

Each case has ``CASE.json`` (per-layer classes, names, output shapes, weight paths, summary) and
``CASE.npz`` (inputs ``x<i>``, outputs ``y<i>``, run-time masks ``m<i>``, weights ``w<i>`` in
Keras's ``model.get_weights()`` order).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "keras_layers"


def fixture(name):
    """(meta, data, inputs, outputs, weights) of case ``name``; ``data`` is the open npz (for ``m<i>``)."""
    meta = json.loads((FIXTURES / f"{name}.json").read_text())
    data = np.load(FIXTURES / f"{name}.npz")
    xs = [data[f"x{i}"] for i in range(sum(k.startswith("x") for k in data.files))]
    ys = [data[f"y{i}"] for i in range(meta["outputs"])]
    weights = [data[f"w{i}"] for i in range(len(meta["weights"]))]
    return meta, data, xs, ys, weights


def set_keras_weights(model, weights):
    """Keras's ``model.get_weights()`` order: layer by layer, in ``model.layers`` order (which
    differs from rnnkit's flat order where a layer has frozen weights, e.g. BatchNormalization)."""
    weights = list(weights)
    for layer in model.layers:
        n = len(layer.weights)
        layer.set_weights(weights[:n])
        weights = weights[n:]
    if weights:
        raise ValueError(f"set_keras_weights: {len(weights)} weights left over after the model's layers")
