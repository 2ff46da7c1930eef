"""Writing a file so that a crash, a kill or a full disk leaves the old file or the new one, never a torn mix.

Every rnnkit writer, from ``model.save`` to a run folder's checkpoint, goes through
:func:`write_atomically`. This module imports nothing else from rnnkit.
"""

from __future__ import annotations

import os
import tempfile
from typing import BinaryIO, Callable


def write_atomically(path: str | os.PathLike, write: Callable[[BinaryIO], None], overwrite: bool = True) -> None:
    """Write through ``write(stream)`` into a temporary file beside ``path``, fsync it, rename it over ``path``.

    The rename is atomic on POSIX and Windows, so a crash leaves the previous file or the new one,
    never a torn mix; the folder is fsynced too so the rename survives a power loss. Missing
    folders are created (as Keras's ModelCheckpoint does): every rnnkit writer, from
    ``model.save`` to a run directory's checkpoint, follows this one rule.
    """
    path = os.path.abspath(os.fspath(path))
    directory = os.path.dirname(path)
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"{path}: already exists (pass overwrite=True to replace it)")
    os.makedirs(directory, exist_ok=True)
    mode = os.stat(path).st_mode & 0o777 if os.path.exists(path) else 0o644
    handle, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "w+b") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    if hasattr(os, "O_DIRECTORY"):  # POSIX: make the rename durable
        folder = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
