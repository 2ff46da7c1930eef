"""Parity with real Keras: each fixture model is rebuilt in rnnkit, given the fixture's weights with
``set_weights``, and must reproduce Keras's outputs, intermediate outputs, shapes, parameter
counts and ``summary()`` text.

Fixtures (tests/fixtures/keras, made by Keras 3 and tf_keras; see scripts/make_keras_fixtures.py)
store their weights as ``default_rng(seed).normal(0, std, shape)`` drawn in ``get_weights()``
order, so the weights are regenerated here from the seed instead of read from the files.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit import layers as L

from helpers.keras_models import RECURRENT_FIXTURES

FIXTURES = Path(__file__).parents[1] / "fixtures" / "keras"


def seq(*layers):
    return keras.Sequential(list(layers))


def functional(inputs, outputs):
    return keras.Model(inputs=inputs, outputs=outputs)


def _bi(layer, merge_mode="concat", shape=(6, 2)):
    x = keras.Input(shape=shape)
    return functional(x, L.Bidirectional(layer, merge_mode=merge_mode)(x))


def _single(layer, shape):
    x = keras.Input(shape=shape)
    return functional(x, layer(x))


def _ids(length):
    return keras.Input(shape=(length,), dtype="int32")


# The fixtures copied from shared/keras/fixtures; the ones scripts/make_keras_fixtures.py makes are
# built by helpers.keras_models.RECURRENT_FIXTURES, the definitions that script uses.
COPIED = {
    "simple_rnn_42": lambda: seq(keras.Input(shape=(2, 10)), L.SimpleRNN(3)),
    "deep_simple_rnn": lambda: seq(
        keras.Input(shape=(10, 5)), L.SimpleRNN(8, return_sequences=True), L.SimpleRNN(8, return_sequences=True)
    ),
    "lstm_last": lambda: seq(keras.Input(shape=(5, 1)), L.LSTM(3)),
    "lstm_seq": lambda: seq(keras.Input(shape=(5, 1)), L.LSTM(3, return_sequences=True)),
    "lstm_state": lambda: _single(L.LSTM(3, return_state=True), (5, 1)),
    "bilstm_state": lambda: _bi(L.LSTM(3, return_state=True)),
    "gru_state": lambda: _single(L.GRU(3, return_state=True), (6, 2)),
    "bi_merge_sum": lambda: _bi(L.LSTM(4, return_sequences=True), "sum", (6, 3)),
    "masked_sentiment": lambda: seq(
        _ids(12), L.Embedding(50, 8, mask_zero=True), L.LSTM(16), L.Dense(1, activation="sigmoid")
    ),
    "char_lm": lambda: seq(
        _ids(20), L.Embedding(30, 16), L.LSTM(32, return_sequences=True), L.Dense(30, activation="softmax")
    ),
}
BUILDERS = {**COPIED, **{name: functools.partial(build, keras) for name, build in RECURRENT_FIXTURES.items()}}

CASES = sorted(p.stem for p in FIXTURES.glob("*.json") if p.stem != "MANIFEST")


def test_every_fixture_has_a_builder():
    assert CASES, "no fixtures found"
    assert not COPIED.keys() & RECURRENT_FIXTURES.keys()
    assert sorted(BUILDERS) == CASES


def load_case(case):
    meta = json.loads((FIXTURES / f"{case}.json").read_text())
    data = dict(np.load(FIXTURES / f"{case}.npz"))
    std = float(re.search(r"normal\(0, ([0-9.]+)", meta["weight_init"]).group(1))
    rng = np.random.default_rng(meta["seed"])
    weights = [rng.normal(0, std, w["shape"]).astype(np.float32) for w in meta["weights"]]
    return meta, data, weights


def build(case):
    keras.clear_session()
    return BUILDERS[case]()


def inputs_of(meta, data):
    keys = [spec["key"] for spec in meta["inputs"]]
    return [data[k] for k in keys] if len(keys) > 1 else data[keys[0]]


@pytest.mark.parametrize("case", CASES)
def test_outputs_match_keras(case):
    meta, data, weights = load_case(case)
    model = build(case)
    assert [tuple(w.shape) for w in model.get_weights()] == [tuple(w["shape"]) for w in meta["weights"]]
    model.set_weights(weights)
    predicted = model.predict(inputs_of(meta, data))
    predicted = predicted if isinstance(predicted, list) else [predicted]
    assert len(predicted) == len(meta["outputs"])
    for spec, got in zip(meta["outputs"], predicted):
        np.testing.assert_allclose(got, data[spec["key"]], atol=1e-5, rtol=0, err_msg=f"{case} {spec['key']}")


@pytest.mark.parametrize("case", [c for c in CASES if json.loads((FIXTURES / f"{c}.json").read_text())["intermediates"]])
def test_intermediate_outputs_match_keras(case):
    meta, data, weights = load_case(case)
    model = build(case)
    model.set_weights(weights)
    model.eval()
    x = torch.as_tensor(inputs_of(meta, data))
    x = x.long() if not x.is_floating_point() else x
    with torch.no_grad():
        for layer in model.layers:
            x = layer(x)
            key = f"inter_{layer.name}"
            if key in data:
                np.testing.assert_allclose(x.numpy(), data[key], atol=1e-5, rtol=0, err_msg=key)


@pytest.mark.parametrize("case", CASES)
def test_counts_and_shapes_match_keras(case):
    meta = json.loads((FIXTURES / f"{case}.json").read_text())
    model = build(case)
    assert model.count_params() == meta["total_params"]
    rows = {layer.name: layer for layer in model.layers}
    for spec in meta["layers"]:
        layer = rows[spec["name"]]
        assert type(layer).__name__ == spec["class_name"]
        assert layer.count_params() == spec["param_count"], spec["name"]


@pytest.mark.parametrize("case", [c for c in CASES if not c.startswith("keras2_")])
def test_summary_text_matches_keras(case, capsys):
    meta = json.loads((FIXTURES / f"{case}.json").read_text())
    model = build(case)
    model.summary()
    assert capsys.readouterr().out.rstrip("\n") == meta["summary"].rstrip("\n")
