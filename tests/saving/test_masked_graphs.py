"""Functional Keras 3 files whose masks flow between layers (``not_equal`` nodes and ``mask=`` arguments).

Keras 3.15 saves ``Embedding(mask_zero=True)`` -> ``LSTM`` as a ``NotEqual`` operation feeding the
LSTM's ``mask=``; these files load, compute Keras's numbers and masks, list Keras's
``model.layers`` (operations left out), print Keras's summary (operations in), and save back.
"""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit.layers.operations import Operation
from rnnkit.saving import load_model
from rnnkit.saving.errors import ModelFileError

from helpers.keras_layer_fixtures import FIXTURES, fixture, set_keras_weights
from helpers.keras_models import GRAPH_MASK_CASES

FILE_CASES = [*GRAPH_MASK_CASES, "merges", "mha_lstm"]


def _outputs(model, xs):
    model.eval()
    with torch.no_grad():
        got = model(xs[0] if len(xs) == 1 else list(xs))
    return got if isinstance(got, (list, tuple)) else [got]


def _check_outputs(name, got, data, ys):
    for i, (value, want) in enumerate(zip(got, ys)):
        np.testing.assert_allclose(value.numpy(), want, atol=2e-6, err_msg=f"{name}: output {i}")
        mask = getattr(value, "_keras_mask", None)
        if f"m{i}" in data:
            assert mask is not None, f"{name}: output {i} carries no mask; Keras's does"
            np.testing.assert_array_equal(mask.numpy(), data[f"m{i}"])


@pytest.mark.parametrize("kind", ["keras", "h5"])
@pytest.mark.parametrize("name", FILE_CASES)
def test_masked_functional_files_load_and_match_keras(name, kind, capsys):
    meta, data, xs, ys, _ = fixture(name)
    model = load_model(FIXTURES / f"{name}.{kind}")
    assert [layer.name for layer in model.layers] == [layer["name"] for layer in meta["layers"]]
    _check_outputs(name, _outputs(model, xs), data, ys)
    model.summary()
    assert capsys.readouterr().out.rstrip() == meta["summary"].rstrip()


@pytest.mark.parametrize("name", FILE_CASES)
def test_masked_functional_files_save_again_with_their_operations(name, tmp_path):
    meta, data, xs, ys, _ = fixture(name)
    model = load_model(FIXTURES / f"{name}.keras")
    model.save(tmp_path / "again.keras")
    written = json.loads(zipfile.ZipFile(tmp_path / "again.keras").read("config.json"))
    original = json.loads(zipfile.ZipFile(FIXTURES / f"{name}.keras").read("config.json"))

    def operations(config):
        return [(e["class_name"], e["config"]) for e in config["config"]["layers"] if e["module"].startswith("keras.src.ops")]

    assert operations(written) == operations(original)
    _check_outputs(name, _outputs(load_model(tmp_path / "again.keras"), xs), data, ys)


@pytest.mark.parametrize("name", list(GRAPH_MASK_CASES))
def test_the_same_graphs_built_in_code_match_keras(name):
    """In code the masks ride on the tensors; the numbers are the file's, Keras 3's quirk included:
    an LSTM called with initial_state= (two tensor arguments) takes no mask unless given one."""
    meta, data, xs, ys, weights = fixture(name)
    model = GRAPH_MASK_CASES[name](keras)
    set_keras_weights(model, weights)
    assert not any(isinstance(layer, Operation) for layer in model.layers)
    _check_outputs(name, _outputs(model, xs), data, ys)


def test_an_lstm_called_with_initial_state_takes_the_mask_only_when_given():
    torch.manual_seed(0)
    e = keras.layers.Embedding(9, 3, mask_zero=True)(torch.tensor([[3, 4, 0, 0, 0]]))
    _, h, c = keras.layers.LSTM(2, return_state=True)(e)
    lstm = keras.layers.LSTM(2)
    unmasked = lstm(e, initial_state=[h, c])
    masked = lstm(e, initial_state=[h, c], mask=e._keras_mask)
    alone = lstm(e[:, :2], initial_state=[h, c])
    torch.testing.assert_close(masked, alone)  # the padding steps are skipped
    assert not torch.allclose(unmasked, masked)  # Keras 3: two tensor arguments, so no mask taken


def _with_operation(tmp_path, class_name, config):
    """The graph_masked_stack file with its NotEqual entry changed to ``class_name``/``config``."""
    source = zipfile.ZipFile(FIXTURES / "graph_masked_stack.keras")
    model_config = json.loads(source.read("config.json"))
    for entry in model_config["config"]["layers"]:
        if entry["module"].startswith("keras.src.ops"):
            entry["class_name"], entry["registered_name"], entry["config"] = class_name, class_name, config
    path = tmp_path / "changed.keras"
    with zipfile.ZipFile(path, "w") as out:
        for item in source.infolist():
            out.writestr(item, json.dumps(model_config) if item.filename == "config.json" else source.read(item))
    return path


@pytest.mark.parametrize(
    "class_name, config, message",
    [
        ("Exec", {"name": "x"}, "Keras operation 'Exec', which rnnkit does not run"),
        ("Any", {"name": "x", "axis": "all"}, "option axis cannot be 'all'"),
        ("NotEqual", {"name": "x", "rhs": 3}, "takes the options"),
        ("NotEqual", ["not", "an", "object"], r"\(NotEqual\) is not a"),
    ],
)
def test_an_operation_the_file_gets_wrong_is_a_clear_error(tmp_path, class_name, config, message):
    with pytest.raises(ModelFileError, match=message):
        load_model(_with_operation(tmp_path, class_name, config))


def test_operations_compute_keras_mask_arithmetic():
    ids = torch.tensor([[3, 0, 2], [0, 0, 1]])
    assert Operation("NotEqual")(ids, 0).tolist() == [[True, False, True], [False, False, True]]
    x = torch.tensor([[[0.0, 0.0], [1.0, 0.0]]])
    assert Operation("Any", axis=-1)(Operation("NotEqual")(x, 0.0)).tolist() == [[False, True]]
    m = torch.tensor([[True, False]])
    wide = Operation("LogicalOr")(Operation("ExpandDims", axis=-1)(m), Operation("ZerosLike", dtype="bool")(torch.zeros(1, 2, 3)))
    assert wide.shape == (1, 2, 3) and wide[0, 0].all() and not wide[0, 1].any()
    assert Operation("Concatenate", axis=-1)([wide, wide]).shape == (1, 2, 6)
    symbolic = Operation("NotEqual")(keras.Input((None,), dtype="int32"), 0)
    assert symbolic.shape == (None, None) and symbolic.dtype == torch.bool
