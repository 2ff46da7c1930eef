"""Models saved by real Keras 3, opened by rnnkit, exported to ONNX: onnxruntime gives Keras's own outputs.

The inputs and expected outputs are the ones Keras wrote beside each model (``tests/fixtures/keras``);
the masked cases include leading padding (``masked_gru_seq_leading``) and ``go_backwards``.
"""

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("onnxruntime")

import onnxruntime as ort  # noqa: E402

from rnnkit.export import to_onnx  # noqa: E402
from rnnkit.models import load_model  # noqa: E402

FIXTURES = Path(__file__).parents[1] / "fixtures" / "keras"
CASES = [
    "masked_gru_seq_leading", "masked_bilstm_seq", "masked_go_backwards", "masked_bigru_last", "masking_layer_simple",
    "average_pooling_masked", "max_pooling_masked", "initial_state_lstm", "bilstm_state", "gru_reset_before_state",
    "bi_merge_ave", "bi_merge_mul", "bi_merge_none", "bi_merge_sum", "lstm_hard_sigmoid", "simple_rnn_relu_nobias",
    "time_distributed_dense_relu", "deep_simple_rnn", "go_backwards_gru_last", "lstm_nobias",
]


@pytest.mark.parametrize("case", CASES)
def test_onnxruntime_reproduces_keras(tmp_path, case):
    model = load_model(FIXTURES / f"{case}.keras", compile=False)
    data = np.load(FIXTURES / f"{case}.npz")
    inputs = [data["x"]] if "x" in data.files else [data[f"x{i}"] for i in range(len(model.inputs))]
    to_onnx(model, tmp_path / "model.onnx", sample=inputs)
    session = ort.InferenceSession(str(tmp_path / "model.onnx"), providers=["CPUExecutionProvider"])
    dtypes = {"tensor(int32)": np.int32, "tensor(int64)": np.int64, "tensor(float)": np.float32}
    inputs = [a.astype(dtypes[i.type]) for i, a in zip(session.get_inputs(), inputs)]
    found = session.run(None, {i.name: a for i, a in zip(session.get_inputs(), inputs)})
    expected = [data[f"y{i}"] for i in range(len(found))]
    for want, got in zip(expected, found):
        np.testing.assert_allclose(got, want, atol=1e-5, rtol=0)
