"""``load_model``, ``save_model``, ``load_weights``, ``save_weights``: pick the format, then delegate.

Reading looks at the file's first bytes, never at its name: a zip is a ``.keras`` archive, an
HDF5 file is a legacy Keras model or a weights file, a safetensors file is rnnkit's own format.
Writing goes by the name: ``*.keras`` writes a Keras 3 archive, ``*.h5`` a legacy Keras HDF5
model, ``*.weights.h5`` Keras 3 weights, anything else rnnkit's format. Every write is atomic (see :mod:`.atomic`).
"""

from __future__ import annotations

import os
import warnings
from typing import BinaryIO

import torch

from ..models.model import Model
from . import keras_files, legacy_h5, native
from ..atomic_files import write_atomically
from .errors import ModelFileError

_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_HDF5 = b"\x89HDF\r\n\x1a\n"


def sniff(path: str | os.PathLike) -> str:
    """``'keras'``, ``'hdf5'`` or ``'rnnkit'``: the container ``path`` holds, from its first bytes."""
    path = os.fspath(path)
    if os.path.isdir(path):
        if os.path.exists(os.path.join(path, "saved_model.pb")):
            raise ModelFileError(path, "a TensorFlow SavedModel folder holds TensorFlow graphs, which rnnkit does not run; save the model as .keras or .h5 in Keras")
        raise ModelFileError(path, "is a folder; rnnkit model files are single files (.keras, .h5 or rnnkit's safetensors format)")
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    size = os.path.getsize(path)
    with open(path, "rb") as stream:
        head = stream.read(16)
    if head.startswith(_ZIP):
        return "keras"
    if head.startswith(_HDF5):
        return "hdf5"
    if native.looks_like_safetensors(head, size):
        return "rnnkit"
    what = "is empty" if size == 0 else f"starts with bytes {head[:8]!r}"
    raise ModelFileError(
        path, f"not a model file rnnkit knows: expected a Keras .keras archive (zip), an HDF5 .h5 file or an rnnkit safetensors file; the file {what}"
    )


def load_model(path: str | os.PathLike, custom_objects: dict | None = None, compile: bool = True, safe_mode: bool = True) -> Model:
    """A Keras (.keras, .h5; Keras 3 or tf.keras 2) or rnnkit model file as an rnnkit model.

    As in Keras, the model comes back compiled as it was saved (optimizer with its state, loss,
    metrics) unless ``compile=False``; classes of custom layers are taken from
    ``custom_objects`` (``{"MyLayer": MyLayer}``), never imported from a name in the file.
    ``safe_mode`` is accepted for Keras code's sake: rnnkit never runs code stored in a file.
    """
    path = os.fspath(path)
    kind = sniff(path)
    if custom_objects is not None and not isinstance(custom_objects, dict):
        raise ValueError(f"load_model: custom_objects must be a dict {{class name: class}}; got {type(custom_objects).__name__}")
    if kind == "keras":
        return keras_files.load_keras_archive(path, compile, custom_objects)
    if kind == "hdf5":
        return keras_files.load_legacy_h5(path, compile, custom_objects)
    return native.load(path, compile, custom_objects)


def save_model(
    model: Model, path: str | os.PathLike, overwrite: bool = True, optimizer: torch.optim.Optimizer | None = None
) -> None:
    """Save config, weights and compile state: ``*.keras`` as a Keras 3 archive, ``*.h5`` in Keras's
    legacy HDF5 layout (with Keras's deprecation warning), other names in rnnkit's format.

    ``optimizer`` (rnnkit format only) stores a torch optimizer's state too, for
    :func:`load_optimizer_state`; a compiled model's own optimizer state is always stored.
    """
    path = os.fspath(path)
    name = path.lower()
    if optimizer is not None and name.endswith((".keras", ".h5", ".hdf5")):
        raise ValueError(f"{path}: a torch optimizer's state is only stored in rnnkit's format (compile the model to keep its own)")
    if name.endswith(".keras"):
        write_atomically(path, lambda stream: keras_files.save_keras_archive(model, stream), overwrite)
    elif name.endswith((".h5", ".hdf5")):
        warnings.warn(legacy_h5.DEPRECATION, UserWarning, stacklevel=3)
        write_atomically(path, lambda stream: legacy_h5.write_legacy_h5(model, stream), overwrite)
    else:
        content = native.model_bytes(model, optimizer)
        write_atomically(path, lambda stream: _write_bytes(stream, content), overwrite)


def save_weights(model: Model, path: str | os.PathLike, overwrite: bool = True) -> None:
    """Weights only: ``*.weights.h5`` in Keras 3's layout, other names as rnnkit safetensors."""
    path = os.fspath(path)
    if path.lower().endswith(".weights.h5"):
        write_atomically(path, lambda stream: keras_files.save_weights_h5(model, stream), overwrite)
    elif path.lower().endswith((".h5", ".hdf5", ".keras")):
        raise ValueError(f"{path}: weights files are named *.weights.h5 (Keras 3 layout) or use rnnkit's format (e.g. *.safetensors)")
    else:
        content = native.weights_bytes(model)
        write_atomically(path, lambda stream: _write_bytes(stream, content), overwrite)


def load_weights(model: Model, path: str | os.PathLike) -> None:
    """Load weights saved by Keras (.weights.h5, .h5, .keras) or rnnkit into an already built model.

    Nothing is copied unless every weight fits, so a bad file leaves the model as it was.
    """
    path = os.fspath(path)
    unbuilt = [layer.name for layer in model.layers if not layer.built]
    if unbuilt:
        raise ValueError(
            f"Model '{model.name}' is not built, so layers {unbuilt} have no weights to load into: give it "
            "an Input(shape=...) or call it on data before load_weights"
        )
    kind = sniff(path)
    if kind == "hdf5":
        keras_files.load_weights_h5(path, model)
    elif kind == "keras":
        _copy_weights(keras_files.load_keras_archive(path, compile=False), model, path)
    else:
        native.load_weights(path, model)


def load_optimizer_state(path: str | os.PathLike, optimizer: torch.optim.Optimizer) -> None:
    """Restore into ``optimizer`` the state that ``save_model(..., optimizer=...)`` stored."""
    path = os.fspath(path)
    if sniff(path) != "rnnkit":
        raise ModelFileError(path, "only rnnkit's format stores optimizer state")
    native.load_optimizer_state(path, optimizer)


def _copy_weights(source: Model, target: Model, path: str) -> None:
    weights = source.get_weights()
    try:
        target.set_weights(weights)
    except ValueError as error:
        raise ModelFileError(path, f"the archive's weights do not fit this model: {error}") from None


def _write_bytes(stream: BinaryIO, content: bytes) -> None:
    stream.write(content)
