"""Read ``.npz`` archives whose object arrays (Keras's imdb/reuters word lists) need pickle, safely.

NumPy stores an object array as a pickle stream after the ``.npy`` header, and reads it only with
``allow_pickle=True``, which would run whatever a crafted file names. Here the stream goes
through an unpickler that resolves no global except NumPy's array reconstruction
(``_reconstruct``, ``ndarray``, ``dtype``, ``scalar``), the approach of
``torch.load(weights_only=True)``; anything else (``os.system``, ``builtins.eval``...) is refused
before it can be called. The array that comes out must be an ndarray of the header's shape whose
elements are plain lists of integers, integers or strings. Sizes are checked before anything is
read (:func:`rnnkit.limits.check_bytes`): a member's uncompressed size as the zip declares it,
and a plain array's shape x dtype from its ``.npy`` header against the bytes the member really
holds (a 100-byte member declaring 40 GB is refused, not allocated). Damaged or truncated archives
are refused with a :class:`~rnnkit.errors.FileFormatError` naming the file and the member.
"""

from __future__ import annotations

import io
import math
import pickle
import zipfile
import zlib
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..errors import FileFormatError
from ..limits import check_bytes

try:  # NumPy 2 keeps the reconstruction functions in numpy._core, NumPy 1 in numpy.core
    from numpy._core.multiarray import _reconstruct, scalar
except ImportError:  # pragma: no cover - NumPy 1
    from numpy.core.multiarray import _reconstruct, scalar

_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy.core.multiarray", "scalar"): scalar,
    ("numpy._core.multiarray", "scalar"): scalar,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
}


class _ArrayUnpickler(pickle.Unpickler):
    """An unpickler that can build NumPy arrays and plain Python values, and nothing else."""

    def find_class(self, module: str, name: str) -> Any:
        allowed = _ALLOWED.get((module, name))
        if allowed is None:
            raise pickle.UnpicklingError(f"refused global {module}.{name}: only NumPy's array reconstruction is allowed")
        return allowed

    def persistent_load(self, pid: Any) -> Any:
        raise pickle.UnpicklingError("refused a persistent id: the stream must be a plain NumPy array")


def _plain(value: Any, depth: int = 0) -> bool:
    if isinstance(value, (int, str, np.integer)) and not isinstance(value, bool):
        return True
    return depth == 0 and isinstance(value, list) and all(_plain(v, 1) for v in value)


def _read_header(stream: io.BytesIO) -> tuple[tuple[int, ...], bool, np.dtype]:
    version = np.lib.format.read_magic(stream)
    if version == (1, 0):
        return np.lib.format.read_array_header_1_0(stream)
    if version == (2, 0):
        return np.lib.format.read_array_header_2_0(stream)
    raise ValueError(f"unsupported .npy format version {version}")


def _read_member(path: str, member: str, raw: bytes) -> np.ndarray:
    """The array in ``raw`` (the bytes of ``member``), its declared size checked against what is there first."""
    stream = io.BytesIO(raw)
    try:
        shape, _, dtype = _read_header(stream)
    except (ValueError, EOFError) as error:
        raise FileFormatError(path, f"not a readable .npy array ({error})", field=member) from None
    if not dtype.hasobject:
        check_bytes(path, member, math.prod(shape) * dtype.itemsize, present=len(raw) - stream.tell())
        try:
            return np.lib.format.read_array(io.BytesIO(raw), allow_pickle=False)
        except ValueError as error:
            raise FileFormatError(path, f"not a readable .npy array ({error})", field=member) from None
    try:
        array = _ArrayUnpickler(stream, encoding="latin1").load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, IndexError, MemoryError) as error:
        raise FileFormatError(path, f"its object array cannot be read safely ({error})", field=member) from None
    if not isinstance(array, np.ndarray) or array.shape != tuple(shape):
        raise FileFormatError(path, f"the pickled data is not the array of shape {tuple(shape)} its header declares", field=member)
    if array.dtype.hasobject and not all(_plain(v) for v in array.ravel()):
        raise FileFormatError(path, "the object array holds something other than lists of integers, integers or strings", field=member)
    return array


def load_npz(path: str | Path) -> dict[str, np.ndarray]:
    """Every ``NAME.npy`` member of the archive at ``path`` as ``{NAME: array}``, read safely."""
    path = str(path)
    arrays: dict[str, np.ndarray] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if not info.filename.endswith(".npy"):
                    continue
                check_bytes(path, info.filename, info.file_size)  # uncompressed, as the zip declares it
                with archive.open(info) as member:
                    raw = member.read(info.file_size + 1)
                if len(raw) != info.file_size:
                    raise FileFormatError(path, field=info.filename, expected=f"{info.file_size} bytes as the zip declares", found=len(raw))
                arrays[info.filename[: -len(".npy")]] = _read_member(path, info.filename, raw)
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError) as error:
        raise FileFormatError(path, f"not a readable .npz archive (damaged or truncated: {error})") from None
    return arrays


def load_arrays(path: str | Path, names: Sequence[str]) -> list[np.ndarray]:
    """The arrays ``names`` of the archive at ``path``, in that order; a clear error if one is missing."""
    found = load_npz(path)
    missing = [n for n in names if n not in found]
    if missing:
        raise FileFormatError(path, f"lacks the arrays {missing}; Keras's file holds {list(names)}")
    return [found[n] for n in names]
