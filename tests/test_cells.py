"""The cell records: one per kind, read by every table that used to key on a kind string.

A kind a fast path does not cover is an ordinary "unsupported" reason there (auto runs the
reference), an unknown kind is a clear error everywhere, and replay never guesses a kind.
"""

from __future__ import annotations

import pytest
import torch
from helpers.sequence_cases import make_case

import rnnkit
from rnnkit import cells, recurrence, torch_interop
from rnnkit.inspect.calls import RecurrentCall
from rnnkit.inspect.replay import replay
from rnnkit.kernels import benchmark, dispatch, fused, native
from rnnkit.layers.recurrent_cells import LSTMCell


def test_every_kind_has_one_consistent_record():
    assert list(cells.SPECS) == ["simple_rnn", "lstm", "gru", "layer_norm_lstm"]
    for kind, spec in cells.SPECS.items():
        assert spec.kind == kind
        assert len(spec.gate_names) == spec.gates
        assert spec.state_names[0] == "h"
        assert spec.weights[:3] == ("kernel", "recurrent_kernel", "bias")
        if spec.torch_module is not None:
            assert sorted(spec.torch_gate_order) == list(range(spec.gates))
    with pytest.raises(TypeError):
        cells.SPECS["new"] = cells.LSTM  # the registry is read-only


def test_an_unknown_kind_is_a_clear_error():
    with pytest.raises(ValueError, match=r"Unknown recurrent cell kind 'transformer'; expected one of \['gru', 'layer_norm_lstm', 'lstm', 'simple_rnn'\]"):
        cells.spec("transformer")
    with pytest.raises(ValueError, match="Unknown recurrent cell kind"):
        dispatch.choose("transformer", "auto", torch.zeros(1, 2, 3), {})
    with pytest.raises(ValueError, match="Unknown recurrent cell kind"):
        recurrence.reference("transformer")


def test_cell_layers_read_their_gate_count_from_the_record():
    for layer, gates in ((rnnkit.layers.SimpleRNN(3), 1), (rnnkit.layers.GRU(3), 3),
                         (rnnkit.layers.LSTM(3), 4), (rnnkit.layers.LayerNormLSTM(3), 4)):
        assert layer.cell.gates == gates == cells.spec(layer.cell.kind).gates
        layer(torch.zeros(2, 4, 5))
        assert tuple(layer.cell.kernel.shape) == (5, gates * 3)


def test_fast_paths_declare_the_kinds_they_cover():
    assert set(fused.SEQUENCES) <= set(cells.SPECS) and set(native.SEQUENCES) <= set(cells.SPECS)
    x = torch.zeros(2, 3, 4)
    assert "no fused kernel for layer_norm_lstm cells" in fused.unsupported_reason("layer_norm_lstm", x, {})
    assert "torch has no native function for layer_norm_lstm" in native.unsupported_reason("layer_norm_lstm", x, {})
    choice = dispatch.choose("layer_norm_lstm", "auto", x, {})
    assert choice.implementation == "reference"
    assert "fused: no fused kernel" in choice.reason and "native: torch has no native function" in choice.reason
    for path in ("fused", "native"):
        with pytest.raises(dispatch.UnsupportedImplementation, match=f"implementation='{path}' cannot run this layer_norm_lstm call"):
            dispatch.choose("layer_norm_lstm", path, x, {})


@pytest.mark.parametrize("kind", ["simple_rnn", "lstm", "gru"])
def test_the_generic_reference_equals_the_named_functions(kind):
    named = {"simple_rnn": recurrence.simple_rnn_sequence, "lstm": recurrence.lstm_sequence,
             "gru": recurrence.gru_sequence}[kind]
    x, states, weights = make_case(kind)
    options = {"reset_after": True} if kind == "gru" else {}
    y, final = recurrence.reference(kind)(x, *states, *weights, go_backwards=True, **options)
    y_named, final_named = named(x, *states, *weights, go_backwards=True, **options)
    torch.testing.assert_close(y, y_named, atol=0, rtol=0)
    for a, b in zip(final, final_named):
        torch.testing.assert_close(a, b, atol=0, rtol=0)


def test_a_sequence_call_checks_its_tensors_and_options_against_the_record():
    x, states, weights = make_case("lstm")
    with pytest.raises(TypeError, match=r"lstm sequence takes x, then states \['h', 'c'\] and weights \['kernel', 'recurrent_kernel', 'bias'\] \(5 tensors\); got 4"):
        recurrence.cell_sequence(cells.LSTM, x, states[0], *weights)
    with pytest.raises(TypeError, match=r"lstm cell: unknown option\(s\) \['reset_after'\]"):
        recurrence.cell_sequence(cells.LSTM, x, *states, *weights, reset_after=False)


class _MysteryCell(LSTMCell):
    """A cell subclass whose kind no record describes."""

    kind = "mystery"


def test_a_kind_without_a_record_is_refused_not_guessed():
    with pytest.raises(ValueError, match="Unknown recurrent cell kind 'mystery'"):
        rnnkit.layers.RNN(_MysteryCell(3))(torch.zeros(1, 4, 2))
    layer = rnnkit.layers.LSTM(3, name="odd")
    x = torch.zeros(1, 4, 2)
    layer(x)
    layer.cell.kind = "mystery"  # replay used to run any kind it did not know as a GRU
    call = RecurrentCall(layer, x, None, (torch.zeros(1, 3), torch.zeros(1, 3)))
    with pytest.raises(ValueError, match=r"Layer 'odd': cannot replay its cell: Unknown recurrent cell kind 'mystery'"):
        replay(call)


def test_torch_interop_and_benchmark_read_the_torch_module_from_the_record():
    assert benchmark.CELLS == ("simple_rnn", "lstm", "gru")
    for kind in benchmark.CELLS:
        layer = rnnkit.Sequential([rnnkit.Input(shape=(4, 2)),
                                   {"simple_rnn": rnnkit.layers.SimpleRNN, "lstm": rnnkit.layers.LSTM,
                                    "gru": rnnkit.layers.GRU}[kind](3, return_sequences=True)])
        assert type(torch_interop.to_torch(layer)) is cells.spec(kind).torch_module
    model = rnnkit.Sequential([rnnkit.Input(shape=(4, 2)), rnnkit.layers.LayerNormLSTM(3, return_sequences=True)])
    with pytest.raises(ValueError, match=r"runs a layer_norm_lstm cell, which torch has no module for"):
        torch_interop.to_torch(model)
