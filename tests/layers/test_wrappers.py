"""Bidirectional's joined native call: both directions in one torch call equal the two layer calls
(outputs, states, every gradient), and it steps aside whenever a layer call would do more."""

from __future__ import annotations

import pytest
import torch

from rnnkit import layers
from rnnkit.kernels import UnsupportedImplementation, native

LAYERS = {"simple_rnn": layers.SimpleRNN, "lstm": layers.LSTM, "gru": layers.GRU}


@pytest.fixture
def joined_calls(monkeypatch):
    """Counts the calls of native.bidirectional_sequence."""
    calls = []
    real = native.bidirectional_sequence

    def counted(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(native, "bidirectional_sequence", counted)
    return calls


def _pair(kind, **options):
    """The same Bidirectional weights twice: one on the native path, one forced apart (reference)."""
    merge = {"merge_mode": options.pop("merge_mode")} if "merge_mode" in options else {}
    torch.manual_seed(0)
    joined = layers.Bidirectional(LAYERS[kind](4, implementation="native", **options), **merge)
    apart = layers.Bidirectional(LAYERS[kind](4, implementation="reference", **options), **merge)
    x = torch.randn(3, 6, 5, dtype=torch.float64)
    joined(x.float()), apart(x.float())  # built, then moved to float64
    joined.to(torch.float64), apart.to(torch.float64)
    apart.set_weights(joined.get_weights())
    return joined, apart, x


def _outputs_and_grads(layer, x, **call):
    x = x.clone().requires_grad_()
    out = layer(x, **call)
    outs = out if isinstance(out, list) else [out]
    torch.manual_seed(1)
    loss = sum((o * torch.randn(o.shape, dtype=o.dtype)).sum() for o in outs)  # not randn_like: it follows strides
    weights = list(layer.parameters())
    grads = torch.autograd.grad(loss, [x, *weights])
    return [o.detach() for o in outs], grads


@pytest.mark.parametrize("kind", sorted(LAYERS))
@pytest.mark.parametrize("options", [
    {"return_sequences": True},
    {"return_sequences": False},
    {"return_sequences": True, "return_state": True, "merge_mode": "sum"},
    {"return_sequences": False, "return_state": True, "merge_mode": None},
    {"return_sequences": True, "merge_mode": "ave", "use_bias": False},
])
def test_joined_call_equals_the_two_layer_calls(kind, options, joined_calls):
    joined, apart, x = _pair(kind, **dict(options))
    joined_calls.clear()
    expected = _outputs_and_grads(apart, x)
    assert not joined_calls
    actual = _outputs_and_grads(joined, x)
    assert joined_calls == [kind]
    for a, e in zip([*actual[0], *actual[1]], [*expected[0], *expected[1]]):
        torch.testing.assert_close(a, e, rtol=1e-10, atol=1e-12)


def test_joined_call_takes_initial_states(joined_calls):
    joined, apart, x = _pair("lstm", return_sequences=True)
    states = [torch.randn(3, 4, dtype=torch.float64) for _ in range(4)]
    joined_calls.clear()
    expected = apart(x, initial_state=states)
    torch.testing.assert_close(joined(x, initial_state=states), expected)
    assert joined_calls == ["lstm"]


def test_a_mask_dropout_or_a_hook_keeps_the_layer_calls(joined_calls):
    joined, apart, x = _pair("gru", return_sequences=True)
    joined_calls.clear()
    mask = torch.ones(3, 6, dtype=torch.bool)
    mask[0, -2:] = False
    with pytest.raises(UnsupportedImplementation, match="mask"):  # as each forced-native layer says
        joined(x, mask=mask)
    seen = []
    handle = joined.backward_layer.register_forward_hook(lambda *args: seen.append(1))
    joined(x)
    handle.remove()
    assert not joined_calls and seen == [1]
    dropped = layers.Bidirectional(layers.GRU(4, dropout=0.5, implementation="native"))
    dropped(torch.randn(2, 3, 5))
    dropped(torch.randn(2, 3, 5), training=True)
    assert not joined_calls
    dropped(torch.randn(2, 3, 5), training=False)
    assert joined_calls == ["gru"]


def test_cells_that_torch_cannot_run_keep_the_layer_calls(joined_calls):
    layer = layers.Bidirectional(layers.LSTM(4, activation="relu", return_sequences=True))
    x = torch.randn(2, 3, 5)
    layer(x), layer(x)
    different = layers.Bidirectional(layers.GRU(4, implementation="native"),
                                     backward_layer=layers.GRU(3, go_backwards=True, implementation="native"))
    assert different(x).shape == (2, 7)
    assert not joined_calls
