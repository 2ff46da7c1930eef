"""trace(): gates and states agree with the layers' real outputs and with gate equations in NumPy."""

import numpy as np
import pytest
import torch

from rnnkit import Input, layers
from rnnkit.inspect import trace
from rnnkit.models import Model, Sequential

LAYERS = {
    "simple_rnn": lambda units, **kw: layers.SimpleRNN(units, **kw),
    "lstm": lambda units, **kw: layers.LSTM(units, **kw),
    "gru": lambda units, **kw: layers.GRU(units, **kw),
    "gru_reset_before": lambda units, **kw: layers.GRU(units, reset_after=False, **kw),
}


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def padded_batch(batch=3, steps=7, features=4, lengths=(7, 4, 2), seed=0):
    """Random inputs with zero padding after each sample's length, for a Masking layer."""
    x = np.random.default_rng(seed).normal(size=(batch, steps, features)).astype(np.float32)
    for row, length in enumerate(lengths):
        x[row, length:] = 0.0
    return x, np.arange(steps)[None, :] < np.array(lengths)[:, None]


def expected_gates(kind, weights, x_t, h_prev):
    """The gate values of one step from the Keras weights, written out in NumPy (float64)."""
    kernel, recurrent, bias = (np.asarray(w, np.float64) for w in weights)
    units = recurrent.shape[0]
    part = lambda m, k: m[..., k * units : (k + 1) * units]  # noqa: E731
    if kind == "simple_rnn":
        return {"pre": x_t @ kernel + h_prev @ recurrent + bias}
    if kind == "lstm":
        z = x_t @ kernel + h_prev @ recurrent + bias
        return {"i": sigmoid(part(z, 0)), "f": sigmoid(part(z, 1)), "c~": np.tanh(part(z, 2)), "o": sigmoid(part(z, 3))}
    if bias.ndim == 2:  # reset_after
        xs, hs = x_t @ kernel + bias[0], h_prev @ recurrent + bias[1]
        z, r = sigmoid(part(xs, 0) + part(hs, 0)), sigmoid(part(xs, 1) + part(hs, 1))
        return {"z": z, "r": r, "h~": np.tanh(part(xs, 2) + r * part(hs, 2))}
    xs = x_t @ kernel + bias
    z = sigmoid(part(xs, 0) + h_prev @ part(recurrent, 0))
    r = sigmoid(part(xs, 1) + h_prev @ part(recurrent, 1))
    return {"z": z, "r": r, "h~": np.tanh(part(xs, 2) + (r * h_prev) @ part(recurrent, 2))}


@pytest.mark.parametrize("name", sorted(LAYERS))
@pytest.mark.parametrize("go_backwards", [False, True])
def test_trace_matches_layer_output_and_gate_equations_with_mask(name, go_backwards):
    x, mask = padded_batch()
    inp = Input(shape=(7, 4))
    rnn = LAYERS[name](5, return_sequences=True, return_state=True, go_backwards=go_backwards)
    outputs = rnn(layers.Masking(0.0)(inp))
    y, h_final, *rest = Model(inp, outputs).predict(x)
    (found,) = trace(Model(inp, outputs), x)
    kind = rnn.cell.kind
    assert (found.layer, found.cell, found.direction) == (rnn.name, kind, "backward" if go_backwards else "forward")
    np.testing.assert_array_equal(found.mask, mask)
    h = found["h"]
    assert h.shape == (3, 7, 5) and found.axes == ("batch", "time", "units")
    y_in_input_order = y[:, ::-1] if go_backwards else y
    np.testing.assert_allclose(h[mask], y_in_input_order[mask], atol=2e-6)
    last = 0 if go_backwards else -1
    np.testing.assert_allclose(h[:, last], h_final, atol=2e-6)
    if kind == "lstm":
        np.testing.assert_allclose(found["c"][:, last], rest[0], atol=2e-6)

    weights = rnn.get_weights()
    order = range(6, -1, -1) if go_backwards else range(7)
    previous = np.zeros((3, 5))
    for t in order:
        want = expected_gates(kind, weights, x[:, t].astype(np.float64), previous)
        real = mask[:, t]
        for gate, value in want.items():
            np.testing.assert_allclose(found[gate][real, t], value[real], atol=2e-5, err_msg=f"{gate} at {t}")
            assert np.isnan(found[gate][~real, t]).all()
        # a masked step keeps the state it was given
        np.testing.assert_allclose(h[~real, t], previous[~real], atol=1e-6)
        previous = h[:, t].astype(np.float64)
    if kind == "lstm":  # the cell update the gates imply
        c = found["c"]
        c_prev = np.concatenate([np.zeros((3, 1, 5)), c[:, :-1]], axis=1) if not go_backwards else \
            np.concatenate([c[:, 1:], np.zeros((3, 1, 5))], axis=1)
        implied = found["f"] * c_prev + found["i"] * found["c~"]
        np.testing.assert_allclose(c[mask], implied[mask], atol=1e-5)
        np.testing.assert_allclose(h[mask], (found["o"] * np.tanh(c))[mask], atol=1e-5)


@pytest.mark.parametrize("name", ["lstm", "gru"])
def test_bidirectional_halves_with_mask(name):
    x, mask = padded_batch(lengths=(3, 7, 5), seed=1)
    model = Sequential([
        Input(shape=(7, 4)),
        layers.Masking(0.0),
        layers.Bidirectional(LAYERS[name](6, return_sequences=True)),
    ])
    y = model.predict(x)  # (3, 7, 12), backward half already in input order
    forward, backward = trace(model, x)
    assert (forward.direction, backward.direction) == ("forward", "backward")
    assert forward.layer.startswith("forward_") and backward.layer.startswith("backward_")
    np.testing.assert_allclose(forward["h"][mask], y[..., :6][mask], atol=2e-6)
    np.testing.assert_allclose(backward["h"][mask], y[..., 6:][mask], atol=2e-6)
    assert np.all(y[~mask] == 0.0)  # Keras: padded steps output zeros in both directions
    # the backward layer starts at each sample's last real step
    for row in range(3):
        length = mask[row].sum()
        assert np.isnan(backward["f" if name == "lstm" else "z"][row, length:]).all()


def test_stacked_layers_are_traced_in_order_and_the_top_matches_the_model():
    x = np.random.default_rng(2).normal(size=(2, 9, 3)).astype(np.float32)
    model = Sequential([
        Input(shape=(9, 3)),
        layers.GRU(4, return_sequences=True, name="low"),
        layers.LSTM(5, return_sequences=True, name="high"),
    ])
    low, high = trace(model, x)
    assert (low.layer, high.layer) == ("low", "high")
    np.testing.assert_allclose(high["h"], model.predict(x), atol=2e-6)


def test_trace_of_a_plain_layer_follows_the_fast_path_and_leaves_stateful_state_alone():
    lstm = layers.LSTM(8, stateful=True, return_sequences=True)
    x = torch.randn(2, 30, 3)
    y = lstm(x)
    carried = [s.clone() for s in lstm.states]
    (found,) = trace(lstm, x)  # starts from the carried state, as the layer would
    with torch.no_grad():
        again = lstm(x)
    lstm.reset_states(carried)
    assert all(torch.equal(a, b) for a, b in zip(lstm.states, carried))
    np.testing.assert_allclose(found["h"], again.numpy(), atol=2e-6)
    assert not np.allclose(found["h"], y.detach().numpy())


def test_trace_refuses_what_it_cannot_see():
    with pytest.raises(ValueError, match="no recurrent layer"):
        trace(Sequential([Input(shape=(3, 2)), layers.Dense(2)]), np.zeros((1, 3, 2), np.float32))

    class Doubling(layers.Layer):
        state_size = 2

        def call(self, inputs, states, mask=None, training=False):
            return inputs * 2, [states[0]]

    with pytest.raises(ValueError, match="custom cell"):
        trace(layers.RNN(Doubling()), torch.zeros(1, 3, 2))
