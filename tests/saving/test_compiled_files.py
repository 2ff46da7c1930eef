"""Files that come back compiled: compile config and optimizer state in .keras, .h5 and rnnkit's format.

The reference for "the optimizer state was saved and restored" is the uninterrupted run: a model
trained, saved, loaded and trained on must end with exactly the weights of the same model
trained on without the detour. Keras's own files (tests/fixtures/keras_models, made by
scripts/make_keras_fixtures_models.py) must load compiled, at Keras's step count, and continue
with Keras's next update.
"""

from __future__ import annotations

import io
import json
import warnings
import zipfile
from pathlib import Path

import h5py
import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit import layers
from rnnkit.saving import ModelFileError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "keras_models"
OPTIMIZERS = {
    "adam": lambda: "adam",
    "sgd_nesterov": lambda: keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
    "rmsprop_centered_momentum": lambda: keras.optimizers.RMSprop(0.01, momentum=0.5, centered=True),
    "adagrad": lambda: "adagrad",
    "adamw_clipnorm": lambda: keras.optimizers.AdamW(0.01, clipnorm=1.0),
    "adam_schedule": lambda: keras.optimizers.Adam(keras.optimizers.schedules.ExponentialDecay(0.01, 3, 0.5)),
}


def task(n=32, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 5, 3)).astype("float32")
    return x, (x[:, :, 0].sum(axis=1) > 0).astype("float32")


def trained(optimizer):
    torch.manual_seed(0)
    model = keras.Sequential([layers.LSTM(4), layers.Dense(1, activation="sigmoid")])  # no input shape: built by fit
    model.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=["accuracy"])
    x, y = task()
    model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    return model


def save_quietly(model, path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the legacy-format warning
        model.save(path)


@pytest.mark.parametrize("suffix", [".keras", ".h5", ".rnnkit"])
@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_reloaded_model_continues_training_as_the_uninterrupted_run(tmp_path, suffix, optimizer):
    x, y = task()
    model = trained(OPTIMIZERS[optimizer]())
    save_quietly(model, tmp_path / f"m{suffix}")
    loaded = keras.models.load_model(tmp_path / f"m{suffix}")
    assert loaded.compiled and loaded.optimizer.iterations == model.optimizer.iterations == 8
    assert type(loaded.optimizer.torch_optimizer) is type(model.optimizer.torch_optimizer)
    np.testing.assert_allclose(loaded.evaluate(x, y, verbose=0), model.evaluate(x, y, verbose=0), rtol=1e-6)
    for m in (model, loaded):
        m.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-7)


def test_compile_false_leaves_the_model_uncompiled(tmp_path):
    model = trained("adam")
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras", compile=False)
    assert not loaded.compiled
    with pytest.raises(RuntimeError, match="compile the model first"):
        loaded.evaluate(*task())


def test_loss_and_metric_objects_keep_their_options(tmp_path):
    x, y = task()
    torch.manual_seed(0)
    model = keras.Sequential([keras.Input(shape=(5, 3)), layers.GRU(3), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss=keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[keras.metrics.BinaryAccuracy(threshold=0.0)])
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.evaluate(x, y, verbose=0), model.evaluate(x, y, verbose=0), rtol=1e-6)


def test_an_uncompilable_configuration_warns_and_loads_uncompiled(tmp_path):
    model = trained("adam")
    model.compilation.arguments["loss"] = lambda y_true, y_pred: (y_true - y_pred).abs()
    with pytest.warns(UserWarning, match="compile configuration is not saved"):
        model.save(tmp_path / "m.keras")
    assert not keras.models.load_model(tmp_path / "m.keras").compiled


def with_optimizer_setting(path, key, value):
    """The .keras archive ``path`` with its optimizer's ``key`` set to ``value`` in config.json."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    config["compile_config"]["optimizer"]["config"][key] = value
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


@pytest.mark.parametrize("key, value", [("clipnorm", 1e308), ("beta_1", -1.0), ("beta_2", 1.0), ("epsilon", 0.0),
                                        ("learning_rate", -0.1), ("learning_rate", float("nan"))])
def test_optimizer_settings_out_of_range_load_uncompiled_with_a_warning_naming_them(tmp_path, key, value):
    # Before: such a file loaded compiled and failed in the first step (OverflowError, ZeroDivisionError) or trained on NaN.
    model = trained(keras.optimizers.Adam(0.01, clipnorm=1.0))
    model.save(tmp_path / "m.keras")
    with_optimizer_setting(tmp_path / "m.keras", key, value)
    with pytest.warns(UserWarning, match=f"m.keras: the model is not compiled .*optimizer's {key} is"):
        assert not keras.models.load_model(tmp_path / "m.keras").compiled


def keras_optimizer_arrays(path):
    """The optimizer variables a Keras file stores, in Keras's order."""
    if path.suffix == ".keras":
        with zipfile.ZipFile(path) as archive, h5py.File(io.BytesIO(archive.read("model.weights.h5"))) as root:
            group = root["optimizer/vars"]
            return [group[str(i)][()] for i in range(len(group))]
    with h5py.File(path) as root:
        group = root["optimizer_weights"]
        return [group[name][()] for name in group.attrs["weight_names"]]


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
@pytest.mark.parametrize("case", ["sgd_momentum", "rmsprop"])
def test_keras_written_compiled_files_load_compiled_with_keras_optimizer_state(case, suffix):
    expected = np.load(FIXTURES / f"{case}.npz")
    model = keras.models.load_model(FIXTURES / f"{case}{suffix}")
    assert model.compiled and model.optimizer.iterations == int(expected["iterations"])
    x, y = expected["x"], expected["y"]
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0)[0], float(expected["loss"]), rtol=1e-5)
    stored = keras_optimizer_arrays(FIXTURES / f"{case}{suffix}")
    state = model.optimizer.torch_optimizer.state
    slot = "velocity" if case == "rmsprop" else "momentum"
    for param, array in zip(model.optimizer.params, stored[2:]):
        np.testing.assert_array_equal(state[param][slot].numpy(), array)
    model.train_on_batch(x, y)  # Keras's update equations from Keras's state: Keras's next weights
    for i, weight in enumerate(model.get_weights()):
        np.testing.assert_allclose(weight, expected[f"after{i}"], atol=1e-6)


class Scale(layers.Layer):
    """A custom layer as users write one: its own argument, a weight, get_config."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.gain = self.new_parameter((input_shape[-1],), torch.nn.init.ones_)

    def call(self, inputs, mask=None, training=False):
        return inputs * self.gain * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


@pytest.mark.parametrize("suffix", [".keras", ".h5", ".rnnkit"])
def test_custom_layers_load_with_custom_objects_only(tmp_path, suffix):
    x, _ = task(4)
    model = keras.Sequential([keras.Input(shape=(5, 3)), Scale(3.0, name="scale"), layers.SimpleRNN(2)])
    with torch.no_grad():
        model.get_layer("scale").gain.copy_(torch.tensor([1.0, 2.0, 3.0]))
    save_quietly(model, tmp_path / f"m{suffix}")
    with pytest.raises(ModelFileError, match=r"'Scale'.*custom_objects=\{'Scale': Scale\}"):
        keras.models.load_model(tmp_path / f"m{suffix}")
    loaded = keras.models.load_model(tmp_path / f"m{suffix}", custom_objects={"Scale": Scale})
    assert loaded.get_layer("scale").factor == 3.0
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_legacy_h5_layout_is_keras_3s(tmp_path):
    model = trained(keras.optimizers.RMSprop(0.01))
    with pytest.warns(UserWarning, match="legacy HDF5"):
        model.save(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5") as root:
        assert root.attrs["backend"] == "tensorflow" and root.attrs["keras_version"].startswith("3.")
        config = json.loads(root.attrs["model_config"])
        assert config["class_name"] == "Sequential" and "module" not in config["config"]["layers"][1]
        training = json.loads(root.attrs["training_config"])
        assert training["loss"] == "binary_crossentropy" and training["optimizer_config"]["class_name"] == "RMSprop"
        weights = root["model_weights"]
        names = [n.decode() for n in weights.attrs["layer_names"]]
        assert names == [layer.name for layer in model.layers]
        lstm = weights[names[0]]
        paths = [p.decode() for p in lstm.attrs["weight_names"]]
        assert paths == [f"{model.name}/{names[0]}/lstm_cell/{w}" for w in ("kernel", "recurrent_kernel", "bias")]
        np.testing.assert_array_equal(lstm[paths[1]][()], model.layers[0].get_weights()[1])
        optimizer = [p.decode() for p in root["optimizer_weights"].attrs["weight_names"]]
        assert optimizer[:2] == ["rm_sprop/iteration", "rm_sprop/learning_rate"] and len(optimizer) == 2 + 5
        assert int(root["optimizer_weights"][optimizer[0]][()]) == 8
