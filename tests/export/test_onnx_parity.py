"""ONNX export: onnxruntime's outputs against rnnkit's (itself checked against Keras) for each configuration.

Every case is exported by ``to_onnx``, which runs its own check; the tests run the written file
again in a fresh onnxruntime session, on inputs of other batch and time sizes than the export's
sample (dynamic axes), with trailing padding, leading padding and holes in the masks.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

pytest.importorskip("onnxruntime")

import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402

import rnnkit as keras  # noqa: E402
from rnnkit import layers as L  # noqa: E402
from rnnkit.export import ExportRefused, to_onnx  # noqa: E402
from rnnkit.export.parity import rnnkit_outputs  # noqa: E402

TOLERANCE = 1e-5
VOCAB = 13


def _ids(batch: int, steps: int, layout: str, seed: int) -> np.ndarray:
    """Ids in [1, VOCAB) with row lengths steps, steps-3, ..., 1 and 0 as padding placed by ``layout``."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(1, VOCAB, size=(batch, steps))
    for row in range(batch):
        length = max(1, steps - 3 * row)
        if layout == "trailing":
            ids[row, length:] = 0
        elif layout == "leading":
            ids[row, : steps - length] = 0
        elif layout == "holes":
            ids[row, rng.permutation(steps)[: steps - length]] = 0
    return ids


def _check(model, tmp_path, inputs, sample=None) -> float:
    path = tmp_path / "model.onnx"
    report = to_onnx(model, path, sample=sample)
    assert report.max_abs_error <= TOLERANCE
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    found = session.run(None, dict(zip(names, inputs)))
    expected = rnnkit_outputs(model, inputs)
    assert len(found) == len(expected)
    worst = 0.0
    for want, got in zip(expected, found):
        assert want.shape == got.shape
        worst = max(worst, float(np.abs(want - got).max()))
    assert worst <= TOLERANCE
    return worst


def _token_model(*body, mask_zero=True):
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(None,), dtype="int64", name="ids")
    x = L.Embedding(VOCAB, 6, mask_zero=mask_zero)(inputs)
    for layer in body:
        x = layer(x)
    return keras.Model(inputs, x)


RECURRENT = {
    "simple_rnn": lambda **kw: L.SimpleRNN(5, **kw),
    "lstm": lambda **kw: L.LSTM(5, **kw),
    "gru": lambda **kw: L.GRU(5, **kw),
    "gru_reset_before": lambda **kw: L.GRU(5, reset_after=False, **kw),
}


@pytest.mark.parametrize("kind", sorted(RECURRENT))
@pytest.mark.parametrize("sequences", [False, True], ids=["last", "sequences"])
@pytest.mark.parametrize("backwards", [False, True], ids=["forwards", "backwards"])
@pytest.mark.parametrize("masked", [False, True], ids=["unmasked", "masked"])
def test_each_cell_with_and_without_masks(tmp_path, kind, sequences, backwards, masked):
    model = _token_model(RECURRENT[kind](return_sequences=sequences, go_backwards=backwards), mask_zero=masked)
    _check(model, tmp_path, [_ids(5, 11, "trailing", 1)])


@pytest.mark.parametrize("layout", ["leading", "holes"])
@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_masks_of_any_layout_are_exact(tmp_path, kind, layout):
    """Keras skips masked steps wherever they are; the graph compacts the real steps, so it agrees."""
    model = _token_model(RECURRENT[kind](return_sequences=True), L.Dense(3))
    _check(model, tmp_path, [_ids(5, 10, layout, 2)], sample=[_ids(3, 8, layout, 3)])


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
def test_bidirectional_every_merge_mode(tmp_path, merge_mode):
    model = _token_model(L.Bidirectional(L.GRU(4, return_sequences=True), merge_mode=merge_mode))
    _check(model, tmp_path, [_ids(4, 9, "trailing", 4)])


def test_stacked_bidirectional_classifier(tmp_path):
    model = _token_model(L.Bidirectional(L.LSTM(6, return_sequences=True)), L.Dropout(0.5),
                         L.Bidirectional(L.LSTM(4)), L.Dense(3, activation="softmax"))
    _check(model, tmp_path, [_ids(6, 12, "trailing", 5)])


def test_masking_layer_on_features_and_pooling(tmp_path):
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(None, 3), name="features")
    x = L.Masking(0.0)(inputs)
    x = L.LSTM(4, return_sequences=True, zero_output_for_mask=True)(x)
    mean = L.GlobalAveragePooling1D()(x)
    top = L.GlobalMaxPooling1D()(x)
    model = keras.Model(inputs, [mean, top])
    x = np.random.default_rng(6).standard_normal((4, 8, 3)).astype(np.float32)
    x[1, 5:] = 0.0
    x[2, 2:] = 0.0
    _check(model, tmp_path, [x])


def test_initial_state_and_return_state_and_an_empty_row(tmp_path):
    """States go in and out as graph tensors; the LSTM called with initial states takes no mask (Keras 3),
    its output carries the ids' mask on to the Bidirectional GRU, whose all-padding row keeps zeros."""
    keras.utils.set_random_seed(0)
    ids = keras.Input(shape=(None,), dtype="int64", name="ids")
    h0, c0 = keras.Input(shape=(4,), name="h0"), keras.Input(shape=(4,), name="c0")
    x = L.Embedding(VOCAB, 6, mask_zero=True)(ids)
    sequence, h, c = L.LSTM(4, return_sequences=True, return_state=True)(x, initial_state=[h0, c0])
    y, *states = L.Bidirectional(L.GRU(3, return_state=True))(sequence)
    model = keras.Model([ids, h0, c0], [sequence, h, c, y, *states])
    tokens = _ids(3, 6, "trailing", 7)
    tokens[2] = 0
    rng = np.random.default_rng(8)
    states = [rng.standard_normal((3, 4)).astype(np.float32) for _ in range(2)]
    _check(model, tmp_path, [tokens, *states], sample=[tokens, *states])


@pytest.mark.parametrize("activation, recurrent_activation", [
    ("relu", "hard_sigmoid"), ("linear", "sigmoid"), ("elu", "hard_sigmoid"), ("tanh", "relu"),
])
def test_recurrent_activations_onnx_has(tmp_path, activation, recurrent_activation):
    model = _token_model(L.LSTM(4, activation=activation, recurrent_activation=recurrent_activation,
                                return_sequences=True),
                         L.GRU(3, activation=activation, recurrent_activation=recurrent_activation),
                         L.Dense(2, activation="tanh"))
    _check(model, tmp_path, [_ids(3, 7, "trailing", 9)])


def test_sequential_time_distributed_flatten_no_bias(tmp_path):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(5, 3)), L.SimpleRNN(4, use_bias=False, return_sequences=True),
                              L.TimeDistributed(L.Dense(2, activation="relu")), L.Flatten(),
                              L.Dense(3), L.Activation("softmax")])
    x = np.random.default_rng(10).standard_normal((6, 5, 3)).astype(np.float32)
    _check(model, tmp_path, [x])


def test_gru_reset_forms_are_written_as_linear_before_reset(tmp_path):
    for reset_after, expected in ((True, 1), (False, 0)):
        model = _token_model(L.GRU(3, reset_after=reset_after))
        to_onnx(model, tmp_path / "gru.onnx")
        (node,) = [n for n in onnx.load(tmp_path / "gru.onnx").graph.node if n.op_type == "GRU"]
        attributes = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        assert attributes["linear_before_reset"] == expected


def _custom(x: torch.Tensor) -> torch.Tensor:
    return torch.tanh(x) * 0.5


class _Subclassed(keras.Model):
    def __init__(self):
        super().__init__()
        self.lstm = L.LSTM(3)

    def call(self, x):
        return self.lstm(x)


@pytest.mark.parametrize("build, words", [
    (lambda: _token_model(L.LSTM(3, activation=_custom)), ["lstm", "activation", "custom function '_custom'"]),
    (lambda: _token_model(L.GRU(3, recurrent_activation="gelu")), ["gru", "recurrent_activation 'gelu'"]),
    (lambda: _token_model(L.LayerNormLSTM(3)), ["LayerNormLSTM", "no ONNX recurrent operator"]),
    (lambda: _token_model(L.Conv1D(3, 2)), ["Conv1D", "no converter"]),
    (lambda: _token_model(L.Dense(2, activation=_custom)), ["Dense", "custom function"]),
])
def test_what_onnx_cannot_compute_exactly_is_refused(tmp_path, build, words):
    model = build()
    with pytest.raises(ExportRefused) as caught:
        to_onnx(model, tmp_path / "refused.onnx")
    for word in words:
        assert word in str(caught.value)
    assert not (tmp_path / "refused.onnx").exists()


def test_a_stateful_layer_a_float64_model_and_a_subclassed_model_are_refused(tmp_path):
    double = keras.Sequential([keras.Input(shape=(4, 3)), L.GRU(3)]).double()
    with pytest.raises(ExportRefused, match="torch.float64; ONNX export writes float32 models"):
        to_onnx(double, tmp_path / "x.onnx")
    stateful = keras.Sequential([keras.Input(batch_shape=(2, 4, 3)), L.LSTM(3, stateful=True)])
    with pytest.raises(ExportRefused, match="stateful"):
        to_onnx(stateful, tmp_path / "x.onnx")
    subclassed = _Subclassed()
    subclassed(torch.zeros(1, 2, 3))
    with pytest.raises(ExportRefused, match="subclassed model"):
        to_onnx(subclassed, tmp_path / "x.onnx")


def test_a_failed_check_writes_nothing(tmp_path):
    from rnnkit.export import ExportMismatch

    model = _token_model(L.LSTM(3))
    with pytest.raises(ExportMismatch, match="not written: onnxruntime vs rnnkit: max abs error"):
        to_onnx(model, tmp_path / "m.onnx", tolerance=-1.0)  # below any error, so the check must fail
    assert not (tmp_path / "m.onnx").exists()
