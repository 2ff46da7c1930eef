"""LayerNormLSTM against an independent float64 NumPy statement of Ba et al.'s equations, its
gradients by gradcheck, and the layer's life: training, tracing, saving and loading."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from helpers.numpy_reference import run_layer_norm_lstm

import rnnkit as keras
from rnnkit import cells, inspect, kernels, recurrence
from rnnkit.kernels import dispatch

B, T, I, H = 3, 6, 4, 5


def random_weights(layer, seed=0, use_bias=True):
    """Weights far from their initial values (gains around 1, shifts around 0), in get_weights order."""
    rng = np.random.default_rng(seed)
    shapes = [(I, 4 * H), (H, 4 * H)] + ([(4 * H,)] if use_bias else [])
    weights = [rng.normal(0, 0.5, s) for s in shapes]
    for width in (4 * H, 4 * H, H):
        weights += [1.0 + rng.normal(0, 0.3, width), rng.normal(0, 0.3, width)]
    layer.set_weights(weights)
    return weights if use_bias else weights[:2] + [None] + weights[2:]


def mask():
    m = np.ones((B, T), bool)
    m[1, 4:] = False  # padded at the end
    m[2, :2] = False  # padded at the start
    return m


@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("use_bias", [True, False])
def test_layer_equals_the_numpy_statement(go_backwards, use_bias):
    layer = keras.layers.LayerNormLSTM(H, return_sequences=True, return_state=True, go_backwards=go_backwards,
                                       use_bias=use_bias, epsilon=1e-2)
    x = np.random.default_rng(1).normal(size=(B, T, I))
    h0, c0 = np.random.default_rng(2).normal(size=(2, B, H))
    layer(torch.as_tensor(x, dtype=torch.float32))
    layer.double()
    weights = random_weights(layer, use_bias=use_bias)
    y, h, c = layer(torch.as_tensor(x), initial_state=[torch.as_tensor(h0), torch.as_tensor(c0)],
                    mask=torch.as_tensor(mask()))
    y_ref, (h_ref, c_ref) = run_layer_norm_lstm(x, weights, initial=(h0, c0), epsilon=1e-2, mask=mask(),
                                                go_backwards=go_backwards)
    np.testing.assert_allclose(y.detach().numpy(), y_ref, atol=1e-12, rtol=1e-10)
    np.testing.assert_allclose(h.detach().numpy(), h_ref, atol=1e-12, rtol=1e-10)
    np.testing.assert_allclose(c.detach().numpy(), c_ref, atol=1e-12, rtol=1e-10)


def test_the_cell_step_equals_the_first_step_of_the_layer():
    layer = keras.layers.LayerNormLSTM(H, return_state=True)
    x = torch.randn(B, 1, I)
    y, h, c = layer(x)
    h_cell, (h_state, c_state) = layer.cell(x[:, 0], [torch.zeros(B, H), torch.zeros(B, H)])
    torch.testing.assert_close(h_cell, y)
    torch.testing.assert_close(c_state, c)


def test_gradcheck_float64_every_weight_and_state():
    g = torch.Generator().manual_seed(3)

    def leaf(*shape, scale=0.5, offset=0.0):
        return (torch.randn(*shape, generator=g, dtype=torch.float64) * scale + offset).requires_grad_()

    x, h0, c0 = leaf(2, 4, 3), leaf(2, 3), leaf(2, 3)
    weights = [leaf(3, 12), leaf(3, 12), leaf(12, scale=0.3)]
    for width in (12, 12, 3):
        weights += [leaf(width, scale=0.3, offset=1.0), leaf(width, scale=0.3)]
    step_mask = torch.tensor([[True, True, False, True], [False, True, True, True]])
    recurrent_mask = torch.tensor([[2.0, 0.0, 2.0], [0.0, 2.0, 2.0]], dtype=torch.float64)

    def fn(*tensors):
        y, (h, c) = recurrence.cell_sequence(cells.LAYER_NORM_LSTM, *tensors, mask=step_mask,
                                             recurrent_mask=recurrent_mask, epsilon=1e-2)
        return y, h, c

    assert torch.autograd.gradcheck(fn, (x, h0, c0, *weights), atol=1e-6, rtol=1e-5)


def test_it_runs_on_the_reference_path_and_fast_paths_say_why_not():
    layer = keras.layers.LayerNormLSTM(H)
    x = torch.randn(B, T, I)
    layer(x)
    text = kernels.explain(layer, x)
    assert text.startswith(f"{layer.name}: reference")
    assert "no fused kernel for layer_norm_lstm" in text and "torch has no native function" in text
    for path in ("fused", "native"):
        forced = keras.layers.LayerNormLSTM(H, implementation=path)
        with pytest.raises(dispatch.UnsupportedImplementation, match=f"implementation='{path}' cannot run this layer_norm_lstm call"):
            forced(x)


def test_dropout_masks_apply_in_training_only():
    torch.manual_seed(0)
    layer = keras.layers.LayerNormLSTM(H, dropout=0.5, recurrent_dropout=0.5)
    x = torch.randn(B, T, I)
    inference = layer(x, training=False)
    torch.testing.assert_close(layer(x, training=False), inference)
    trained = layer(x, training=True)
    assert not torch.allclose(trained, inference)
    assert not torch.allclose(trained, layer(x, training=True))  # fresh masks every call


def test_stateful_layer_carries_its_states_between_calls():
    layer = keras.layers.LayerNormLSTM(H, stateful=True, return_state=True)
    x = torch.randn(B, 2 * T, I)
    whole = keras.layers.LayerNormLSTM(H, return_sequences=True)
    whole(x)
    layer(x[:, :T])
    whole.set_weights(layer.get_weights())
    _, h, _ = layer(x[:, T:])
    torch.testing.assert_close(h, whole(x)[:, -1])


def _tiny_model():
    return keras.Sequential([keras.Input(shape=(T, I)), keras.layers.LayerNormLSTM(8), keras.layers.Dense(1)])


def test_fit_lowers_the_loss():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, T, I)).astype("float32")
    y = x[:, :, 0].sum(axis=1, keepdims=True)  # the sum of one feature over time
    model = _tiny_model()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.02), loss="mse")
    history = model.fit(x, y, batch_size=16, epochs=8, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.5 * losses[0]


def test_trace_reads_its_gates_and_states_from_the_spec():
    model = _tiny_model()
    x = np.random.default_rng(0).normal(size=(2, T, I)).astype("float32")
    (layer_trace,) = inspect.trace(model, x)
    assert layer_trace.cell == "layer_norm_lstm"
    assert layer_trace.names() == ["i", "f", "c~", "o", "h", "c"]
    recurrent = model.layers[0]
    np.testing.assert_allclose(layer_trace["h"][:, -1], recurrent(torch.as_tensor(x)).detach().numpy(), atol=1e-6)
    assert ((layer_trace["f"] > 0) & (layer_trace["f"] < 1)).all()


def test_saves_and_loads_in_rnnkit_format_and_keras_format_refuses(tmp_path):
    model = keras.Sequential([keras.Input(shape=(T, I)),
                              keras.layers.Bidirectional(keras.layers.LayerNormLSTM(4, epsilon=1e-2, return_sequences=True)),
                              keras.layers.LayerNormLSTM(3), keras.layers.Dense(1)])
    x = np.random.default_rng(0).normal(size=(2, T, I)).astype("float32")
    model.save(tmp_path / "m.rnnkit")
    loaded = keras.models.load_model(tmp_path / "m.rnnkit")
    assert [type(layer).__name__ for layer in loaded.layers] == ["Bidirectional", "LayerNormLSTM", "Dense"]
    assert loaded.layers[0].forward_layer.cell.epsilon == 1e-2
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    with pytest.raises(ValueError, match=r"\(LayerNormLSTM\) cannot be saved in a .keras archive: Keras has no LayerNormLSTM"):
        model.save(tmp_path / "m.keras")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.rnnkit"]


def test_bad_arguments_name_the_layer():
    with pytest.raises(ValueError, match="Layer 'norm' .*epsilon must be a positive number; got 0"):
        keras.layers.LayerNormLSTM(4, epsilon=0, name="norm")
    with pytest.raises(ValueError, match="units must be a positive integer"):
        keras.layers.LayerNormLSTM(0)
    layer = keras.layers.LayerNormLSTM(4)
    with pytest.raises(ValueError, match=r"expects 2 initial state tensor\(s\) of shapes \[\(1, 4\), \(1, 4\)\]; got 1"):
        layer(torch.zeros(1, 2, 3), initial_state=[torch.zeros(1, 4)])


def test_a_functional_model_with_initial_state_saves_and_loads(tmp_path):
    """An encoder's states start a decoder, the shape of seq2seq code written for LSTM."""
    source, target = keras.Input(shape=(T, I)), keras.Input(shape=(T, I))
    _, h, c = keras.layers.LayerNormLSTM(4, return_state=True)(source)
    decoded = keras.layers.LayerNormLSTM(4, return_sequences=True)(target, initial_state=[h, c])
    model = keras.Model([source, target], keras.layers.Dense(2)(decoded))
    x = [np.random.default_rng(s).normal(size=(2, T, I)).astype("float32") for s in (0, 1)]
    model.save(tmp_path / "seq2seq.rnnkit")
    loaded = keras.models.load_model(tmp_path / "seq2seq.rnnkit")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_masked_padding_leaves_the_gradients_of_the_real_steps_unchanged():
    """Unmasked zero padding is where LN's slope is 1/sqrt(eps) (see the layer's docstring);
    masked, it is skipped, and the gradients are exactly those of the unpadded sequence."""
    torch.manual_seed(0)
    layer = keras.layers.LayerNormLSTM(H)
    x = torch.randn(2, T, I)
    padded = torch.cat([torch.zeros(2, 40, I), x], dim=1)
    mask = torch.cat([torch.zeros(2, 40, dtype=torch.bool), torch.ones(2, T, dtype=torch.bool)], dim=1)
    grads = []
    for inputs, step_mask in ((x, None), (padded, mask)):
        layer.zero_grad()
        layer(inputs, mask=step_mask).sum().backward()
        grads.append([p.grad.clone() for p in layer.parameters()])
    for plain, masked in zip(*grads):
        torch.testing.assert_close(masked, plain)
