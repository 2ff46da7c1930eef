"""gradient_through_time() equals autograd on hand-written loops; the plots write PNG files."""

import numpy as np
import pytest
import torch

from rnnkit import Input, layers
from rnnkit.inspect import gradient_through_time, plot_gradient_norms, plot_trace, trace
from rnnkit.models import Sequential

PNG = b"\x89PNG\r\n\x1a\n"


def tensors(layer):
    return [torch.tensor(w, dtype=torch.float64) for w in layer.get_weights()]


def test_lstm_gradient_norms_equal_autograd_on_a_hand_written_loop():
    torch.manual_seed(0)
    x = torch.randn(4, 12, 3)
    target = torch.randn(4, 1)
    model = Sequential([Input(shape=(12, 3)), layers.LSTM(6), layers.Dense(1)])
    found = gradient_through_time(model, x, target.numpy(), loss="mse")

    kernel, recurrent, bias = tensors(model.layers[0])
    dense_w, dense_b = tensors(model.layers[1])
    h = torch.zeros(4, 6, dtype=torch.float64, requires_grad=True)  # so every h_t is in the graph
    c = torch.zeros(4, 6, dtype=torch.float64)
    hidden = []
    for t in range(12):
        z = x[:, t].double() @ kernel + h @ recurrent + bias
        i, f, g, o = torch.sigmoid(z[:, :6]), torch.sigmoid(z[:, 6:12]), torch.tanh(z[:, 12:18]), torch.sigmoid(z[:, 18:])
        c = f * c + i * g
        h = o * torch.tanh(c)
        h.retain_grad()
        hidden.append(h)
    loss = ((h @ dense_w + dense_b - target.double()) ** 2).mean()
    loss.backward()
    want = np.array([float(step.grad.norm()) for step in hidden])

    (grads,) = found
    assert (grads.layer, grads.cell, grads.direction) == (model.layers[0].name, "lstm", "forward")
    np.testing.assert_allclose(grads.norms, want, rtol=1e-4)
    np.testing.assert_allclose(grads.by_distance(), want[::-1], rtol=1e-4)


def test_simple_rnn_backwards_with_mask_under_a_sequence_loss():
    torch.manual_seed(1)
    x = torch.randn(3, 8, 2)
    x[1, 5:] = 0.0  # padded: masked by the Masking layer
    x[2, 3:] = 0.0
    keep = (x != 0).any(-1)  # (B, T)
    target = torch.randn(3, 8, 4)
    model = Sequential([
        Input(shape=(8, 2)),
        layers.Masking(0.0),
        layers.SimpleRNN(4, go_backwards=True, return_sequences=True),
    ])
    (found,) = gradient_through_time(model, x, target.numpy(), loss="mae")

    kernel, recurrent, bias = tensors(model.layers[1])
    h = torch.zeros(3, 4, dtype=torch.float64, requires_grad=True)
    outputs, computed = [], {}
    for t in range(7, -1, -1):
        new = torch.tanh(x[:, t].double() @ kernel + h @ recurrent + bias)
        new.retain_grad()
        computed[t] = new
        real = keep[:, t, None]
        h = torch.where(real, new, h)
        outputs.append(torch.where(real, new, outputs[-1] if outputs else torch.zeros_like(new)))
    y = torch.stack(outputs, dim=1)  # processing order, as Keras returns it
    # Keras's loss weights each step by the mask the layer attached (as Keras, the input-order
    # mask, even though a go_backwards output is in processing order) over the real steps
    values = (y - target.double()).abs().mean(-1)
    loss = (values * keep).sum() / keep.sum()
    loss.backward()
    want = np.array([float(computed[t].grad.norm()) for t in range(8)])

    assert found.direction == "backward"
    np.testing.assert_allclose(found.norms, want, rtol=1e-4, atol=1e-12)
    np.testing.assert_allclose(found.by_distance(), want, rtol=1e-4, atol=1e-12)


def test_gradients_of_both_directions_and_a_frozen_model():
    x = np.random.default_rng(3).normal(size=(2, 6, 3)).astype(np.float32)
    model = Sequential([Input(shape=(6, 3)), layers.Bidirectional(layers.GRU(3)), layers.Dense(1)])
    model.trainable = False  # h_t still gets its gradient
    forward, backward = gradient_through_time(model, x, np.ones((2, 1), np.float32))
    # each direction's loss is taken after its last step: the norm is largest there
    assert forward.norms.argmax() == 5 and backward.norms.argmax() == 0
    assert np.all(forward.norms > 0) and np.all(backward.norms > 0)


def test_plots_write_png_files(tmp_path):
    x = np.random.default_rng(4).normal(size=(1, 5, 2)).astype(np.float32)
    x[0, 4] = 0.0
    model = Sequential([Input(shape=(5, 2)), layers.Masking(0.0), layers.LSTM(3, return_sequences=True)])
    (found,) = trace(model, x)
    plot_trace(found, tmp_path / "trace.png", tokens=list("ab c."))
    grads = gradient_through_time(model, x, np.zeros((1, 5, 3), np.float32))
    plot_gradient_norms({"lstm": grads[0], "array": np.array([1.0, 0.1, 0.0])}, tmp_path / "grads.png")
    for name in ("trace.png", "grads.png"):
        assert (tmp_path / name).read_bytes().startswith(PNG)
    with pytest.raises(ValueError, match="4 tokens for 5 time steps"):
        plot_trace(found, tmp_path / "bad.png", tokens=list("abcd"))
