"""The Keras snippets from the material rnnkit serves, run unchanged after ``import rnnkit as keras``.

Expected shapes and counts are what Keras gives for the same code (LSTM: 4(IH + H^2 + H) params).
"""

from __future__ import annotations

import numpy as np
import torch

import rnnkit as keras
from rnnkit.layers import LSTM, Bidirectional, SimpleRNN
from rnnkit.models import Model, Sequential


def test_simple_rnn_42(capsys):
    model = Sequential()
    model.add(SimpleRNN(3, input_shape=(2, 10)))
    model.summary()
    assert "Total params: 42 (168.00 B)" in capsys.readouterr().out
    assert model.count_params() == 42
    assert model.predict(np.zeros((5, 2, 10))).shape == (5, 3)


def test_bidirectional_return_state():
    T, D, U = 6, 2, 3
    X = np.random.default_rng(0).random((4, T, D))
    inp = keras.Input(shape=(T, D))
    out = Bidirectional(LSTM(U, return_state=True))(inp)
    o, h1, c1, h2, c2 = Model(inputs=inp, outputs=out).predict(X)
    assert o.shape == (4, 2 * U) and h1.shape == c1.shape == h2.shape == c2.shape == (4, U)
    np.testing.assert_array_equal(o, np.concatenate([h1, h2], axis=-1))


def test_stacked_lstm_stock_model():
    model = keras.models.Sequential([
        keras.layers.Input(shape=(60, 13)),
        keras.layers.LSTM(1024, return_sequences=True, name='LSTM_0'),
        keras.layers.LSTM(512, return_sequences=True, name='LSTM_1'),
        keras.layers.LSTM(256, return_sequences=True, name='LSTM_2'),
        keras.layers.LSTM(128, return_sequences=True, name='LSTM_3'),
        keras.layers.Flatten(),
        keras.layers.Dense(64, activation="swish"),
        keras.layers.Dense(1, activation="sigmoid")])
    counts = [layer.count_params() for layer in model.layers]
    assert counts == [4_251_648, 3_147_776, 787_456, 197_120, 0, 491_584, 65]
    assert model.count_params() == 8_875_649
    assert list(model.output_shapes.values()) == [
        (None, 60, 1024), (None, 60, 512), (None, 60, 256), (None, 60, 128), (None, 7680), (None, 64), (None, 1)
    ]
    y = model.predict(np.zeros((2, 60, 13), np.float32))
    assert y.shape == (2, 1) and np.all((y > 0) & (y < 1))


def test_every_model_is_a_torch_module():
    model = Sequential([keras.Input(shape=(5, 2)), LSTM(4)])
    assert isinstance(model, torch.nn.Module) and isinstance(model.layers[0], torch.nn.Module)
    assert [name for name, _ in model.named_parameters()] == [
        "layers.0.cell.kernel", "layers.0.cell.recurrent_kernel", "layers.0.cell.bias"
    ]


def test_lazy_layer_in_plain_pytorch():
    layer = keras.layers.LSTM(64)
    out = layer(torch.randn(8, 20, 32))
    assert out.shape == (8, 64)
    assert layer.cell.kernel.shape == (32, 256)
    out.sum().backward()
    assert layer.cell.kernel.grad is not None
