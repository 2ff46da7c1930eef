"""``rnnkit inspect``: traces of a saved model on text or an array, written as arrays and plots."""

import json

import numpy as np
import pytest

from rnnkit import Input, layers
from rnnkit.cli import main
from rnnkit.inspect import trace
from rnnkit.models import Sequential, load_model

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def char_model(tmp_path):
    model = Sequential([Input(shape=(None,), dtype="int32"), layers.Embedding(5, 4), layers.LSTM(3, return_sequences=True)])
    model.build((None, None))
    path = tmp_path / "model.rnnkit"
    model.save(path)
    vocab = tmp_path / "vocab.json"
    vocab.write_text(json.dumps(["_", "a", "b", "c", " "]))
    return path, vocab


def test_text_through_a_saved_character_model(tmp_path, char_model, capsys):
    path, vocab = char_model
    out = tmp_path / "out"
    assert main(["inspect", str(path), "--text", "ab ca", "--vocab", str(vocab), "--out", str(out)]) == 0
    assert "1 recurrent layer call(s) traced" in capsys.readouterr().out
    saved = np.load(out / "trace.npz")
    (want,) = trace(load_model(path), np.array([[1, 2, 4, 3, 1]]))
    assert sorted(saved.files) == sorted(f"0_{want.layer}/{name}" for name in ("i", "f", "c~", "o", "h", "c"))
    for name in want.names():
        np.testing.assert_allclose(saved[f"0_{want.layer}/{name}"], want[name], atol=1e-6)
    assert (out / f"trace_0_{want.layer}.png").read_bytes().startswith(PNG)


def test_array_input_with_a_target_adds_the_gradient_plot(tmp_path):
    model = Sequential([Input(shape=(6, 2)), layers.Bidirectional(layers.GRU(3)), layers.Dense(1)])
    path = tmp_path / "model.keras"
    model.save(path)
    np.save(tmp_path / "x.npy", np.random.default_rng(0).normal(size=(2, 6, 2)).astype(np.float32))
    np.save(tmp_path / "y.npy", np.ones((2, 1), np.float32))
    out = tmp_path / "out"
    argv = ["inspect", str(path), "--input", str(tmp_path / "x.npy"), "--target", str(tmp_path / "y.npy"), "--out", str(out)]
    assert main(argv) == 0
    pictures = sorted(p.name for p in out.glob("*.png"))
    assert len(pictures) == 3 and "gradients.png" in pictures


@pytest.mark.parametrize("extra, message", [
    ([], "--text needs --vocab"),
    (["--vocab", "VOCAB"], "tokens not in the vocabulary: ['d']"),
])
def test_text_errors_are_explained(tmp_path, char_model, capsys, extra, message):
    path, vocab = char_model
    extra = [str(vocab) if e == "VOCAB" else e for e in extra]
    assert main(["inspect", str(path), "--text", "abd", *extra, "--out", str(tmp_path / "o")]) == 2
    assert message in capsys.readouterr().err


def test_language_model_checkpoint_uses_its_own_tokenizer(tmp_path, capsys):
    from rnnkit.data import CharTokenizer
    from rnnkit.tasks.language_model import LanguageModel, ModelConfig
    from rnnkit.tasks.language_model.checkpoint import save_lm_checkpoint

    tokenizer = CharTokenizer(list(" .abc"))
    model = LanguageModel(ModelConfig(vocab_size=5, cell="gru", layers=2, units=4, embedding=3, dropout=0.0))
    save_lm_checkpoint(tmp_path / "lm.safetensors", model, tokenizer, epoch=1, extra={})
    out = tmp_path / "out"
    assert main(["inspect", str(tmp_path / "lm.safetensors"), "--text", "ab c.", "--out", str(out)]) == 0
    assert "2 recurrent layer call(s) traced" in capsys.readouterr().out
    lower, upper = trace(model, np.array([tokenizer.encode("ab c.")]))
    saved = np.load(out / "trace.npz")
    np.testing.assert_allclose(saved[f"1_{upper.layer}/h"], upper["h"], atol=1e-6)
    names = sorted(p.name for p in out.glob("*.png"))
    assert names == sorted(["gradients.png", f"trace_0_{lower.layer}.png", f"trace_1_{upper.layer}.png"])


def test_classifier_checkpoint_traces_both_directions(tmp_path, capsys):
    from rnnkit.data import CharTokenizer
    from rnnkit.tasks.classification import ClassifierConfig, TextEncoder, build_classifier
    from rnnkit.tasks.classification.text import CHAR_SPECIALS
    from rnnkit.training.task_files import save_task_model

    encoder = TextEncoder(CharTokenizer(CHAR_SPECIALS + list("abc ")), max_len=20)
    config = ClassifierConfig(vocab_size=6, classes=2, units=3, embedding=4, dropout=0.0)
    model = build_classifier(config)
    path = tmp_path / "classifier.safetensors"
    save_task_model(path, model, {"task": "classify", "config": config.to_json(), "encoder": encoder.to_json(),
                                  "classes": ["no", "yes"]})
    out = tmp_path / "out"
    assert main(["inspect", str(path), "--text", "ab ca", "--out", str(out)]) == 0
    assert "2 recurrent layer call(s) traced" in capsys.readouterr().out
    forward, backward = trace(model.eval(), np.array([encoder.encode("ab ca")]))
    saved = np.load(out / "trace.npz")
    np.testing.assert_allclose(saved[f"1_{backward.layer}/c"], backward["c"], atol=1e-6)
    assert (out / "gradients.png").read_bytes().startswith(PNG)
