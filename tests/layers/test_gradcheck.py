"""torch.autograd.gradcheck in float64 through every recurrent layer: inputs, states and weights."""

from __future__ import annotations

import pytest
import torch
from torch.func import functional_call

from rnnkit.layers import GRU, LSTM, Bidirectional, SimpleRNN

B, T, I, H = 2, 4, 3, 2

LAYERS = {
    "simple_rnn": lambda **k: SimpleRNN(H, **k),
    "lstm": lambda **k: LSTM(H, **k),
    "gru": lambda **k: GRU(H, **k),
    "gru_reset_before": lambda **k: GRU(H, reset_after=False, **k),
}


def _mask():
    mask = torch.ones(B, T, dtype=torch.bool)
    mask[0, 2:] = False
    mask[1, 0] = False
    return mask


def check(layer, with_state: bool, mask):
    layer(torch.zeros(1, T, I))
    layer.double()
    names, params = zip(*layer.named_parameters())
    x = torch.randn(B, T, I, dtype=torch.float64, requires_grad=True)
    n_states = (2 if isinstance(layer.cell.state_size, list) else 1) if with_state else 0
    states = [torch.randn(B, H, dtype=torch.float64, requires_grad=True) for _ in range(n_states)]

    def f(x, *tensors):
        weights = dict(zip(names, tensors[: len(names)]))
        initial = list(tensors[len(names):]) or None
        out = functional_call(layer, weights, (x,), {"mask": mask, "initial_state": initial})
        return out if isinstance(out, torch.Tensor) else tuple(out)

    inputs = (x, *[p.detach().clone().requires_grad_(True) for p in params], *states)
    assert torch.autograd.gradcheck(f, inputs, eps=1e-6, atol=1e-7)


@pytest.mark.parametrize("kind", LAYERS)
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_layer_gradients(kind, masked, go_backwards):
    torch.manual_seed(0)
    layer = LAYERS[kind](return_sequences=True, return_state=True, go_backwards=go_backwards)
    check(layer, with_state=True, mask=_mask() if masked else None)


@pytest.mark.parametrize("kind", LAYERS)
@pytest.mark.parametrize("merge_mode", ["concat", "mul"])
def test_bidirectional_gradients_with_mask(kind, merge_mode):
    torch.manual_seed(1)
    layer = Bidirectional(LAYERS[kind](return_sequences=True), merge_mode=merge_mode)
    check(layer, with_state=False, mask=_mask())
