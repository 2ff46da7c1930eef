"""Parity with real Keras: each fixture model is rebuilt in rnnkit, given the fixture's weights with
``set_weights``, and must reproduce Keras's outputs, intermediate outputs, shapes, parameter
counts and ``summary()`` text.

Fixtures (tests/fixtures/keras, made by Keras 3 and tf_keras; see scripts/make_keras_fixtures.py)
store their weights as ``default_rng(seed).normal(0, std, shape)`` drawn in ``get_weights()``
order, so the weights are regenerated here from the seed instead of read from the files.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit import layers as L

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


def _initial_state_lstm():
    x, h, c = keras.Input(shape=(6, 2)), keras.Input(shape=(3,)), keras.Input(shape=(3,))
    return functional([x, h, c], L.LSTM(3, return_sequences=True)(x, initial_state=[h, c]))


def _encoder_decoder():
    enc, dec = keras.Input(shape=(5, 2)), keras.Input(shape=(4, 2))
    _, h, c = L.LSTM(3, return_state=True)(enc)
    y = L.LSTM(3, return_sequences=True)(dec, initial_state=[h, c])
    return functional([enc, dec], L.Dense(2)(y))


def _concat_two_branches():
    a, b = keras.Input(shape=(5, 2)), keras.Input(shape=(5, 3))
    joined = L.Concatenate()([L.LSTM(3)(a), L.GRU(2)(b)])
    return functional([a, b], L.Dense(1)(joined))


def _ids(length):
    return keras.Input(shape=(length,), dtype="int32")


BUILDERS = {
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
    "go_backwards_lstm_seq": lambda: seq(
        keras.Input(shape=(6, 2)), L.LSTM(3, return_sequences=True, go_backwards=True)
    ),
    "go_backwards_gru_last": lambda: seq(keras.Input(shape=(6, 2)), L.GRU(3, go_backwards=True)),
    "gru_reset_before": lambda: seq(
        keras.Input(shape=(5, 2)), L.GRU(4, reset_after=False, return_sequences=True)
    ),
    "gru_reset_before_state": lambda: _single(L.GRU(4, reset_after=False, return_state=True), (5, 2)),
    "lstm_hard_sigmoid": lambda: seq(
        keras.Input(shape=(5, 2)),
        L.LSTM(3, activation="relu", recurrent_activation="hard_sigmoid", return_sequences=True),
    ),
    "simple_rnn_relu_nobias": lambda: seq(
        keras.Input(shape=(5, 3)), L.SimpleRNN(4, activation="relu", use_bias=False, return_sequences=True)
    ),
    "lstm_nobias": lambda: seq(keras.Input(shape=(5, 2)), L.LSTM(3, use_bias=False)),
    "bigru_state": lambda: _bi(L.GRU(3, return_state=True)),
    "bilstm_seq_state": lambda: _bi(L.LSTM(3, return_sequences=True, return_state=True)),
    "bi_merge_mul": lambda: _bi(L.LSTM(3, return_sequences=True), "mul"),
    "bi_merge_ave": lambda: _bi(L.GRU(3, return_sequences=True), "ave"),
    "bi_merge_none": lambda: _bi(L.LSTM(3, return_sequences=True), None),
    "bi_simple_concat": lambda: seq(L.Bidirectional(L.SimpleRNN(4), input_shape=(5, 3))),
    "masked_bilstm_seq": lambda: seq(
        _ids(8),
        L.Embedding(20, 4, mask_zero=True),
        L.Bidirectional(L.LSTM(3, return_sequences=True)),
        L.TimeDistributed(L.Dense(5, activation="softmax")),
    ),
    "masked_gru_seq_leading": lambda: seq(
        _ids(7), L.Embedding(15, 3, mask_zero=True), L.GRU(4, return_sequences=True)
    ),
    "masked_go_backwards": lambda: seq(
        _ids(7), L.Embedding(15, 3, mask_zero=True), L.LSTM(3, return_sequences=True, go_backwards=True)
    ),
    "masking_layer_simple": lambda: seq(
        keras.Input(shape=(6, 2)), L.Masking(0.0), L.SimpleRNN(3, return_sequences=True), L.SimpleRNN(2)
    ),
    "masked_bigru_last": lambda: seq(
        _ids(8), L.Embedding(20, 4, mask_zero=True), L.Bidirectional(L.GRU(3)), L.Dense(2, activation="softmax")
    ),
    "initial_state_lstm": _initial_state_lstm,
    "encoder_decoder": _encoder_decoder,
    "stacked_stock": lambda: seq(
        keras.Input(shape=(6, 3)),
        L.LSTM(8, return_sequences=True, name="LSTM_0"),
        L.LSTM(6, return_sequences=True, name="LSTM_1"),
        L.LSTM(4, return_sequences=True, name="LSTM_2"),
        L.LSTM(3, return_sequences=True, name="LSTM_3"),
        L.Flatten(),
        L.Dense(5, activation="swish"),
        L.Dense(1, activation="sigmoid"),
    ),
    "concat_two_branches": _concat_two_branches,
    "average_pooling_masked": lambda: seq(
        _ids(7), L.Embedding(15, 4, mask_zero=True), L.Bidirectional(L.LSTM(3, return_sequences=True)),
        L.GlobalAveragePooling1D(), L.Dense(2)),
    "max_pooling_masked": lambda: seq(
        _ids(7), L.Embedding(15, 4, mask_zero=True), L.Bidirectional(L.GRU(3, return_sequences=True)),
        L.GlobalMaxPooling1D(), L.Dense(2)),
    "time_distributed_dense_relu": lambda: seq(
        keras.Input(shape=(5, 2)),
        L.SimpleRNN(4, return_sequences=True),
        L.TimeDistributed(L.Dense(3, activation="relu")),
        L.Dropout(0.5),
        L.Reshape((15,)),
        L.Activation("tanh"),
    ),
    # Saved by tf_keras (Keras 2): same layer semantics, Keras 2 defaults.
    "keras2_gru_default": lambda: seq(keras.Input(shape=(5, 2)), L.GRU(3)),
    "keras2_lstm_seq_dense": lambda: seq(
        keras.Input(shape=(5, 2)), L.LSTM(4, return_sequences=True), L.Dense(2)
    ),
    "keras2_bilstm": lambda: seq(
        keras.Input(shape=(6, 2)), L.Bidirectional(L.LSTM(3, return_sequences=True)), L.LSTM(2)
    ),
}

CASES = sorted(p.stem for p in FIXTURES.glob("*.json") if p.stem != "MANIFEST")


def test_every_fixture_has_a_builder():
    assert CASES, "no fixtures found"
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
