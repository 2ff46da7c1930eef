"""``rnnkit export``: a classifier trained by ``rnnkit train classify`` gives ``rnnkit predict``'s answers in onnxruntime."""

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("onnxruntime")

import onnxruntime as ort  # noqa: E402

from rnnkit.cli import main  # noqa: E402
from rnnkit.data.padding import pad_sequences  # noqa: E402
from rnnkit.models import from_pretrained  # noqa: E402
from rnnkit.tasks import classification  # noqa: E402

FIXTURES = Path(__file__).parents[1] / "fixtures" / "tasks"
TEXTS = ["정말 재밌어요 최고의 영화", "시간이 아깝다", "배우 연기가 좋았다 그런데 지루하고 재미없다", "별로"]


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "nsmc"
    assert main(["train", "classify", "--data", str(FIXTURES / "nsmc_train_300.tsv"), "--out", str(out), "--epochs", "1",
                 "--units", "8", "--embedding", "8", "--batch-size", "32", "--layers", "2"]) == 0
    return out


def test_exported_classifier_predicts_what_rnnkit_predict_prints(trained_run, tmp_path, capsys):
    capsys.readouterr()
    path = tmp_path / "nsmc.onnx"
    assert main(["export", str(trained_run), str(path)]) == 0
    printed = capsys.readouterr().out
    assert f"wrote {path}" in printed and "max abs error" in printed
    assert main(["predict", str(trained_run), *TEXTS]) == 0
    predicted = [line.split("\t") for line in capsys.readouterr().out.strip().splitlines()]

    _, encoder, record = classification.load(trained_run)
    ids = pad_sequences([encoder.encode(t) for t in TEXTS], padding="post", dtype="int64")  # one batch, mixed lengths
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (logits,) = session.run(None, {"ids": ids})
    probabilities = np.exp(logits - logits.max(-1, keepdims=True))
    probabilities /= probabilities.sum(-1, keepdims=True)
    for (label, probability, text), p, given in zip(predicted, probabilities, TEXTS):
        assert text == given
        assert record["classes"][int(p.argmax())] == label
        assert abs(float(p.max()) - float(probability)) <= 5e-4  # predict prints 3 decimals


def test_export_to_a_model_folder_carries_the_training_record(trained_run, tmp_path, capsys):
    folder = tmp_path / "card"
    assert main(["export", str(trained_run), str(folder)]) == 0
    card = (folder / "README.md").read_text()
    assert "Trained with `rnnkit train classify` on" in card and "Best epoch 1 of 1: " in card
    model, _, _ = classification.load(trained_run)
    again = from_pretrained(folder)
    ids = np.array([[3, 5, 7, 0, 0], [2, 0, 0, 0, 0]])
    np.testing.assert_array_equal(again.predict(ids, verbose=0), model.predict(ids, verbose=0))


def test_export_refusal_is_one_line_with_status_2(tmp_path, capsys):
    import rnnkit as keras
    from rnnkit import layers as L

    model = keras.Sequential([keras.Input(shape=(4, 2)), L.LayerNormLSTM(3)])
    model.save(tmp_path / "m.rnnkit")
    assert main(["export", str(tmp_path / "m.rnnkit"), str(tmp_path / "m.onnx")]) == 2
    error = capsys.readouterr().err
    assert "rnnkit export: error: Layer 'layer_norm_lstm" in error and "no ONNX recurrent operator" in error
    assert not (tmp_path / "m.onnx").exists()
