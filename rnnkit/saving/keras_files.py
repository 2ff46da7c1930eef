"""Keras's file containers: ``.keras`` zip archives and HDF5 files (legacy full models, weights).

Reading treats the file as hostile: zip members are read only after their declared sizes and
compression ratios pass (:data:`~rnnkit.limits.MAX_JSON_BYTES` for the JSON members, the byte
cap for the weights), and with a bound even then; HDF5 goes through :mod:`.hdf5_read` (pure
Python, nothing followed out of the file); JSON through :func:`rnnkit.limits.load_json`. Every
failure is a :class:`ModelFileError` that names the file and the member, attribute or dataset.
Writing uses h5py.
"""

from __future__ import annotations

import datetime
import io
import json
import math
import struct
import zipfile
import zlib
from typing import Any

import h5py
import numpy as np

from .. import limits
from ..errors import FileLimitError
from ..models.model import Model
from .compile_config import compile_config, compile_from_config, keras_optimizer_variables, restore_keras_optimizer_variables
from .errors import ModelFileError
from .hdf5_read import MAX_DEFLATE_RATIO, SIGNATURE, Hdf5Dataset, Hdf5Group, open_hdf5
from .keras_export import model_config
from .keras_layers import refuse_layers_keras_lacks
from .keras_models import model_from_config
from .keras_weights import read_keras3, read_legacy, stored_weight, string_list, write_keras3

# What zipfile raises on a damaged archive (FileFormatError, a ValueError too, passes through).
_ZIP_FAILURES = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, struct.error, NotImplementedError)
_ZIP_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # what Keras and rnnkit write
_WEIGHTS = "model.weights.h5"
# The Keras release whose .keras layout rnnkit writes and was checked against.
KERAS_FORMAT_VERSION = "3.15.1"


# ----- .keras archives -------------------------------------------------------------------------
def load_keras_archive(path: str, compile: bool = True, custom_objects: dict | None = None) -> Model:
    """A model from a ``.keras`` archive; compiled as it was saved unless ``compile=False``."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            for required in ("config.json", _WEIGHTS):
                if required not in names:
                    raise ModelFileError(path, f"this zip is not a Keras model archive: it has no {required} (it has {sorted(names)[:10]})")
            config = _json_member(path, archive, "config.json")
            metadata = _json_member(path, archive, "metadata.json") if "metadata.json" in names else {}
            weights = _read_member(path, archive, _WEIGHTS, limits.max_bytes(), starts_with=SIGNATURE)
    except ModelFileError:
        raise
    except _ZIP_FAILURES as error:
        raise ModelFileError(path, f"the zip archive is damaged or truncated ({error})") from None
    version = metadata.get("keras_version") if isinstance(metadata, dict) else None
    model = model_from_config(path, config, keras2=_is_keras2(version), custom_objects=custom_objects)
    with open_hdf5(path, weights, member=_WEIGHTS) as root:
        read_keras3(path, root, model)
        if compile and isinstance(config, dict):
            compile_from_config(path, model, config.get("compile_config"))
            stored = root.get("optimizer/vars")
            if model.compilation is not None and isinstance(stored, Hdf5Group):
                datasets = [stored_weight(path, stored, str(i)) for i in range(len(stored))]
                restore_keras_optimizer_variables(path, model, _optimizer_arrays(path, model, datasets))
    return model


def _json_member(path: str, archive: zipfile.ZipFile, name: str) -> Any:
    return limits.load_json(path, name, _read_member(path, archive, name, limits.MAX_JSON_BYTES).getvalue())


def _read_member(path: str, archive: zipfile.ZipFile, name: str, most: int, starts_with: bytes = b"") -> io.BytesIO:
    """The bytes of zip member ``name``: at most ``most`` and the byte cap, at a ratio deflate can reach.

    Sizes are checked as declared before anything is inflated, and inflating stops as soon as it
    gives more than declared (a header that understates is not trusted either), or after its first
    block if that does not begin with ``starts_with``. Deflate's 1032:1 lets a 2.5 MB member
    declare 2.6 GB: one of zeros stops at the first block, one that begins as HDF5 at the cap.
    """
    info = archive.getinfo(name)
    if info.compress_type not in _ZIP_METHODS or info.flag_bits & 0x1:
        raise ModelFileError(path, field=name, expected="a zip member stored or deflated, unencrypted (as Keras writes them)",
                             found=f"compression method {info.compress_type}" + (", encrypted" if info.flag_bits & 0x1 else ""))
    limits.check_bytes(path, name, info.file_size)
    if info.file_size > most:
        raise FileLimitError(path, field=name, expected=f"at most {most:,} bytes", found=f"{info.file_size:,} bytes declared")
    ratio = MAX_DEFLATE_RATIO if info.compress_type == zipfile.ZIP_DEFLATED else 1
    if info.file_size > ratio * info.compress_size + 64:
        raise FileLimitError(path, field=name, expected=f"at most {ratio}:1 expansion ({zipfile.compressor_names[info.compress_type]})",
                             found=f"{info.compress_size:,} bytes that declare {info.file_size:,}: a zip bomb")
    content = io.BytesIO()
    with archive.open(info) as member:
        while block := member.read(1 << 20):
            if content.tell() + len(block) > info.file_size:
                raise FileLimitError(path, field=name, expected=f"{info.file_size:,} bytes as declared", found="more")
            if not content.tell() and not block.startswith(starts_with):
                raise ModelFileError(path, field=name, expected=f"data that begins with {starts_with!r}", found=f"{block[:len(starts_with)]!r}")
            content.write(block)
    return content


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
    with open_hdf5(path) as root:
        attrs = root.attrs
        if "model_config" not in attrs:
            if "layers" in root or "layer_names" in attrs:
                raise ModelFileError(path, "this HDF5 file holds only weights; build the model in rnnkit and call model.load_weights(path)")
            raise ModelFileError(path, "this HDF5 file is not a Keras model: it has no 'model_config' attribute")
        config = _json_attribute(path, attrs, "model_config")
        model = model_from_config(path, config, _is_keras2(attrs.get("keras_version")), custom_objects=custom_objects)
        weights = root.get("model_weights")
        if not isinstance(weights, Hdf5Group):
            raise ModelFileError(path, "the file has a model_config but no 'model_weights' group")
        read_legacy(path, weights, model, by_name=True)
        if compile and "training_config" in attrs:
            training = _json_attribute(path, attrs, "training_config")
            if isinstance(training, dict):
                training = {**training, "optimizer": training.pop("optimizer_config", None)}
            compile_from_config(path, model, training)
            stored = root.get("optimizer_weights")
            if model.compilation is not None and isinstance(stored, Hdf5Group) and "weight_names" in stored.attrs:
                datasets = [stored_weight(path, stored, name) for name in string_list(path, stored, "weight_names")]
                restore_keras_optimizer_variables(path, model, _optimizer_arrays(path, model, datasets))
    return model


def load_weights_h5(path: str, model: Model) -> None:
    """Keras 3 ``.weights.h5`` files and legacy weight files (by layer order, as Keras does)."""
    with open_hdf5(path) as root:
        if isinstance(root.get("layers"), Hdf5Group):
            read_keras3(path, root, model)
        elif isinstance(weights := root.get("model_weights"), Hdf5Group):
            read_legacy(path, weights, model, by_name=False)
        elif "layer_names" in root.attrs:
            read_legacy(path, root, model, by_name=False)
        else:
            raise ModelFileError(path, "this HDF5 file holds no Keras weights (no 'layers' group and no 'layer_names')")


def save_weights_h5(model: Model, stream: io.BufferedIOBase) -> None:
    """Keras 3's ``.weights.h5`` layout."""
    with h5py.File(stream, "w") as root:
        write_keras3(root, model)


def _optimizer_arrays(path: str, model: Model, datasets: list[Hdf5Dataset]) -> list[np.ndarray]:
    """The optimizer variables' values: a step count, a learning rate and slots shaped like weights,
    so none may hold more values than the model's largest weight (checked before reading)."""
    largest = max((param.numel() for param in model.parameters()), default=1)
    for dataset in datasets:
        if math.prod(dataset.shape) > largest:
            raise ModelFileError(path, field=dataset.name, expected=f"an optimizer variable of at most {largest:,} values (the model's largest weight)", found=f"shape {dataset.shape}")
    return [dataset.read() for dataset in datasets]


def _json_attribute(path: str, attrs: dict[str, Any], name: str) -> Any:
    """The JSON document in string attribute ``name`` (h5py writes bytes or str)."""
    value = attrs[name]
    if not isinstance(value, (bytes, str)):
        raise ModelFileError(path, field=f"attribute {name!r}", expected="JSON text", found=f"a {type(value).__name__}")
    return limits.load_json(path, f"attribute {name!r}", value)


def _is_keras2(version: Any) -> bool:
    """Whether a file's ``keras_version`` (metadata.json's, or an HDF5 attribute) is tf.keras 1 or 2."""
    if isinstance(version, bytes):
        version = version.decode("utf-8", "replace")
    return isinstance(version, str) and version.startswith(("1.", "2."))
