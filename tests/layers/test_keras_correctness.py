"""Keras 3's own expected numbers for its recurrent layers and wrappers.

Keras's tests (``keras/src/layers/rnn/*_test.py``: ``test_correctness``, ``test_statefulness``,
``test_pass_initial_state``, ``test_masking``, ``test_return_state``, the stacked-cell tests)
build layers with constant initializers (kernel 0.01, recurrent kernel 0.02, bias 0.03, or
``"ones"`` for their toy cells) on ``np.arange`` inputs and compare with hard-coded outputs. The
settings and the numbers below are those facts; the code is rnnkit's own. The layers run as a
user would call them (NumPy in, the default implementation), so the fused kernels are checked too.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnkit import initializers, layers


def constant(cls, units, kernel=0.01, recurrent=0.02, bias=0.03, **kwargs):
    return cls(
        units,
        kernel_initializer=initializers.Constant(kernel),
        recurrent_initializer=initializers.Constant(recurrent),
        bias_initializer=initializers.Constant(bias),
        **kwargs,
    )


def rows(*values, width):
    """A (len(values), width) array whose row i repeats values[i] (Keras's outputs are symmetric)."""
    return np.array([[v] * width for v in values], dtype=np.float32)


def close(actual, expected, tol=1e-5):
    actual = actual.detach().numpy() if isinstance(actual, torch.Tensor) else np.asarray(actual)
    np.testing.assert_allclose(actual, np.asarray(expected, dtype=np.float32), atol=tol, rtol=tol)


SEQ_234 = np.arange(24).reshape((2, 3, 4)).astype("float32")
SEQ_243 = np.arange(24).reshape((2, 4, 3)).astype("float32")
SEQ_364 = np.arange(72).reshape((3, 6, 4)).astype("float32")
MASK = np.array([[True, True, False, True], [True, False, False, True]])


# ----- SimpleRNN --------------------------------------------------------------------------------
@pytest.mark.parametrize("unroll", [False, True])
def test_simple_rnn_correctness(unroll):
    close(constant(layers.SimpleRNN, 4, unroll=unroll)(SEQ_234), rows(0.405432, 0.73605347, width=4))
    backwards = constant(layers.SimpleRNN, 4, go_backwards=True, unroll=unroll)(SEQ_234)
    close(backwards, rows(0.11144729, 0.5528889, width=4))


def test_simple_rnn_statefulness():
    layer = constant(layers.SimpleRNN, 4, stateful=True)
    for _ in range(2):  # the second round follows reset_state()
        layer(SEQ_234)
        close(layer(SEQ_234), rows(0.40559256, 0.7361247, width=4))
        layer.reset_state()


def test_simple_rnn_initial_state():
    state = np.arange(8).reshape((2, 4)).astype("float32")
    close(constant(layers.SimpleRNN, 4)(SEQ_243, initial_state=state), rows(0.33621645, 0.6262637, width=4))
    backwards = constant(layers.SimpleRNN, 4, go_backwards=True)(SEQ_243, initial_state=state)
    close(backwards, rows(0.07344437, 0.43043602, width=4))


def test_simple_rnn_masking():
    close(constant(layers.SimpleRNN, 4, unroll=True)(SEQ_243, mask=MASK), rows(0.32951632, 0.61799484, width=4))
    out = constant(layers.SimpleRNN, 2, return_sequences=True)(SEQ_243, mask=MASK)
    close(out[0], rows(0.0599281, 0.15122814, 0.15122814, 0.32394567, width=2))
    close(out[1], rows(0.3969304, 0.3969304, 0.3969304, 0.608085, width=2))
    out = constant(layers.SimpleRNN, 2, return_sequences=True, zero_output_for_mask=True)(SEQ_243, mask=MASK)
    close(out[0], rows(0.0599281, 0.15122814, 0.0, 0.32394567, width=2))
    close(out[1], rows(0.3969304, 0.0, 0.0, 0.608085, width=2))
    backwards = constant(layers.SimpleRNN, 4, go_backwards=True)(SEQ_243, mask=MASK)
    close(backwards, rows(0.07376196, 0.43645123, width=4))


# ----- LSTM -------------------------------------------------------------------------------------
@pytest.mark.parametrize("implementation", [1, 2])
def test_lstm_correctness(implementation):
    def lstm(**kwargs):
        return constant(layers.LSTM, 3, implementation=implementation, **kwargs)(SEQ_364)

    close(lstm(), rows(0.6288687, 0.86899155, 0.9460773, width=3))
    close(lstm(go_backwards=True), rows(0.35622165, 0.74789524, 0.8872726, width=3))
    close(lstm(unroll=True), rows(0.6288687, 0.86899155, 0.9460773, width=3))
    close(lstm(unit_forget_bias=False), rows(0.57019705, 0.8661914, 0.9459622, width=3))
    close(lstm(use_bias=False), rows(0.54986924, 0.86226785, 0.9443936, width=3))


def test_lstm_statefulness():
    layer = constant(layers.LSTM, 4, stateful=True)
    for _ in range(2):
        layer(SEQ_234)
        close(layer(SEQ_234), rows(0.3124785, 0.6863672, width=4))
        layer.reset_state()


def test_lstm_initial_state():
    state = [np.arange(4).reshape((2, 2)).astype("float32")] * 2
    close(constant(layers.LSTM, 2)(SEQ_243, initial_state=state), [[0.20574439, 0.3558822], [0.64930826, 0.66276]])
    backwards = constant(layers.LSTM, 2, go_backwards=True)(SEQ_243, initial_state=state)
    close(backwards, [[0.13281618, 0.2790356], [0.5839337, 0.5992567]])


def test_lstm_masking():
    mask = np.array([[True, True, True, False], [True, True, False, False]])
    close(constant(layers.LSTM, 2, unroll=True)(SEQ_243, mask=mask), rows(0.11755939, 0.28556206, width=2))
    out = constant(layers.LSTM, 2, return_sequences=True)(SEQ_243, mask=mask)
    close(out[0], rows(0.01588910, 0.05552048, 0.11755939, 0.11755939, width=2))
    close(out[1], rows(0.14185596, 0.28556206, 0.28556206, 0.28556206, width=2))
    out = constant(layers.LSTM, 2, return_sequences=True, zero_output_for_mask=True)(SEQ_243, mask=mask)
    close(out[0], rows(0.01588910, 0.05552048, 0.11755939, 0.0, width=2))
    close(out[1], rows(0.14185596, 0.28556206, 0.0, 0.0, width=2))
    backwards_mask = np.array([[False, True, True, True], [False, False, True, True]])
    backwards = constant(layers.LSTM, 2, go_backwards=True)(SEQ_243, mask=backwards_mask)
    close(backwards, rows(0.15341201, 0.3844719, width=2))


# ----- GRU --------------------------------------------------------------------------------------
def test_gru_correctness():
    def gru(**kwargs):
        return constant(layers.GRU, 3, **kwargs)(SEQ_364)

    close(gru(), rows(0.5217289, 0.6371659, 0.39384964, width=3))
    close(gru(go_backwards=True), rows(0.24406259, 0.611516, 0.3928808, width=3))
    close(gru(unroll=True), rows(0.5217289, 0.6371659, 0.39384964, width=3))
    close(gru(reset_after=False), rows(0.51447755, 0.6426879, 0.40208298, width=3))
    close(gru(use_bias=False), rows(0.49988455, 0.64701194, 0.4103359, width=3))


def test_gru_statefulness():
    layer = constant(layers.GRU, 4, stateful=True)
    for _ in range(2):
        layer(SEQ_234)
        close(layer(SEQ_234), rows(0.29542392, 0.5885018, width=4))
        layer.reset_state()


@pytest.mark.parametrize("return_state", [False, True])
def test_gru_initial_state_and_return_state(return_state):
    state = np.arange(4).reshape((2, 2)).astype("float32")
    for go_backwards, expected in (
        (False, [[0.23774096, 0.33508456], [0.83659905, 1.0227708]]),
        (True, [[0.13486053, 0.23261218], [0.78257304, 0.9691353]]),
    ):
        layer = constant(layers.GRU, 2, go_backwards=go_backwards, return_state=return_state)
        result = layer(SEQ_243, initial_state=state)
        if return_state:
            output, final = result
            close(final, expected)
        else:
            output = result
        close(output, expected)


def test_gru_masking():
    close(constant(layers.GRU, 2, unroll=True)(SEQ_243, mask=MASK), rows(0.19393763, 0.30818558, width=2))
    out = constant(layers.GRU, 2, return_sequences=True)(SEQ_243, mask=MASK)
    close(out[0], rows(0.03606692, 0.09497581, 0.09497581, 0.19393763, width=2))
    close(out[1], rows(0.16051409, 0.16051409, 0.16051409, 0.30818558, width=2))
    out = constant(layers.GRU, 2, return_sequences=True, zero_output_for_mask=True)(SEQ_243, mask=MASK)
    close(out[0], rows(0.03606692, 0.09497581, 0.0, 0.19393763, width=2))
    close(out[1], rows(0.16051409, 0.0, 0.0, 0.30818558, width=2))
    close(constant(layers.GRU, 2, go_backwards=True)(SEQ_243, mask=MASK), rows(0.11669192, 0.28380975, width=2))


def test_gru_from_a_config_with_keras2s_implementation_argument():
    config = constant(layers.GRU, 3).get_config()
    config["implementation"] = 0
    close(layers.GRU.from_config(config)(SEQ_364), rows(0.5217289, 0.6371659, 0.39384964, width=3))


@pytest.mark.parametrize("cls", [layers.SimpleRNN, layers.LSTM, layers.GRU])
def test_regularized_layers_report_one_loss_per_regularized_weight(cls):
    layer = cls(3, return_sequences=True, bias_regularizer="l1", kernel_regularizer="l2", recurrent_regularizer="l2")
    assert tuple(layer(np.ones((3, 2, 4), "float32")).shape) == (3, 2, 3)
    assert len(layer.losses) == 3 and len(layer.trainable_weights) == 3 and not layer.non_trainable_weights


# ----- Bidirectional ----------------------------------------------------------------------------
def test_bidirectional_merge_modes():
    forward = constant(layers.SimpleRNN, 2)
    concat = layers.Bidirectional(layer=forward)(SEQ_234)
    close(concat, [[0.39687276, 0.39687276, 0.10004295, 0.10004295], [0.7237238, 0.7237238, 0.53391594, 0.53391594]])
    close(layers.Bidirectional(layer=forward, merge_mode="ave")(SEQ_234), rows(0.24845785, 0.6288199, width=2))
    first, second = layers.Bidirectional(layer=forward, merge_mode=None)(SEQ_234)
    close(first, rows(0.39687276, 0.7237238, width=2))
    close(second, rows(0.10004295, 0.53391594, width=2))
    backward = constant(layers.SimpleRNN, 2, kernel=0.03, bias=0.01, go_backwards=True)
    mul = layers.Bidirectional(layer=forward, backward_layer=backward, merge_mode="mul")(SEQ_234)
    close(mul, rows(0.08374989, 0.6740834, width=2))
    gru = constant(layers.GRU, 2, return_sequences=True)
    summed = layers.Bidirectional(layer=gru, merge_mode="sum")(SEQ_234)
    close(summed[0], rows(0.20937867, 0.34462988, 0.40290534, width=2))
    close(summed[1], rows(0.59829646, 0.6734641, 0.6479671, width=2))


def test_bidirectional_statefulness():
    layer = layers.Bidirectional(layer=constant(layers.LSTM, 2, stateful=True))
    expected = [[0.26234663, 0.26234663, 0.16959146, 0.16959146], [0.6137073, 0.6137073, 0.5381646, 0.5381646]]
    for _ in range(2):
        layer(SEQ_243)
        close(layer(SEQ_243), expected)
        layer.reset_state()


def test_bidirectional_initial_state():
    base = np.arange(4).reshape((2, 2)).astype("float32")
    states = [base * 1, base * 2, base * 3, base * 4]
    out = layers.Bidirectional(layer=constant(layers.LSTM, 2))(SEQ_243, initial_state=states)
    close(out, [[0.20794602, 0.4577124, 0.14046375, 0.48191673], [0.6682636, 0.6711909, 0.60943645, 0.60950446]])


def test_bidirectional_masking():
    out = layers.Bidirectional(layer=constant(layers.GRU, 2))(SEQ_243, mask=MASK)
    close(out, [[0.19393763, 0.19393763, 0.11669192, 0.11669192], [0.30818558, 0.30818558, 0.28380975, 0.28380975]])


def test_bidirectional_return_state():
    output, h1, c1, h2, c2 = layers.Bidirectional(layer=constant(layers.LSTM, 2, return_state=True))(SEQ_243)
    close(output, [[0.1990008, 0.1990008, 0.12659755, 0.12659755], [0.52335435, 0.52335435, 0.44717982, 0.44717982]])
    close(h1, rows(0.1990008, 0.52335435, width=2))
    close(c1, rows(0.35567185, 1.0492687, width=2))
    close(h2, rows(0.12659755, 0.44717982, width=2))
    close(c2, rows(0.2501858, 0.941473, width=2))


@pytest.mark.parametrize("merge_mode", ["ave", "concat", "mul", "sum", None])
@pytest.mark.parametrize("return_state", [False, True])
def test_bidirectional_output_shapes_on_integer_input(merge_mode, return_state):
    x = np.array([[[101, 202], [303, 404]]])  # integers: cast to the layer's float dtype, as Keras does
    layer = layers.Bidirectional(layers.LSTM(2, return_state=return_state), merge_mode=merge_mode)
    outputs = layer(x)
    shapes = layer.compute_output_shape(x.shape)
    outputs = outputs if isinstance(outputs, list) else [outputs]
    shapes = shapes if isinstance(shapes, list) else [shapes]
    assert [tuple(o.shape) for o in outputs] == [tuple(s) for s in shapes]


def test_bidirectional_weight_counts():
    x = np.ones((3, 2, 4), "float32")
    assert tuple(layers.Bidirectional(layers.SimpleRNN(4))(x).shape) == (3, 8)
    layer = layers.Bidirectional(layers.SimpleRNN(4), backward_layer=layers.SimpleRNN(4, go_backwards=True), merge_mode="sum")
    assert tuple(layer(x).shape) == (3, 4) and len(layer.trainable_weights) == 6


# ----- TimeDistributed --------------------------------------------------------------------------
def test_time_distributed_correctness():
    dense = layers.Dense(1, kernel_initializer=initializers.Constant(0.01), use_bias=False)
    out = layers.TimeDistributed(layer=dense)(np.arange(24).reshape((3, 2, 4)).astype("float32"))
    close(out, [[[0.06], [0.22]], [[0.38], [0.53999996]], [[0.7], [0.86]]])


# ----- RNN with the toy cells of Keras's tests ------------------------------------------------------
class OneStateCell(layers.Layer):
    """``h_t = x_t K + h_{t-1} R`` with all-ones weights (Keras's test cell)."""

    def __init__(self, units, state_size=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = state_size or units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="ones", name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer="ones", name="recurrent_kernel")

    def call(self, inputs, states):
        output = inputs @ self.kernel + states[0] @ self.recurrent_kernel
        return output, [output]


class TwoStateCell(layers.Layer):
    """Two states ``a_t = x_t K + a_{t-1} R1`` and ``b_t = x_t K + a_{t-1} R2`` (the first state
    feeds both, as in Keras's test cell); the output is ``a_t + b_t``."""

    def __init__(self, units, state_size=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = state_size or [units, units]
        self.output_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="ones", name="kernel")
        self.r1 = self.add_weight(shape=(self.units, self.units), initializer="ones", name="recurrent_kernel_1")
        self.r2 = self.add_weight(shape=(self.units, self.units), initializer="ones", name="recurrent_kernel_2")

    def call(self, inputs, states):
        projected = inputs @ self.kernel
        first, second = projected + states[0] @ self.r1, projected + states[0] @ self.r2
        return first + second, [first, second]


ONES = np.ones((1, 2, 3))


@pytest.mark.parametrize("state_size", [5, [5], (5,)])
def test_rnn_basics_with_any_form_of_state_size(state_size):
    layer = layers.RNN(OneStateCell(5, state_size=state_size))
    assert tuple(layer(np.ones((3, 2, 4))).shape) == (3, 5) and len(layer.trainable_weights) == 2


def test_rnn_forward_pass_single_state():
    close(layers.RNN(OneStateCell(2))(ONES), [[9.0, 9.0]])
    close(layers.RNN(OneStateCell(2), return_sequences=True)(ONES), [[[3.0, 3.0], [9.0, 9.0]]])
    output, state = layers.RNN(OneStateCell(2), return_state=True)(ONES)
    close(output, [[9.0, 9.0]])
    close(state, [[9.0, 9.0]])
    output, state = layers.RNN(OneStateCell(2), return_sequences=True, return_state=True)(ONES)
    close(output, [[[3.0, 3.0], [9.0, 9.0]]])
    close(state, [[9.0, 9.0]])


def test_rnn_forward_pass_two_states():
    close(layers.RNN(TwoStateCell(2))(ONES), [[18.0, 18.0]])
    close(layers.RNN(TwoStateCell(2), return_sequences=True)(ONES), [[[6.0, 6.0], [18.0, 18.0]]])
    for return_sequences, expected in ((False, [[18.0, 18.0]]), (True, [[[6.0, 6.0], [18.0, 18.0]]])):
        output, first, second = layers.RNN(TwoStateCell(2), return_sequences=return_sequences, return_state=True)(ONES)
        close(output, expected)
        close(first, [[9.0, 9.0]])
        close(second, [[9.0, 9.0]])


def test_rnn_initial_states():
    x = np.ones((2, 3, 2))
    state = np.ones((2, 2))
    close(layers.RNN(OneStateCell(2))(x, initial_state=state), [[22.0, 22.0]] * 2)
    output, final = layers.RNN(OneStateCell(2), return_state=True)(x, initial_state=state)
    close(output, [[22.0, 22.0]] * 2)
    close(final, [[22.0, 22.0]] * 2)
    close(layers.RNN(TwoStateCell(2))(x, initial_state=[state, state]), [[44.0, 44.0]] * 2)
    output, first, second = layers.RNN(TwoStateCell(2), return_state=True)(x, initial_state=[state, state])
    close(output, [[44.0, 44.0]] * 2)
    close(first, [[22.0, 22.0]] * 2)
    close(second, [[22.0, 22.0]] * 2)


def test_rnn_statefulness():
    layer = layers.RNN(OneStateCell(2), stateful=True)
    layer(ONES)
    close(layer(ONES), [[45.0, 45.0]])
    layer = layers.RNN(OneStateCell(2), stateful=True, return_state=True)
    layer(ONES)
    output, state = layer(ONES)
    close(output, [[45.0, 45.0]])
    close(state, [[45.0, 45.0]])
    layer = layers.RNN(TwoStateCell(2), stateful=True, return_state=True)
    layer(ONES)
    output, first, second = layer(ONES)
    close(output, [[90.0, 90.0]])
    close(first, [[45.0, 45.0]])
    close(second, [[45.0, 45.0]])


def test_rnn_go_backwards():
    layer = layers.RNN(OneStateCell(2), go_backwards=True)
    layer(SEQ_234)
    close(layer(SEQ_234), [[202.0, 202.0], [538.0, 538.0]])
    layer = layers.RNN(OneStateCell(2), stateful=True, return_state=True)
    layer(SEQ_234)
    output, state = layer(SEQ_234)
    close(output, [[954.0, 954.0], [3978.0, 3978.0]])
    close(state, [[954.0, 954.0], [3978.0, 3978.0]])


@pytest.mark.parametrize("cell", [OneStateCell, TwoStateCell])
@pytest.mark.parametrize("shape, batch, steps", [((3, 4, 5), 3, 4), ((None, None, 3), None, None)])
def test_rnn_output_shapes(cell, shape, batch, steps):
    states = 1 if cell is OneStateCell else 2
    assert layers.RNN(cell(8)).compute_output_shape(shape) == (batch, 8)
    assert layers.RNN(cell(8), return_sequences=True).compute_output_shape(shape) == (batch, steps, 8)
    assert layers.RNN(cell(8), return_state=True).compute_output_shape(shape) == [(batch, 8)] * (1 + states)
    with_sequences = layers.RNN(cell(8), return_sequences=True, return_state=True).compute_output_shape(shape)
    assert with_sequences == [(batch, steps, 8)] + [(batch, 8)] * states


def test_rnn_stateful_batch_size_mismatch_is_refused():
    layer = layers.RNN(TwoStateCell(2), stateful=True)
    layer(np.random.rand(4, 5, 3))
    with pytest.raises(ValueError, match="batch size"):
        layer(np.random.rand(1, 5, 3))


# ----- stacked cells ------------------------------------------------------------------------------
def test_stacked_single_state_cells():
    cells = lambda: [OneStateCell(3), OneStateCell(2)]  # noqa: E731
    sequences = [[[18.0, 18.0], [156.0, 156.0], [786.0, 786.0]], [[162.0, 162.0], [1020.0, 1020.0], [4386.0, 4386.0]]]
    close(layers.RNN(cells())(SEQ_234), [[786.0, 786.0], [4386.0, 4386.0]])
    close(layers.RNN(cells(), return_sequences=True)(SEQ_234), sequences)
    for return_sequences in (False, True):
        output, first, second = layers.RNN(cells(), return_sequences=return_sequences, return_state=True)(SEQ_234)
        close(output, sequences if return_sequences else [[786.0, 786.0], [4386.0, 4386.0]])
        close(first, [[158.0] * 3, [782.0] * 3])
        close(second, [[786.0, 786.0], [4386.0, 4386.0]])


def test_stacked_two_state_cells():
    cells = lambda: [TwoStateCell(3), TwoStateCell(2)]  # noqa: E731
    close(layers.RNN(cells())(SEQ_234), [[3144.0, 3144.0], [17544.0, 17544.0]])
    sequences = [[[72.0, 72.0], [624.0, 624.0], [3144.0, 3144.0]], [[648.0, 648.0], [4080.0, 4080.0], [17544.0, 17544.0]]]
    close(layers.RNN(cells(), return_sequences=True)(SEQ_234), sequences)
    output, first, second = layers.RNN(cells(), return_state=True)(SEQ_234)
    close(output, [[3144.0, 3144.0], [17544.0, 17544.0]])
    for state in first:
        close(state, [[158.0] * 3, [782.0] * 3])
    for state in second:
        close(state, [[1572.0, 1572.0], [8772.0, 8772.0]])


def test_stacked_cells_statefulness():
    layer = layers.RNN([OneStateCell(3), OneStateCell(2)], stateful=True)
    layer(SEQ_234)
    close(layer(SEQ_234), [[34092.0, 34092.0], [173196.0, 173196.0]])
    layer = layers.RNN([TwoStateCell(3), TwoStateCell(2)], stateful=True)
    layer(SEQ_234)
    close(layer(SEQ_234), [[136368.0, 136368.0], [692784.0, 692784.0]])


def test_stacked_lstm_cells_return_nested_states():
    layer = layers.RNN([layers.LSTMCell(10), layers.LSTMCell(10)], return_state=True)
    out = layer(np.zeros((2, 3, 5)))
    assert len(out) == 3 and tuple(out[0].shape) == (2, 10)
    assert [tuple(s.shape) for s in out[1]] == [(2, 10), (2, 10)] == [tuple(s.shape) for s in out[2]]
    assert layer.compute_output_shape((2, 3, 5)) == [(2, 10), [(2, 10), (2, 10)], [(2, 10), (2, 10)]]


@pytest.mark.parametrize("cell", [layers.SimpleRNNCell, layers.GRUCell, layers.LSTMCell])
def test_stacked_built_in_cells_with_dropout(cell):
    layer = layers.RNN([cell(3, dropout=0.1, recurrent_dropout=0.1), cell(4, dropout=0.1, recurrent_dropout=0.1),
                        cell(5, dropout=0.1, recurrent_dropout=0.1)], return_sequences=True)
    assert tuple(layer(np.ones((2, 3, 4)), training=True).shape) == (2, 3, 5)
    assert len(layer.trainable_weights) == 9 and not layer.non_trainable_weights
