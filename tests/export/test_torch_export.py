"""torch.export and torch.compile: the fused recurrences stay single ops, no graph breaks, rnnkit's own outputs.

The compiled classifier (inductor) took 12-16 s to compile on the shared 2-core machine, the rest
of this file a few seconds.
"""

import io

import pytest
import torch

import rnnkit as keras
from rnnkit import layers as L
from rnnkit.export.torch_program import export_program

pytestmark = pytest.mark.fused


def _classifier(mask_zero: bool):
    """Embedding -> BiLSTM (sequences) -> BiLSTM -> Dense, the shape of rnnkit train classify's model."""
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(None,), dtype="int64", name="ids")
    x = L.Embedding(20, 8, mask_zero=mask_zero)(inputs)
    x = L.Bidirectional(L.LSTM(8, return_sequences=True))(x)
    x = L.Bidirectional(L.LSTM(8))(x)
    return keras.Model(inputs, L.Dense(3)(x)).eval()


def _ids(batch: int, steps: int, seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    ids = torch.randint(1, 20, (batch, steps), generator=generator)
    ids[0, steps // 2:] = 0  # padding: id 0, masked by mask_zero=True
    return ids


def test_compiled_classifier_has_no_graph_break_and_gives_eager_outputs():
    model = _classifier(mask_zero=False)
    ids = _ids(4, 7, 0)
    with torch.no_grad():
        explanation = torch._dynamo.explain(model)(ids)
        assert explanation.graph_break_count == 0 and explanation.graph_count == 1
        compiled = torch.compile(model, fullgraph=True)
        torch.testing.assert_close(compiled(ids), model(ids), rtol=1e-5, atol=1e-6)


def test_export_round_trip_with_masks_and_dynamic_axes():
    model = _classifier(mask_zero=True)
    program = export_program(model, _ids(4, 7, 1))
    forwards = [n for n in program.graph.nodes if n.target is torch.ops.rnnkit.lstm_forward.default]
    assert len(forwards) == 4  # two layers, two directions: one op each, not a loop of steps
    stream = io.BytesIO()
    torch.export.save(program, stream)
    stream.seek(0)
    loaded = torch.export.load(stream).module()
    with torch.no_grad():
        for batch, steps in ((4, 7), (3, 11), (1, 2)):
            ids = _ids(batch, steps, batch)
            torch.testing.assert_close(loaded(ids), model(ids), rtol=0, atol=0)


def test_a_masked_model_compiles_whole_through_its_exported_program():
    """Keras masks ride on tensors as attributes, a graph break for torch.compile; the exported graph has none."""
    model = _classifier(mask_zero=True)
    module = export_program(model, _ids(4, 7, 2)).module()
    ids = _ids(5, 9, 3)
    with torch.no_grad():
        explanation = torch._dynamo.explain(module)(ids)
        assert explanation.graph_break_count == 0
        torch.testing.assert_close(torch.compile(module, fullgraph=True, backend="aot_eager")(ids), model(ids),
                                   rtol=0, atol=0)


@pytest.mark.parametrize("layer", [lambda: L.GRU(4, return_sequences=True), lambda: L.SimpleRNN(4, go_backwards=True),
                                   lambda: L.GRU(4, reset_after=False)], ids=["gru", "simple_rnn", "gru_reset_before"])
def test_each_cell_exports(layer):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(None, 3)), layer()]).eval()
    program = export_program(model, torch.randn(2, 5, 3))
    x = torch.randn(3, 8, 3)
    with torch.no_grad():
        torch.testing.assert_close(program.module()(x), model(x), rtol=0, atol=0)
