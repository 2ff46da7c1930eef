"""The one container for rnnkit's files: header, atomic write, clear errors, and files of the old layouts."""

import json
import os
import struct
from pathlib import Path

import numpy as np
import pytest
import safetensors
import torch

import rnnkit as keras
from rnnkit import atomic_files, safetensors_file
from rnnkit.safetensors_file import FileFormatError
from rnnkit.training import load_checkpoint, save_checkpoint
from rnnkit.weight_checks import optimizer_state_dict

LEGACY = Path(__file__).parent / "fixtures" / "legacy_files"


def test_a_file_is_plain_safetensors_with_one_versioned_json_header(tmp_path):
    path = tmp_path / "sub" / "f.safetensors"  # missing folders are created
    weights = {"model/w": torch.arange(6.0).reshape(2, 3)}
    safetensors_file.save(path, "task", weights, {"record": {"task": "classify", "note": "한국어"}})
    with safetensors.safe_open(str(path), framework="pt") as reader:
        assert reader.keys() == ["model/w"]
        header = json.loads(reader.metadata()["rnnkit"])
    assert header == {"format": "rnnkit", "kind": "task", "version": 2, "record": {"task": "classify", "note": "한국어"}}
    contents = safetensors_file.load(path)
    assert contents.kind == "task" and contents.header == header == safetensors_file.read_header(path)
    assert torch.equal(contents.group("model")["w"], weights["model/w"])
    assert os.listdir(path.parent) == ["f.safetensors"]  # no temporary file left behind


def test_the_record_cannot_overwrite_the_container_fields(tmp_path):
    with pytest.raises(ValueError, match=r"may not set \['version'\]"):
        safetensors_file.to_bytes("task", {}, {"version": 7})
    with pytest.raises(ValueError, match="kind must be one of"):
        safetensors_file.to_bytes("lm", {}, {})


def test_write_atomically_refuses_to_overwrite_when_asked(tmp_path):
    path = tmp_path / "f.bin"
    atomic_files.write_atomically(path, lambda stream: stream.write(b"one"))
    with pytest.raises(FileExistsError, match="f.bin: already exists"):
        atomic_files.write_atomically(path, lambda stream: stream.write(b"two"), overwrite=False)
    assert path.read_bytes() == b"one"


def _header_file(path, header_bytes, declared=None):
    declared = len(header_bytes) if declared is None else declared
    path.write_bytes(struct.pack("<Q", declared) + header_bytes)
    return path


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_bytes(b"abc"), "not a safetensors file .*only 3 bytes"),
    (lambda p: p.write_bytes(b"\x00" * 64), "not a safetensors file .*header is not JSON"),
    (lambda p: _header_file(p, b"{}", declared=10**12), "header of 1000000000000 bytes in a file of 10"),
    (lambda p: _header_file(p, b'{"__metadata__": {"a": 1}}'), "__metadata__.a: expected a string, found int 1"),
    (lambda p: _header_file(p, b'{"__metadata__": {"other": "x"}}'), "not one rnnkit wrote"),
    (lambda p: _header_file(p, json.dumps({"__metadata__": {"rnnkit": json.dumps({"format": "rnnkit", "kind": "task", "version": 99})}}).encode()),
     "rnnkit.version: expected a format version this rnnkit reads .1 to 2., found 99"),
    (lambda p: _header_file(p, b'{"__metadata__": {"rnnkit": "{broken"}}'), "__metadata__.rnnkit: expected valid JSON"),
])
def test_bad_files_are_named_with_what_is_wrong(tmp_path, make, message):
    path = tmp_path / "bad.safetensors"
    make(path)
    with pytest.raises(FileFormatError, match=message) as raised:
        safetensors_file.read_header(path)
    assert str(raised.value).startswith(f"{path}: ")


def test_truncated_tensor_data_is_reported_as_damage(tmp_path):
    path = tmp_path / "t.safetensors"
    safetensors_file.save(path, "weights", {"weights/w": torch.ones(100)}, {})
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(FileFormatError, match="t.safetensors: the safetensors file is damaged or truncated"):
        safetensors_file.load(path)


def test_optimizer_state_round_trips_through_one_layout():
    parameter = torch.nn.Parameter(torch.ones(3))
    optimizer = torch.optim.Adam([parameter], lr=0.1)
    parameter.grad = torch.tensor([1.0, -2.0, 0.5])
    optimizer.step()
    tensors, record = safetensors_file.optimizer_parts(optimizer.state_dict())
    assert sorted(tensors) == ["optimizer/0/exp_avg", "optimizer/0/exp_avg_sq", "optimizer/0/step"]
    record = json.loads(json.dumps(record))  # the rest is plain JSON
    stored = {k.removeprefix("optimizer/"): v for k, v in tensors.items()}
    restored = optimizer_state_dict("o.safetensors", stored, record, torch.optim.Adam([parameter], lr=0.1), "optimizer")
    original = optimizer.state_dict()
    assert restored["param_groups"] == original["param_groups"]
    for name, value in original["state"][0].items():
        assert torch.equal(restored["state"][0][name], value), name


def test_a_training_checkpoint_carries_a_task_record_in_one_write(tmp_path, monkeypatch):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((4, 3), "float32"), np.zeros((4, 2), "float32"), epochs=1, verbose=0)
    renames = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (renames.append(b), real_replace(a, b)))
    save_checkpoint(tmp_path / "c.safetensors", model, epoch=1, extra={"task": "demo", "vocabulary": ["a", "b"]})
    assert renames == [str(tmp_path / "c.safetensors")]
    header = safetensors_file.read_header(tmp_path / "c.safetensors")
    assert header["kind"] == "training" and header["record"] == {"task": "demo", "vocabulary": ["a", "b"]}
    assert header["optimizer"]["name"] == "adam" and header["optimizer"]["iterations"] == 1


# Files written by rnnkit before this container (scripts/make_legacy_file_fixtures.py, main at f9ab356).

def _legacy_sequential():
    model = keras.Sequential([keras.Input(shape=(5, 3)), keras.layers.LSTM(4), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    return model


@pytest.fixture
def expected():
    return np.load(LEGACY / "expected.npz")


def test_legacy_model_file_loads_with_its_optimizer_state(expected):
    model = keras.models.load_model(LEGACY / "model.rnnkit")
    np.testing.assert_array_equal(model.predict(expected["x"], verbose=0), expected["model_y"])
    optimizer = torch.optim.Adam(model.parameters())
    keras.saving.load_optimizer_state(LEGACY / "model.rnnkit", optimizer)
    with safetensors.safe_open(str(LEGACY / "model.rnnkit"), framework="pt") as reader:
        assert torch.equal(optimizer.state_dict()["state"][0]["exp_avg"], reader.get_tensor("optimizer/0/exp_avg"))
    assert safetensors_file.read_header(LEGACY / "model.rnnkit")["version"] == 1


def test_legacy_weights_file_loads(expected):
    model = _legacy_sequential()
    model.load_weights(LEGACY / "model.weights.safetensors")
    np.testing.assert_array_equal(model.predict(expected["x"], verbose=0), expected["model_y"])


def test_legacy_training_checkpoint_with_torch_adam_slots_is_refused_at_load(expected):
    """The old layout's optimizer state is torch Adam's (exp_avg, exp_avg_sq, step), which rnnkit's Adam
    (Keras's slots momentum, velocity) cannot step with: it loaded, then failed in the first step."""
    model = _legacy_sequential()
    before = model.predict(expected["x"], verbose=0)
    with pytest.raises(FileFormatError, match=r"optimizer/0/\*: expected the slots \['momentum', 'velocity'\], found \['exp_avg', 'exp_avg_sq', 'step'\]"):
        load_checkpoint(LEGACY / "training.safetensors", model)
    np.testing.assert_array_equal(model.predict(expected["x"], verbose=0), before)  # nothing restored


def test_legacy_task_checkpoint_loads(expected):
    from rnnkit.tasks.classification import load_classifier

    model, encoder, record = load_classifier(LEGACY / "classify.safetensors")
    assert record["task"] == "classify" and record["best_epoch"] == 1
    assert encoder.encode("ab ca") == expected["classify_ids"][0].tolist()
    with torch.inference_mode():
        np.testing.assert_array_equal(model(torch.from_numpy(expected["classify_ids"])).numpy(), expected["classify_y"])


def test_legacy_language_model_checkpoint_loads(expected):
    from rnnkit.tasks.language_model.checkpoint import load_language_model

    model, tokenizer, record = load_language_model(LEGACY / "lm.safetensors")
    assert record["task"] == "lm" and record["history"] == [{"epoch": 3, "loss": 1.5}]
    assert tokenizer.encode("ab c.") == expected["lm_ids"][0].tolist()
    with torch.inference_mode():
        np.testing.assert_array_equal(model(torch.from_numpy(expected["lm_ids"])).numpy(), expected["lm_y"])
    assert safetensors_file.read_header(LEGACY / "lm.safetensors")["epoch"] == 3
