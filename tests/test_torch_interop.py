"""rnnkit layers against torch.nn.RNN/GRU/LSTM after converting weights both ways."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from rnnkit.torch_interop import from_torch, to_torch

MODULES = [
    ("lstm", lambda **k: nn.LSTM(**k)),
    ("gru", lambda **k: nn.GRU(**k)),
    ("rnn_tanh", lambda **k: nn.RNN(nonlinearity="tanh", **k)),
    ("rnn_relu", lambda **k: nn.RNN(nonlinearity="relu", **k)),
]


@pytest.mark.parametrize("name,make", MODULES, ids=[m[0] for m in MODULES])
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("bias", [True, False])
def test_from_torch_gives_torch_output(name, make, num_layers, bidirectional, bias):
    torch.manual_seed(0)
    module = make(input_size=3, hidden_size=4, num_layers=num_layers, bidirectional=bidirectional,
                  bias=bias, batch_first=True).double()
    with torch.no_grad():  # non-zero biases everywhere so every term is checked
        for p in module.parameters():
            p.uniform_(-0.5, 0.5)
    x = torch.randn(2, 6, 3, dtype=torch.float64)
    expected, _ = module(x)
    model = from_torch(module).double()
    got = model(x)
    torch.testing.assert_close(got, expected, atol=1e-12, rtol=0)

    back = to_torch(model)
    again, _ = back(x)
    torch.testing.assert_close(again, expected, atol=1e-12, rtol=0)


def test_to_torch_refuses_what_torch_cannot_express():
    from rnnkit import Input, Sequential
    from rnnkit.layers import GRU, LSTM

    for layer in (GRU(3, reset_after=False, return_sequences=True),
                  LSTM(3, recurrent_activation="hard_sigmoid", return_sequences=True),
                  LSTM(3, go_backwards=True, return_sequences=True)):
        model = Sequential([Input(shape=(5, 2)), layer])
        with pytest.raises(ValueError, match=layer.name):
            to_torch(model)
