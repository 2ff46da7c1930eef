"""Layer behaviours beyond the recurrence equations: masks, wrappers, state, dropout, Keras-2 arguments."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit import activations
from rnnkit.layers import (GRU, LSTM, RNN, Activation, Bidirectional, Concatenate, Dense, Dropout,
                           Embedding, Flatten, LSTMCell, Masking, Reshape, SimpleRNN, TimeDistributed)


def test_keras3_hard_sigmoid():
    x = torch.tensor([-4.0, -3.0, 0.0, 1.5, 3.0, 4.0])
    torch.testing.assert_close(activations.hard_sigmoid(x), torch.tensor([0.0, 0.0, 0.5, 0.75, 1.0, 1.0]))
    torch.testing.assert_close(activations.get("swish")(x), x * torch.sigmoid(x))


def test_default_initializers():
    torch.manual_seed(0)
    layer = LSTM(8)
    layer(torch.zeros(1, 2, 5))
    bias = layer.cell.bias.detach()
    assert torch.equal(bias[8:16], torch.ones(8)) and torch.count_nonzero(bias) == 8  # unit_forget_bias
    u = layer.cell.recurrent_kernel.detach()  # orthogonal (8, 32): orthonormal rows
    torch.testing.assert_close(u @ u.T, torch.eye(8), atol=1e-5, rtol=0)
    limit = np.sqrt(6 / (5 + 32))
    assert layer.cell.kernel.abs().max() <= limit


def test_embedding_mask_equals_running_each_sequence_unpadded():
    torch.manual_seed(0)
    ids = torch.tensor([[3, 5, 2, 0, 0], [4, 1, 1, 6, 2]])
    model = keras.Sequential([keras.Input(shape=(5,), dtype="int32"), Embedding(8, 3, mask_zero=True), GRU(4)])
    padded = model(ids)
    alone = model(ids[:1, :3])
    torch.testing.assert_close(padded[:1], alone)


def test_masking_layer_zeroes_and_masks():
    x = torch.tensor([[[1.0, 2.0], [0.0, 0.0], [3.0, 0.0]]])
    out = Masking()(x)
    assert out._keras_mask.tolist() == [[True, False, True]]
    torch.testing.assert_close(out, x)


def test_dropout_only_in_training():
    layer = Dropout(0.5)
    x = torch.ones(1000)
    layer.eval()
    assert torch.equal(layer(x), x)
    layer.train()
    y = layer(x)
    assert 350 < int((y == 0).sum()) < 650 and set(y.unique().tolist()) <= {0.0, 2.0}


def test_recurrent_dropout_is_inference_free():
    torch.manual_seed(0)
    plain = LSTM(4, return_sequences=True)
    dropped = LSTM(4, return_sequences=True, dropout=0.3, recurrent_dropout=0.3)
    x = torch.randn(2, 6, 3)
    plain(x), dropped(x)
    dropped.set_weights(plain.get_weights())
    dropped.eval()
    torch.testing.assert_close(dropped(x), plain(x))
    dropped.train()
    assert not torch.allclose(dropped(x), plain(x))


def test_time_distributed_dense_equals_dense():
    dense = Dense(3)
    x = torch.randn(2, 4, 5)
    torch.testing.assert_close(TimeDistributed(dense)(x), dense(x))


def test_concatenate_reshape_flatten_activation():
    a, b = torch.randn(2, 3, 4), torch.randn(2, 3, 1)
    assert Concatenate()([a, b]).shape == (2, 3, 5)
    assert Reshape((-1, 2))(a).shape == (2, 6, 2)
    assert Flatten()(a).shape == (2, 12)
    torch.testing.assert_close(Activation("relu")(a), a.clamp(min=0))


def test_concatenate_combines_masks():
    a = torch.randn(1, 3, 2)
    a._keras_mask = torch.tensor([[True, True, False]])
    b = torch.randn(1, 3, 2)
    assert Concatenate()([a, b])._keras_mask.tolist() == [[True, True, False]]


def test_stateful_layer_carries_state_across_batches():
    torch.manual_seed(0)
    whole = GRU(3, return_sequences=True)
    stateful = GRU(3, return_sequences=True, stateful=True)
    x = torch.randn(2, 8, 2)
    whole(x), stateful(x[:, :1])
    stateful.reset_states()
    stateful.set_weights(whole.get_weights())
    parts = torch.cat([stateful(x[:, :5]), stateful(x[:, 5:])], dim=1)
    torch.testing.assert_close(parts, whole(x))
    stateful.reset_states()
    torch.testing.assert_close(stateful(x[:, :5]), whole(x[:, :5]))


def test_generic_rnn_with_builtin_cell_equals_lstm():
    torch.manual_seed(0)
    lstm, generic = LSTM(4, return_sequences=True), RNN(LSTMCell(4), return_sequences=True)
    x = torch.randn(2, 5, 3)
    lstm(x), generic(x)
    generic.set_weights(lstm.get_weights())
    torch.testing.assert_close(generic(x), lstm(x))


def test_cell_step_equals_first_step_of_layer():
    torch.manual_seed(0)
    layer = LSTM(4, return_state=True)
    x = torch.randn(2, 1, 3)
    out, h, c = layer(x)
    step_out, (h1, c1) = layer.cell(x[:, 0], [torch.zeros(2, 4), torch.zeros(2, 4)])
    torch.testing.assert_close(step_out, out)
    torch.testing.assert_close(c1, c)


class MinimalRNNCell(keras.layers.Layer):
    """A user-defined Keras-style cell: h_t = tanh(x W + h U)."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.w = self.new_parameter((input_shape[-1], self.units), keras.initializers.glorot_uniform)
        self.u = self.new_parameter((self.units, self.units), keras.initializers.orthogonal)

    def call(self, inputs, states, mask=None, training=False):
        h = torch.tanh(inputs @ self.w + states[0] @ self.u)
        return h, [h]


def test_custom_cell_runs_through_rnn_and_matches_simple_rnn():
    torch.manual_seed(0)
    custom = RNN(MinimalRNNCell(3), return_sequences=True)
    simple = SimpleRNN(3, use_bias=False, return_sequences=True)
    x = torch.randn(2, 5, 4)
    custom(x), simple(x)
    simple.set_weights(custom.get_weights())
    mask = torch.tensor([[True] * 5, [True, True, True, False, False]])
    torch.testing.assert_close(custom(x, mask=mask), simple(x, mask=mask))


def test_keras2_ways_of_giving_the_input_shape():
    a = keras.Sequential([LSTM(3, input_dim=4, input_length=6)])
    b = keras.Sequential([GRU(3, batch_input_shape=(None, 6, 4))])
    c = keras.Sequential([Bidirectional(SimpleRNN(8), input_shape=(10, 5))])
    d = keras.Sequential([Embedding(100, 8, input_length=12), LSTM(4)])
    assert a.count_params() == 4 * (4 * 3 + 9 + 3) and a.output_shapes["lstm"] == (None, 3)
    assert b.count_params() == 3 * (4 * 3 + 9) + 2 * 9
    assert c.count_params() == 2 * (5 * 8 + 64 + 8) and c.output_shapes[c.layers[0].name] == (None, 16)
    assert d.output_shapes[d.layers[0].name] == (None, 12, 8)


def test_bidirectional_initial_state_and_merge_modes():
    torch.manual_seed(0)
    x = torch.randn(2, 4, 3)
    layer = Bidirectional(LSTM(2, return_sequences=True, return_state=True))
    states = [torch.randn(2, 2) for _ in range(4)]
    out, h_fw, c_fw, h_bw, c_bw = layer(x, initial_state=states)
    fw = layer.forward_layer(x, initial_state=states[:2])
    bw = layer.backward_layer(x, initial_state=states[2:])
    torch.testing.assert_close(out, torch.cat([fw[0], bw[0].flip(1)], dim=-1))
    torch.testing.assert_close(h_bw, bw[1])
    assert layer.forward_layer.name.startswith("forward_") and layer.backward_layer.go_backwards


def test_functional_model_with_two_inputs_and_two_outputs():
    a, b = keras.Input(shape=(4, 2)), keras.Input(shape=(4, 3))
    ya, yb = LSTM(3)(a), GRU(5, return_sequences=True)(b)
    model = keras.Model(inputs=[a, b], outputs=[ya, yb])
    out = model.predict([np.zeros((7, 4, 2)), np.zeros((7, 4, 3))], batch_size=3)
    assert [o.shape for o in out] == [(7, 3), (7, 4, 5)]
    assert model.get_layer("lstm") is model.layers[2] or model.get_layer("lstm").name == "lstm"
    assert model.training  # predict restores the torch mode it found
