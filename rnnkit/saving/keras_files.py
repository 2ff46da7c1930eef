"""Keras's file containers: ``.keras`` zip archives and HDF5 files (legacy full models, weights).

Every failure of zipfile, h5py or json is turned into a :class:`ModelFileError` that names the
file and says what is wrong with it.
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile
import zlib
from typing import Any

import h5py

from ..models.model import Model
from .compile_config import compile_config, compile_from_config, keras_optimizer_variables, restore_keras_optimizer_variables
from .errors import ModelFileError
from .keras_export import model_config
from .keras_layers import refuse_layers_keras_lacks
from .keras_models import model_from_config
from .keras_weights import read_keras3, read_legacy, write_keras3

_MAX_CONFIG_BYTES = 64 << 20
_H5PY_FAILURES = (OSError, RuntimeError, KeyError, TypeError, ValueError, UnicodeError)
# The Keras release whose .keras layout rnnkit writes and was checked against.
KERAS_FORMAT_VERSION = "3.15.1"


# ----- .keras archives -------------------------------------------------------------------------
def load_keras_archive(path: str, compile: bool = True, custom_objects: dict | None = None) -> Model:
    """A model from a ``.keras`` archive; compiled as it was saved unless ``compile=False``."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            for required in ("config.json", "model.weights.h5"):
                if required not in names:
                    raise ModelFileError(path, f"this zip is not a Keras model archive: it has no {required} (it has {sorted(names)[:10]})")
            if archive.getinfo("config.json").file_size > _MAX_CONFIG_BYTES:
                raise ModelFileError(path, "config.json is implausibly large for a model description")
            config = parse_json(path, "config.json", archive.read("config.json"))
            metadata = parse_json(path, "metadata.json", archive.read("metadata.json")) if "metadata.json" in names else {}
            weights = archive.read("model.weights.h5")
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise ModelFileError(path, f"the zip archive is damaged or truncated ({error})") from None
    version = metadata.get("keras_version") if isinstance(metadata, dict) else None
    model = model_from_config(path, config, keras2=_is_keras2(version), custom_objects=custom_objects)
    with open_hdf5(path, io.BytesIO(weights), "model.weights.h5 in the archive") as root:
        read_keras3(path, root, model)
        if compile and isinstance(config, dict):
            compile_from_config(path, model, config.get("compile_config"))
            stored = root.get("optimizer/vars")
            if model.compilation is not None and isinstance(stored, h5py.Group):
                arrays = [stored[str(i)][()] for i in range(len(stored))]
                restore_keras_optimizer_variables(path, model, arrays)
    return model


def save_keras_archive(model: Model, stream: io.BufferedIOBase) -> None:
    """Write a ``.keras`` archive that Keras 3 loads (config.json, model.weights.h5, metadata.json)."""
    refuse_layers_keras_lacks(model)
    config = model_config(model)
    config["compile_config"] = compile_config(model)
    weights = io.BytesIO()
    with h5py.File(weights, "w") as root:
        write_keras3(root, model)
        if config["compile_config"] is not None:
            variables = keras_optimizer_variables(model.optimizer, ["-"] * len(model.optimizer.params)) if model.optimizer.torch_optimizer is not None else []
            if variables:
                group = root.create_group("optimizer/vars")
                group.attrs["name"] = model.optimizer.name
                for i, (_, value) in enumerate(variables):
                    group.create_dataset(str(i), data=value)
    metadata = {
        "keras_version": KERAS_FORMAT_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
        "written_by": "rnnkit",
    }
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("metadata.json", json.dumps(metadata))
        archive.writestr("config.json", json.dumps(config))
        archive.writestr("model.weights.h5", weights.getvalue())


# ----- HDF5 ------------------------------------------------------------------------------------
def load_legacy_h5(path: str, compile: bool = True, custom_objects: dict | None = None) -> Model:
    """A full model saved by ``model.save("x.h5")`` (Keras 3 or tf.keras 2), compiled as it was saved."""
    with open_hdf5(path, path, "HDF5 file") as root:
        if "model_config" not in root.attrs:
            if "layers" in root or "layer_names" in root.attrs:
                raise ModelFileError(path, "this HDF5 file holds only weights; build the model in rnnkit and call model.load_weights(path)")
            raise ModelFileError(path, "this HDF5 file is not a Keras model: it has no 'model_config' attribute")
        raw = root.attrs["model_config"]
        config = parse_json(path, "the model_config attribute", raw)
        keras2 = _is_keras2(_text(root.attrs.get("keras_version")))
        model = model_from_config(path, config, keras2, custom_objects=custom_objects)
        weights = root.get("model_weights")
        if not isinstance(weights, h5py.Group):
            raise ModelFileError(path, "the file has a model_config but no 'model_weights' group")
        read_legacy(path, weights, model, by_name=True)
        if compile and "training_config" in root.attrs:
            training = parse_json(path, "the training_config attribute", root.attrs["training_config"])
            if isinstance(training, dict):
                training = {**training, "optimizer": training.pop("optimizer_config", None)}
            compile_from_config(path, model, training)
            stored = root.get("optimizer_weights")
            if model.compilation is not None and isinstance(stored, h5py.Group) and "weight_names" in stored.attrs:
                arrays = [stored[_text(name)][()] for name in stored.attrs["weight_names"]]
                restore_keras_optimizer_variables(path, model, arrays)
    return model


def load_weights_h5(path: str, model: Model) -> None:
    """Keras 3 ``.weights.h5`` files and legacy weight files (by layer order, as Keras does)."""
    with open_hdf5(path, path, "HDF5 file") as root:
        if isinstance(root.get("layers"), h5py.Group):
            read_keras3(path, root, model)
        elif isinstance(root.get("model_weights"), h5py.Group):
            read_legacy(path, root["model_weights"], model, by_name=False)
        elif "layer_names" in root.attrs:
            read_legacy(path, root, model, by_name=False)
        else:
            raise ModelFileError(path, "this HDF5 file holds no Keras weights (no 'layers' group and no 'layer_names')")


def save_weights_h5(model: Model, stream: io.BufferedIOBase) -> None:
    """Keras 3's ``.weights.h5`` layout."""
    with h5py.File(stream, "w") as root:
        write_keras3(root, model)


class open_hdf5:
    """``with open_hdf5(path, source, what) as root``: an h5py.File whose failures name ``path``.

    h5py reports damaged files with OSError, RuntimeError, KeyError, TypeError, ValueError or
    UnicodeError from wherever the damage is met (opening, an attribute, a data block); inside
    the block each becomes a ModelFileError saying the file is damaged.
    """

    def __init__(self, path: str, source: Any, what: str):
        self.path, self.source, self.what = path, source, what

    def __enter__(self) -> h5py.File:
        try:
            self.file = h5py.File(self.source, "r")
        except (OSError, ValueError) as error:
            raise ModelFileError(self.path, f"the {self.what} cannot be opened as HDF5 (damaged or truncated?): {error}") from None
        return self.file

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        self.file.close()
        if isinstance(error, _H5PY_FAILURES) and not isinstance(error, ModelFileError):
            raise ModelFileError(self.path, f"reading the {self.what} failed, it is damaged: {error}") from None


def parse_json(path: str, what: str, raw: Any) -> Any:
    try:
        return json.loads(_text(raw))
    except (ValueError, TypeError) as error:
        raise ModelFileError(path, f"{what} is not valid JSON: {error}") from None


def _text(raw: Any) -> str:
    return raw.decode("utf-8") if isinstance(raw, bytes) else str(raw) if raw is not None else ""


def _is_keras2(version: Any) -> bool:
    return str(version or "").startswith(("1.", "2."))
