"""``plot_model`` writes a real PNG of the layer boxes (a smoke test of the drawing, plus its refusals)."""

from __future__ import annotations

import pytest

import rnnkit as keras


def _png(path):
    data = path.read_bytes()
    return data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000


def test_sequential_and_functional_models_are_drawn(tmp_path):
    model = keras.Sequential([keras.Input((5, 3)), keras.layers.LSTM(4), keras.layers.Dense(2)])
    keras.utils.plot_model(model, to_file=str(tmp_path / "seq.png"), show_shapes=True, show_layer_names=True, dpi=50)
    assert _png(tmp_path / "seq.png")
    a, b = keras.Input((5, 3), name="a"), keras.Input((5, 3), name="b")
    merged = keras.layers.LSTM(4)(a)
    out = keras.layers.Dense(1)(merged)
    keras.utils.plot_model(keras.Model([a, b], [out, keras.layers.LSTM(2)(b)]), to_file=str(tmp_path / "f.png"), dpi=50,
                           show_layer_activations=True, show_trainable=True)
    assert _png(tmp_path / "f.png")


def test_refusals_are_clear(tmp_path):
    model = keras.Sequential([keras.Input((5, 3)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="top to bottom only"):
        keras.utils.plot_model(model, to_file=str(tmp_path / "m.png"), rankdir="LR")
    with pytest.raises(ValueError, match="expand_nested and show_dtype"):
        keras.utils.plot_model(model, to_file=str(tmp_path / "m.png"), show_dtype=True)
