"""``keras.layers.RNN`` over user-defined cells and stacks of cells, checked against the built-in
layers with the same weights (which run on rnnkit's fused or reference sequence paths)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit import kernels, layers


class MinimalRNNCell(layers.Layer):
    """SimpleRNN's math written as a user would: ``h_t = tanh(x_t W + h_{t-1} U + b)``."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform", name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer="orthogonal", name="recurrent_kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="random_normal", name="bias")

    def call(self, inputs, states):
        h = torch.tanh(inputs @ self.kernel + states[0] @ self.recurrent_kernel + self.bias)
        return h, [h]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def pair(**options):
    """A custom-cell RNN and a SimpleRNN with the same weights and options."""
    custom = layers.RNN(MinimalRNNCell(4), **options)
    builtin = layers.SimpleRNN(4, **options)
    x = torch.randn(3, 6, 5)
    custom(x), builtin(x)
    builtin.set_weights(custom.get_weights())
    return custom, builtin, x


@pytest.mark.parametrize("options", [
    {},
    {"return_sequences": True},
    {"go_backwards": True, "return_sequences": True},
    {"return_state": True},
    {"return_sequences": True, "zero_output_for_mask": True},
])
def test_a_custom_cell_with_simple_rnn_math_equals_simple_rnn(options):
    torch.manual_seed(0)
    custom, builtin, x = pair(**options)
    mask = torch.tensor([[True] * 6, [True, True, False, True, False, False], [False, True, True, True, True, True]])
    for call in ({}, {"mask": mask}, {"initial_state": [torch.randn(3, 4)]}):
        expected, got = builtin(x, **call), custom(x, **call)
        for e, g in zip(expected if isinstance(expected, list) else [expected], got if isinstance(got, list) else [got]):
            torch.testing.assert_close(g, e)


def test_gradients_through_a_custom_cell_equal_simple_rnns():
    torch.manual_seed(1)
    custom, builtin, x = pair(return_sequences=True)
    custom(x).square().sum().backward()
    builtin(x).square().sum().backward()
    for a, b in zip(custom.weights, builtin.weights):
        torch.testing.assert_close(a.grad, b.grad)


def test_stacked_lstm_and_gru_cells_equal_the_stacked_layers():
    torch.manual_seed(2)
    x = torch.randn(2, 5, 3)
    stacked = layers.RNN([layers.LSTMCell(4), layers.GRUCell(6)], return_sequences=True, return_state=True)
    lstm, gru = layers.LSTM(4, return_sequences=True, return_state=True), layers.GRU(6, return_sequences=True, return_state=True)
    stacked(x)
    lstm(x)
    gru(torch.randn(2, 5, 4))
    weights = stacked.get_weights()
    lstm.set_weights(weights[:3])
    gru.set_weights(weights[3:])
    mask = torch.tensor([[True, True, True, False, False], [True] * 5])
    out, (h1, c1), h2 = stacked(x, mask=mask)
    y1, e_h1, e_c1 = lstm(x, mask=mask)
    y2, e_h2 = gru(y1, mask=mask)
    torch.testing.assert_close(out, y2)
    torch.testing.assert_close(h1, e_h1)
    torch.testing.assert_close(c1, e_c1)
    torch.testing.assert_close(h2, e_h2)


def test_built_in_cells_in_rnn_and_in_stacked_rnn_cells():
    torch.manual_seed(3)
    x = torch.randn(2, 4, 3)
    single = layers.RNN(layers.LSTMCell(5))
    stack = layers.RNN(layers.StackedRNNCells([layers.LSTMCell(5)]))
    single(x), stack(x)
    stack.set_weights(single.get_weights())
    torch.testing.assert_close(stack(x), single(x))
    # the stack's initial states are given nested per cell, or flat
    states = [torch.randn(2, 5), torch.randn(2, 5)]
    torch.testing.assert_close(stack(x, initial_state=[states]), single(x, initial_state=states))
    torch.testing.assert_close(stack(x, initial_state=states), single(x, initial_state=states))


class ShiftedStartCell(MinimalRNNCell):
    """A cell that starts from a state of ones (Keras calls ``get_initial_state`` when it exists)."""

    def get_initial_state(self, batch_size=None):
        return [torch.ones(batch_size, self.units)]


def test_the_cells_get_initial_state_is_used():
    torch.manual_seed(4)
    layer = layers.RNN(ShiftedStartCell(3))
    x = torch.randn(2, 4, 5)
    torch.testing.assert_close(layer(x), layer(x, initial_state=[torch.ones(2, 3)]))
    assert not torch.allclose(layer(x), layer(x, initial_state=[torch.zeros(2, 3)]))


def test_explain_says_custom_cells_run_on_the_reference_loop():
    layer = layers.RNN(MinimalRNNCell(3))
    x = torch.randn(1, 2, 3)
    layer(x)
    assert "reference" in kernels.explain(layer, x) and "MinimalRNNCell" in kernels.explain(layer, x)
    with pytest.raises(ValueError, match="implementation='fused' runs only SimpleRNN, LSTM and GRU cells"):
        layers.RNN(MinimalRNNCell(3), implementation="fused")(x)


class NoStateSize(layers.Layer):
    def call(self, inputs, states):
        return inputs, states


def test_bad_cells_are_value_errors_naming_the_layer_and_what_is_expected():
    with pytest.raises(ValueError, match=r"Layer 'rnn.*': cell \(NoStateSize\) has no state_size"):
        layers.RNN(NoStateSize())
    with pytest.raises(ValueError, match=r"cell must be a keras.layers.Layer with a state_size.*got Linear"):
        layers.RNN(torch.nn.Linear(2, 2))
    with pytest.raises(ValueError, match=r"cells\[1\] \(NoStateSize\) has no state_size"):
        layers.RNN([layers.GRUCell(2), NoStateSize()])


def test_bidirectional_over_a_custom_cell_runs_a_fresh_copy_backwards():
    torch.manual_seed(5)
    layer = layers.Bidirectional(layers.RNN(MinimalRNNCell(3), return_sequences=True))
    x = torch.randn(2, 4, 5)
    out = layer(x)
    backward = layers.SimpleRNN(3, return_sequences=True, go_backwards=True)
    backward(x)
    backward.set_weights(layer.backward_layer.get_weights())
    torch.testing.assert_close(out[..., 3:], backward(x).flip(1))


def test_a_model_with_a_custom_cell_trains_with_fit():
    torch.manual_seed(6)
    rng = np.random.RandomState(0)
    x = rng.normal(size=(64, 6, 2)).astype("float32")
    y = x[:, :, 0].sum(axis=1, keepdims=True)
    model = keras.Sequential([keras.Input(shape=(6, 2)), layers.RNN(MinimalRNNCell(8)), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    history = model.fit(x, y, epochs=10, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.7 * history.history["loss"][0]
    assert model.layers[0].cell.kernel.grad is not None


def test_stacked_dropout_cells_are_deterministic_outside_training():
    torch.manual_seed(7)
    x = torch.randn(2, 4, 3)
    with_dropout = layers.RNN([layers.SimpleRNNCell(3, dropout=0.5, recurrent_dropout=0.5), layers.SimpleRNNCell(2)])
    plain = layers.RNN([layers.SimpleRNNCell(3), layers.SimpleRNNCell(2)])
    with_dropout(x), plain(x)
    plain.set_weights(with_dropout.get_weights())
    torch.testing.assert_close(with_dropout(x, training=False), plain(x, training=False))
    assert not torch.allclose(with_dropout(x, training=True), plain(x))


def test_a_dropout_mask_is_drawn_once_per_sequence():
    """With an identity kernel and no recurrence, each output step shows the input mask: the same at every step."""
    cell = layers.SimpleRNNCell(4, dropout=0.5, activation="linear", use_bias=False,
                                kernel_initializer=keras.initializers.Identity(), recurrent_initializer="zeros")
    out = layers.RNN([cell], return_sequences=True)(torch.ones(3, 5, 4), training=True)
    dropped = out == 0
    assert dropped.any() and (dropped == dropped[:, :1]).all()


def test_nested_states_of_stacked_cells_in_a_functional_model():
    torch.manual_seed(8)
    inputs = keras.Input((None, 5))
    out, (h1, c1), h2 = layers.RNN([layers.LSTMCell(3), layers.GRUCell(2)], return_state=True)(inputs)
    assert (out.shape, h1.shape, c1.shape, h2.shape) == ((None, 2), (None, 3), (None, 3), (None, 2))
    model = keras.Model(inputs, [out, c1, h2])
    x = np.random.RandomState(0).rand(2, 4, 5).astype("float32")
    rnn = model.layers[1]
    direct_out, (_, direct_c1), direct_h2 = rnn(torch.from_numpy(x))
    got = model.predict(x, verbose=0)
    for value, expected in zip(got, (direct_out, direct_c1, direct_h2)):
        np.testing.assert_allclose(value, expected.detach().numpy(), rtol=1e-6, atol=1e-6)
