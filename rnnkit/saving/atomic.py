"""Writing a file so that readers see the old version or the complete new one, never a torn file."""

from __future__ import annotations

import os
import tempfile
from typing import BinaryIO, Callable


def write_atomically(path: str, write: Callable[[BinaryIO], None], overwrite: bool = True) -> None:
    """Write through ``write(stream)`` into a temporary file beside ``path``, fsync it, rename it.

    The rename is atomic on POSIX and Windows, so a crash leaves either the previous file or the
    new one; the directory is fsynced too so the rename itself survives a power loss.
    """
    path = os.path.abspath(path)
    directory = os.path.dirname(path)
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"{path}: already exists (pass overwrite=True to replace it)")
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"{path}: the folder {directory} does not exist")
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
