"""Model folders: ``from_pretrained(save_pretrained(m))`` computes what ``m`` computes; bad folders are named."""

import json

import numpy as np
import pytest

import rnnkit as keras
from rnnkit import layers as L
from rnnkit.errors import FileFormatError
from rnnkit.models import Model, Sequential, from_pretrained


def _model():
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(None,), dtype="int64", name="ids")
    x = L.Embedding(11, 4, mask_zero=True)(inputs)
    x = L.Bidirectional(L.GRU(3, return_sequences=True))(x)
    x = L.LSTM(3)(x)
    return keras.Model(inputs, L.Dense(2, activation="softmax")(x))


def test_round_trip_gives_equal_outputs_and_the_hub_layout(tmp_path):
    model = _model()
    model.save_pretrained(tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["README.md", "config.json", "model.safetensors"]
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    assert config["class_name"] == "Functional"
    again = Model.from_pretrained(tmp_path / "m")
    ids = np.array([[1, 4, 9, 2, 0, 0], [7, 3, 0, 0, 0, 0]])
    np.testing.assert_array_equal(again.predict(ids, verbose=0), model.predict(ids, verbose=0))
    card = (tmp_path / "m" / "README.md").read_text()
    assert card.startswith("---\nlibrary_name: rnnkit\n")
    total = sum(p.numel() for p in model.parameters())
    assert f"{total:,} parameters ({total:,} trainable)" in card
    assert "Not recorded" in card


def test_from_pretrained_checks_the_class_and_the_files(tmp_path):
    _model().save_pretrained(tmp_path / "m")
    with pytest.raises(ValueError, match="not a Sequential"):
        Sequential.from_pretrained(tmp_path / "m")
    (tmp_path / "m" / "model.safetensors").unlink()
    with pytest.raises(FileFormatError, match="model.safetensors: expected a file written by save_pretrained"):
        from_pretrained(tmp_path / "m")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "config.json").write_text("[" * 500)
    (tmp_path / "bad" / "model.safetensors").write_bytes(b"")
    with pytest.raises(FileFormatError, match="config.json"):
        from_pretrained(tmp_path / "bad")
