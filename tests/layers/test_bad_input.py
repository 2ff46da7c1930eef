"""Bad input gives a ValueError naming the layer, what was expected and what was given."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit.layers import GRU, LSTM, Bidirectional, Dense, Embedding, SimpleRNN


def built_lstm():
    layer = LSTM(4, name="enc")
    layer(torch.zeros(2, 5, 3))
    return layer


def test_wrong_rank():
    with pytest.raises(ValueError, match=r"'enc'.*rank 3.*\(2, 5\)"):
        built_lstm()(torch.zeros(2, 5))


def test_wrong_feature_size():
    with pytest.raises(ValueError, match=r"'enc'.*3 input features.*\(2, 5, 7\)"):
        built_lstm()(torch.zeros(2, 5, 7))


def test_wrong_initial_state_count_and_shape():
    layer = built_lstm()
    with pytest.raises(ValueError, match=r"'enc'.*2 initial state.*got 1"):
        layer(torch.zeros(2, 5, 3), initial_state=[torch.zeros(2, 4)])
    with pytest.raises(ValueError, match=r"'enc'.*initial_state\[1\].*\(2, 4\).*\(2, 5\)"):
        layer(torch.zeros(2, 5, 3), initial_state=[torch.zeros(2, 4), torch.zeros(2, 5)])


def test_wrong_mask_shape():
    with pytest.raises(ValueError, match=r"'enc'.*mask.*\(2, 5\).*\(2, 4\)"):
        built_lstm()(torch.zeros(2, 5, 3), mask=torch.ones(2, 4, dtype=torch.bool))


def test_set_weights_wrong_count_and_shape():
    layer = built_lstm()
    with pytest.raises(ValueError, match=r"'enc'.*expects 3 weight arrays.*got 2"):
        layer.set_weights(layer.get_weights()[:2])
    weights = layer.get_weights()
    weights[1] = np.zeros((4, 12))
    before = layer.get_weights()
    with pytest.raises(ValueError, match=r"'enc'.*weight 1.*\(4, 16\).*\(4, 12\)"):
        layer.set_weights(weights)
    for a, b in zip(before, layer.get_weights()):  # nothing half-written
        np.testing.assert_array_equal(a, b)


def test_model_set_weights_wrong_count():
    model = keras.Sequential([keras.Input(shape=(5, 3)), GRU(2), Dense(1)])
    with pytest.raises(ValueError, match="expects 5 weight arrays"):
        model.set_weights(model.get_weights()[:-1])


@pytest.mark.parametrize("make", [
    lambda: LSTM(3, activation="tanhh", name="bad"),
    lambda: GRU(3, recurrent_activation="sigmoidd", name="bad"),
    lambda: SimpleRNN(3, activation="nope", name="bad"),
    lambda: Dense(3, activation="nope", name="bad"),
])
def test_unknown_activation(make):
    with pytest.raises(ValueError, match=r"'bad'.*Unknown activation"):
        make()


def test_other_bad_arguments():
    with pytest.raises(ValueError, match="units must be a positive integer"):
        LSTM(0)
    with pytest.raises(ValueError, match=r"dropout must be in \[0, 1\)"):
        LSTM(3, dropout=1.5)
    with pytest.raises(ValueError, match="merge_mode"):
        Bidirectional(LSTM(3), merge_mode="max")
    with pytest.raises(TypeError, match="unexpected keyword"):
        LSTM(3, unitz=4)


def test_embedding_ids_out_of_range():
    layer = Embedding(10, 4, name="emb")
    with pytest.raises(ValueError, match=r"'emb'.*\[0, 10\).*12"):
        layer(torch.tensor([[1, 12]]))


def test_model_input_shape_checked():
    model = keras.Sequential([keras.Input(shape=(5, 3)), LSTM(2)])
    functional = keras.Model(*(lambda x: (x, LSTM(2)(x)))(keras.Input(shape=(5, 3))))
    with pytest.raises(ValueError, match="3 input features"):
        model.predict(np.zeros((1, 5, 4)))
    with pytest.raises(ValueError, match=r"must have shape \(None, 5, 3\); got \(1, 5, 4\)"):
        functional.predict(np.zeros((1, 5, 4)))


def test_stateful_batch_change():
    layer = LSTM(2, stateful=True, name="st")
    layer(torch.zeros(4, 3, 1))
    with pytest.raises(ValueError, match=r"'st'.*batch size 4.*batch of 2"):
        layer(torch.zeros(2, 3, 1))
