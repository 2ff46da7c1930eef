"""Opening files saved by real Keras, and saving rnnkit models (rnnkit.saving).

Every fixture in tests/fixtures/keras is loaded from its .keras and .h5 files (keras2_* cases,
saved by tf.keras 2, from .h5 only) and must reproduce the outputs and intermediate outputs Keras
stored, with the parameter counts and output shapes of the fixture's JSON. tests/fixtures/saving
adds a tf.keras 2 functional model (initial state, shared layer, reset_after=False), a Keras 3
shared layer, compiled-and-trained models and a real Lambda file (scripts/make_saving_fixtures.py).
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import h5py
import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit import layers as L
from rnnkit.models import load_model
from rnnkit.saving import ModelFileError, load_optimizer_state

from helpers.keras_models import keras3_shared_gru

KERAS_FIXTURES = Path(__file__).parents[1] / "fixtures" / "keras"
SAVING_FIXTURES = Path(__file__).parents[1] / "fixtures" / "saving"
CASES = sorted(p.stem for p in KERAS_FIXTURES.glob("*.json") if p.stem != "MANIFEST")
FILES = [(case, ext) for case in CASES for ext in ([".h5"] if case.startswith("keras2_") else [".keras", ".h5"])]


def fixture(case):
    meta = json.loads((KERAS_FIXTURES / f"{case}.json").read_text())
    data = dict(np.load(KERAS_FIXTURES / f"{case}.npz"))
    keys = [spec["key"] for spec in meta["inputs"]]
    x = [data[k] for k in keys] if len(keys) > 1 else data[keys[0]]
    return meta, data, x


def as_list(outputs):
    return outputs if isinstance(outputs, list) else [outputs]


def output_shapes(model, layer):
    if isinstance(model, keras.Sequential):
        return model.output_shapes[layer.name]
    shapes = [t.shape for t in layer.inbound_nodes[-1].outputs]
    return shapes[0] if len(shapes) == 1 else shapes


def as_lists(shape):
    return [as_lists(s) for s in shape] if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)) else list(shape)


# ----- Keras's files -----------------------------------------------------------------------------
@pytest.mark.parametrize("case,ext", FILES)
def test_keras_file_reproduces_keras_outputs(case, ext):
    meta, data, x = fixture(case)
    model = load_model(KERAS_FIXTURES / f"{case}{ext}")
    predicted = as_list(model.predict(x))
    assert len(predicted) == len(meta["outputs"])
    for spec, got in zip(meta["outputs"], predicted):
        assert list(got.shape) == spec["shape"]
        np.testing.assert_allclose(got, data[spec["key"]], atol=1e-5, rtol=0, err_msg=f"{case}{ext} {spec['key']}")


@pytest.mark.parametrize("case,ext", FILES)
def test_keras_file_counts_and_shapes_match_the_fixture(case, ext):
    meta, _, _ = fixture(case)
    model = load_model(KERAS_FIXTURES / f"{case}{ext}")
    assert model.count_params() == meta["total_params"]
    by_name = {layer.name: layer for layer in model.layers}
    for spec in meta["layers"]:
        if spec["class_name"] == "InputLayer" and spec["name"] not in by_name:
            continue  # Sequential models keep their input outside model.layers, as Keras does
        layer = by_name[spec["name"]]
        assert type(layer).__name__ == spec["class_name"]
        assert layer.count_params() == spec["param_count"], spec["name"]
        if spec["class_name"] != "InputLayer":
            assert as_lists(output_shapes(model, layer)) == as_lists(spec["output_shape"]), spec["name"]


@pytest.mark.parametrize("case,ext", [(c, e) for c, e in FILES if fixture(c)[0]["intermediates"]])
def test_keras_file_reproduces_intermediate_outputs(case, ext):
    _, data, x = fixture(case)
    model = load_model(KERAS_FIXTURES / f"{case}{ext}")
    model.eval()
    checked = 0
    with torch.no_grad():
        y = torch.as_tensor(x)
        for layer in model.layers:
            y = layer(y)
            if f"inter_{layer.name}" in data:
                np.testing.assert_allclose(y.numpy(), data[f"inter_{layer.name}"], atol=1e-5, rtol=0, err_msg=layer.name)
                checked += 1
    assert checked == len(model.layers) - 1


@pytest.mark.parametrize("case", [c for c in CASES if not c.startswith("keras2_")])
def test_keras_file_summary_is_keras_summary(case):
    meta, _, _ = fixture(case)
    lines = []
    load_model(KERAS_FIXTURES / f"{case}.keras").summary(print_fn=lines.append)
    assert lines[0].rstrip("\n") == meta["summary"].rstrip("\n")


@pytest.mark.parametrize(
    "name",
    [
        "keras2_functional.h5",
        "keras2_functional.keras",
        "keras3_shared_gru.keras",
        "keras3_shared_gru.h5",
        "keras2_trained.h5",  # compiled and fit: the files also hold optimizer state
        "keras3_trained.keras",
        "keras3_trained.h5",
        "keras2_rnn_cells.h5",  # the generic RNN layer around each built-in cell
        "keras3_rnn_cells.keras",
        "keras3_rnn_cells.h5",
    ],
)
def test_extra_keras_files_reproduce_keras_outputs(name):
    stem = name.split(".")[0]
    data = dict(np.load(SAVING_FIXTURES / f"{stem}.npz"))
    meta = json.loads((SAVING_FIXTURES / f"{stem}.json").read_text())
    model = load_model(SAVING_FIXTURES / name)
    assert model.count_params() == meta["total_params"]
    xs = [data[k] for k in sorted(k for k in data if k.startswith("x"))]
    for i, got in enumerate(as_list(model.predict(xs if len(xs) > 1 else xs[0]))):
        np.testing.assert_allclose(got, data[f"y{i}"], atol=1e-5, rtol=0, err_msg=f"{name} y{i}")


# ----- round trips --------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".rnnkit", ".keras"])
@pytest.mark.parametrize("case", CASES)
def test_round_trip_gives_identical_predictions(case, suffix, tmp_path):
    _, _, x = fixture(case)
    model = load_model(KERAS_FIXTURES / f"{case}{'.h5' if case.startswith('keras2_') else '.keras'}")
    model.save(tmp_path / f"model{suffix}")
    again = load_model(tmp_path / f"model{suffix}")
    for before, after in zip(as_list(model.predict(x)), as_list(again.predict(x))):
        np.testing.assert_array_equal(before, after)
    assert [layer.name for layer in again.layers] == [layer.name for layer in model.layers]
    assert os.listdir(tmp_path) == [f"model{suffix}"]  # the temporary file was renamed, not left behind


def _built_in_rnnkit():
    keras.clear_session()
    inputs = keras.Input(shape=(6, 2))
    x = L.Bidirectional(L.GRU(3, return_sequences=True), merge_mode="sum")(inputs)
    x = L.LSTM(4)(x)
    return keras.Model(inputs, L.Dense(2, activation="softmax")(x))


def test_model_made_in_rnnkit_round_trips_through_both_formats(tmp_path):
    model = _built_in_rnnkit()
    x = np.random.default_rng(0).normal(size=(3, 6, 2)).astype(np.float32)
    for name in ("m.rnnkit", "m.keras"):
        model.save(tmp_path / name)
        np.testing.assert_array_equal(load_model(tmp_path / name).predict(x), model.predict(x))


def test_generic_rnn_layer_with_a_cell_round_trips(tmp_path):
    model = keras.Sequential([keras.Input(shape=(5, 2)), L.RNN(L.GRUCell(3, reset_after=False), go_backwards=True)])
    x = np.random.default_rng(2).normal(size=(2, 5, 2)).astype(np.float32)
    for name in ("m.rnnkit", "m.keras"):
        model.save(tmp_path / name)
        again = load_model(tmp_path / name)
        assert type(again.layers[0].cell) is L.GRUCell and not again.layers[0].cell.reset_after
        np.testing.assert_array_equal(again.predict(x), model.predict(x))


def test_rnnkit_format_is_plain_safetensors_with_the_config_in_its_header(tmp_path):
    from safetensors import safe_open

    model = _built_in_rnnkit()
    model.save(tmp_path / "m.rnnkit")
    with safe_open(tmp_path / "m.rnnkit", framework="pt") as reader:
        header = reader.metadata()
        tensors = {key: reader.get_tensor(key) for key in reader.keys()}
    record = json.loads(header["rnnkit"])
    assert (record["format"], record["kind"], record["version"]) == ("rnnkit", "model", 2)
    assert record["config"]["class_name"] == "Functional"
    state = model.state_dict()
    assert sorted(tensors) == sorted(f"weights/{key}" for key in state)
    for key, value in state.items():
        torch.testing.assert_close(tensors[f"weights/{key}"], value)


def test_sequential_with_input_shape_on_first_layer_round_trips(tmp_path):
    model = keras.Sequential([L.LSTM(3, input_shape=(5, 2)), L.Dense(1)])
    model.save(tmp_path / "m.keras")
    again = load_model(tmp_path / "m.keras")
    x = np.ones((2, 5, 2), np.float32)
    np.testing.assert_array_equal(again.predict(x), model.predict(x))


def test_weights_h5_written_by_rnnkit_loads_into_a_fresh_model(tmp_path):
    source, target = _built_in_rnnkit(), _built_in_rnnkit()
    source.save_weights(tmp_path / "w.weights.h5")
    x = np.random.default_rng(1).normal(size=(3, 6, 2)).astype(np.float32)
    assert not np.allclose(source.predict(x), target.predict(x))
    target.load_weights(tmp_path / "w.weights.h5")
    np.testing.assert_array_equal(source.predict(x), target.predict(x))
    with h5py.File(tmp_path / "w.weights.h5") as f:  # Keras 3's layout: groups by class name
        assert f["layers/bidirectional/forward_layer/cell/vars/0"].shape == (2, 9)
        assert f["layers/lstm/cell/vars/2"].shape == (16,)


def test_safetensors_weights_round_trip(tmp_path):
    source, target = _built_in_rnnkit(), _built_in_rnnkit()
    source.save_weights(tmp_path / "w.safetensors")
    target.load_weights(tmp_path / "w.safetensors")
    for a, b in zip(source.get_weights(), target.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_load_weights_from_keras_files_into_a_model_built_by_hand():
    _, data, x = fixture("keras2_bilstm")
    keras.clear_session()
    model = keras.Sequential([keras.Input(shape=(6, 2)), L.Bidirectional(L.LSTM(3, return_sequences=True)), L.LSTM(2)])
    model.load_weights(KERAS_FIXTURES / "keras2_bilstm.h5")  # legacy layout, matched by order
    np.testing.assert_allclose(model.predict(x), data["y0"], atol=1e-5, rtol=0)
    _, data, x = fixture("lstm_last")
    model = keras.Sequential([keras.Input(shape=(5, 1)), L.LSTM(3)])
    model.load_weights(KERAS_FIXTURES / "lstm_last.keras")
    np.testing.assert_allclose(model.predict(x), data["y0"], atol=1e-5, rtol=0)


def test_weights_h5_written_by_keras_loads_into_an_rnnkit_model():
    data = dict(np.load(SAVING_FIXTURES / "keras3_shared_gru.npz"))
    keras.clear_session()
    model = keras3_shared_gru(keras)
    model.load_weights(SAVING_FIXTURES / "keras3_shared_gru.weights.h5")  # Keras's model.save_weights
    np.testing.assert_allclose(model.predict([data["x0"], data["x1"]]), data["y0"], atol=1e-5, rtol=0)


def test_optimizer_state_round_trips_in_rnnkit_format(tmp_path):
    model = _built_in_rnnkit()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    model(torch.ones(2, 6, 2)).sum().backward()
    optimizer.step()
    model.save(tmp_path / "m.rnnkit", optimizer=optimizer)
    again = load_model(tmp_path / "m.rnnkit")
    restored = torch.optim.Adam(again.parameters(), lr=0.5)
    load_optimizer_state(tmp_path / "m.rnnkit", restored)
    assert restored.param_groups[0]["lr"] == 0.01
    for key, value in optimizer.state[next(iter(model.parameters()))].items():
        torch.testing.assert_close(restored.state[next(iter(again.parameters()))][key], value)


def test_save_overwrite_false_keeps_the_existing_file(tmp_path):
    (tmp_path / "m.keras").write_bytes(b"old")
    with pytest.raises(FileExistsError):
        _built_in_rnnkit().save(tmp_path / "m.keras", overwrite=False)
    assert (tmp_path / "m.keras").read_bytes() == b"old"


def test_a_failed_save_leaves_the_previous_file_and_no_temporary(tmp_path):
    model = _built_in_rnnkit()
    model.save(tmp_path / "m.keras")
    before = (tmp_path / "m.keras").read_bytes()
    broken = keras.Sequential([keras.Input(shape=(4, 2)), L.Dense(2, activation=lambda t: t * 2)])
    with pytest.raises(ValueError, match="custom activation"):
        broken.save(tmp_path / "m.keras")  # fails while writing the temporary file
    assert (tmp_path / "m.keras").read_bytes() == before
    assert os.listdir(tmp_path) == ["m.keras"]


# ----- malformed and refused files ---------------------------------------------------------------
def _rewrite_archive(source, target, config=None, drop=()):
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            if name in drop:
                continue
            new.writestr(name, json.dumps(config) if config is not None and name == "config.json" else old.read(name))


def _keras_config(case):
    with zipfile.ZipFile(KERAS_FIXTURES / f"{case}.keras") as archive:
        return json.loads(archive.read("config.json"))


def _expect_error(path, *fragments):
    with pytest.raises(ModelFileError) as caught:
        load_model(path)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    for fragment in fragments:
        assert fragment in message, message
    error = caught.value
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)  # no chained traceback


def test_truncated_zip_is_refused(tmp_path):
    data = (KERAS_FIXTURES / "lstm_last.keras").read_bytes()
    for cut in (30, len(data) // 2, len(data) - 10):
        (tmp_path / "cut.keras").write_bytes(data[:cut])
        _expect_error(tmp_path / "cut.keras", "zip")


def test_zip_without_config_is_refused(tmp_path):
    _rewrite_archive(KERAS_FIXTURES / "lstm_last.keras", tmp_path / "x.keras", drop=("config.json",))
    _expect_error(tmp_path / "x.keras", "no config.json")


def test_random_bytes_and_empty_files_are_refused(tmp_path):
    (tmp_path / "model.keras").write_bytes(np.random.default_rng(0).bytes(4096))
    _expect_error(tmp_path / "model.keras", "not a model file rnnkit knows")
    (tmp_path / "empty.h5").write_bytes(b"")
    _expect_error(tmp_path / "empty.h5", "is empty")


def test_truncated_hdf5_is_refused(tmp_path):
    data = (KERAS_FIXTURES / "lstm_last.h5").read_bytes()
    (tmp_path / "cut.h5").write_bytes(data[: len(data) // 2])
    _expect_error(tmp_path / "cut.h5", "HDF5")


def test_hdf5_with_a_missing_weight_is_refused(tmp_path):
    path = tmp_path / "missing.h5"
    shutil.copy(KERAS_FIXTURES / "lstm_last.h5", path)
    with h5py.File(path, "r+") as f:
        del f["model_weights/lstm/sequential/lstm/lstm_cell/recurrent_kernel"]
    _expect_error(path, "recurrent_kernel", "missing")


def test_hdf5_with_a_misshaped_weight_is_refused(tmp_path):
    path = tmp_path / "shape.h5"
    shutil.copy(KERAS_FIXTURES / "lstm_last.h5", path)
    with h5py.File(path, "r+") as f:
        del f["model_weights/lstm/sequential/lstm/lstm_cell/bias"]
        f["model_weights/lstm/sequential/lstm/lstm_cell/bias"] = np.zeros(5, np.float32)
    _expect_error(path, "shape (5,)", "(12,)", "'lstm' (LSTM)")


def test_archive_with_a_misshaped_weight_is_refused(tmp_path):
    path = tmp_path / "shape.keras"
    with zipfile.ZipFile(KERAS_FIXTURES / "lstm_last.keras") as old, zipfile.ZipFile(path, "w") as new:
        for name in old.namelist():
            if name != "model.weights.h5":
                new.writestr(name, old.read(name))
        weights = tmp_path / "w.h5"
        weights.write_bytes(old.read("model.weights.h5"))
        with h5py.File(weights, "r+") as f:
            del f["layers/lstm/cell/vars/0"]
            f["layers/lstm/cell/vars/0"] = np.zeros((2, 12), np.float32)
        new.writestr("model.weights.h5", weights.read_bytes())
    _expect_error(path, "layers/lstm/cell/vars", "(2, 12)", "(1, 12)")


def test_config_with_an_unknown_layer_is_refused(tmp_path):
    config = _keras_config("stacked_stock")
    config["config"]["layers"][2]["class_name"] = "ConvLSTM1D"
    _rewrite_archive(KERAS_FIXTURES / "stacked_stock.keras", tmp_path / "x.keras", config=config)
    _expect_error(tmp_path / "x.keras", "layer 'LSTM_1' (ConvLSTM1D)", "unknown layer class")


def test_config_asking_for_huge_weights_fails_without_allocating_them(tmp_path):
    config = _keras_config("lstm_last")
    config["config"]["layers"][1]["config"]["units"] = 10**6  # 4e12 parameters, 16 TB
    _rewrite_archive(KERAS_FIXTURES / "lstm_last.keras", tmp_path / "x.keras", config=config)
    _expect_error(tmp_path / "x.keras", "(1, 4000000)", "(1, 12)")


def test_loaded_parameters_are_ordinary_trainable_parameters(tmp_path):
    model = load_model(KERAS_FIXTURES / "bilstm_state.keras")
    model.save(tmp_path / "m.rnnkit")
    for loaded in (model, load_model(tmp_path / "m.rnnkit")):
        params = list(loaded.parameters())
        assert all(isinstance(p, torch.nn.Parameter) and p.requires_grad and p.device.type == "cpu" for p in params)
        loaded(torch.ones(2, 6, 2))[0].sum().backward()
        assert all(p.grad is not None for p in params)


def test_config_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "x.keras"
    with zipfile.ZipFile(KERAS_FIXTURES / "lstm_last.keras") as old, zipfile.ZipFile(path, "w") as new:
        for name in old.namelist():
            new.writestr(name, b"{not json" if name == "config.json" else old.read(name))
    _expect_error(path, "config.json", "valid JSON")


def test_lambda_layer_saved_by_keras_is_refused():
    _expect_error(SAVING_FIXTURES / "lambda_layer.keras", "layer 'double_it' (Lambda)", "never runs code")


def test_custom_object_is_refused(tmp_path):
    config = _keras_config("lstm_last")
    entry = config["config"]["layers"][1]
    entry.update(module="my_project.layers", class_name="LSTM", registered_name="MyProject>LSTM")
    _rewrite_archive(KERAS_FIXTURES / "lstm_last.keras", tmp_path / "x.keras", config=config)
    _expect_error(tmp_path / "x.keras", "layer 'lstm' (LSTM)", "custom object")


def test_option_that_changes_the_math_is_refused(tmp_path):
    config = _keras_config("lstm_last")
    config["config"]["layers"][1]["config"]["quantization_config"] = {"mode": "int8"}
    _rewrite_archive(KERAS_FIXTURES / "lstm_last.keras", tmp_path / "x.keras", config=config)
    _expect_error(tmp_path / "x.keras", "layer 'lstm' (LSTM)", "quantization_config")


def test_regularizers_and_constraints_in_a_file_are_built(tmp_path):
    config = _keras_config("lstm_last")
    lstm = config["config"]["layers"][1]["config"]
    lstm["kernel_constraint"] = {"module": "keras.constraints", "class_name": "MaxNorm",
                                 "config": {"max_value": 3.0, "axis": 0}, "registered_name": None}
    lstm["recurrent_regularizer"] = {"module": "keras.regularizers", "class_name": "L2",
                                     "config": {"l2": 0.5}, "registered_name": None}
    _rewrite_archive(KERAS_FIXTURES / "lstm_last.keras", tmp_path / "x.keras", config=config)
    layer = load_model(tmp_path / "x.keras").get_layer("lstm")
    assert layer.cell.kernel_constraint.max_value == 3.0
    assert layer.cell.recurrent_regularizer.l2 == 0.5
    expected = 0.5 * layer.cell.recurrent_kernel.detach().square().sum()
    torch.testing.assert_close(sum(layer.losses), expected)


def test_a_regularizer_class_a_file_names_but_keras_lacks_is_refused(tmp_path):
    config = _keras_config("lstm_last")
    config["config"]["layers"][1]["config"]["bias_regularizer"] = {"module": "keras.regularizers", "class_name": "L3", "config": {}}
    _rewrite_archive(KERAS_FIXTURES / "lstm_last.keras", tmp_path / "x.keras", config=config)
    _expect_error(tmp_path / "x.keras", "layer 'lstm' (LSTM)", "bias_regularizer")


def test_keras2_hard_sigmoid_is_refused(tmp_path):
    path = tmp_path / "k2.h5"
    shutil.copy(KERAS_FIXTURES / "keras2_gru_default.h5", path)
    with h5py.File(path, "r+") as f:
        config = json.loads(f.attrs["model_config"])
        config["config"]["layers"][1]["config"]["recurrent_activation"] = "hard_sigmoid"
        f.attrs["model_config"] = json.dumps(config)
    _expect_error(path, "layer 'gru' (GRU)", "0.2x + 0.5")


def test_weights_only_file_given_to_load_model_says_what_to_do(tmp_path):
    _built_in_rnnkit().save_weights(tmp_path / "w.weights.h5")
    _expect_error(tmp_path / "w.weights.h5", "load_weights")


def test_load_weights_that_do_not_fit_leaves_the_model_untouched(tmp_path):
    model = keras.Sequential([keras.Input(shape=(5, 2)), L.LSTM(3), L.Dense(4)])
    before = model.get_weights()
    with pytest.raises(ModelFileError, match="lstm_last.keras"):
        model.load_weights(KERAS_FIXTURES / "lstm_last.keras")
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_load_weights_into_an_unbuilt_model_says_to_build_it():
    model = keras.Sequential([L.LSTM(3), L.Dense(1)])
    with pytest.raises(ValueError, match="is not built"):
        model.load_weights(KERAS_FIXTURES / "lstm_last.keras")


def test_missing_file_and_unwritable_formats(tmp_path):
    with pytest.raises(FileNotFoundError, match="no_such.keras"):
        load_model("no_such.keras")
    with pytest.raises(ValueError, match="weights files are named"):
        _built_in_rnnkit().save_weights(tmp_path / "x.h5")


def _set(config, keys, value):
    target = config
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value


@pytest.mark.parametrize(
    "case,keys,value",
    [
        ("lstm_last", ["config"], 7),  # found by fuzzing: a Sequential body that is not an object
        ("lstm_last", ["config", "layers", 1, "class_name"], {"a": 1}),
        ("encoder_decoder", ["config", "output_layers"], [["dense", {}, 0]]),
        ("encoder_decoder", ["config", "layers", 3, "inbound_nodes", 0, "args", 0, "config", "keras_history"], ["lstm", 5, 0]),
        ("encoder_decoder", ["config", "layers", 2, "inbound_nodes"], []),
        ("concat_two_branches", ["config", "layers", 4, "inbound_nodes", 0, "kwargs"], {"constants": 1}),
        ("bilstm_state", ["config", "layers", 1, "config", "layer"], "lstm"),
    ],
)
def test_malformed_configs_give_clear_errors(case, keys, value, tmp_path):
    config = _keras_config(case)
    _set(config, keys, value)
    _rewrite_archive(KERAS_FIXTURES / f"{case}.keras", tmp_path / "x.keras", config=config)
    _expect_error(tmp_path / "x.keras")


def test_damaged_hdf5_data_is_reported_as_damage(tmp_path):
    data = bytearray((KERAS_FIXTURES / "keras2_bilstm.h5").read_bytes())
    rng = np.random.default_rng(3)
    for trial in range(20):
        damaged = bytearray(data)
        for position in rng.integers(0, len(data), 12):
            damaged[position] = int(rng.integers(256))
        (tmp_path / "d.h5").write_bytes(damaged)
        try:
            load_model(tmp_path / "d.h5")
        except ModelFileError as error:
            assert str(error).startswith(str(tmp_path / "d.h5"))
