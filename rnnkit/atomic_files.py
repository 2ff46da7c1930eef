"""Writing a file so that a crash, a kill or a full disk leaves the old file or the new one, never a torn mix.

Every rnnkit writer, from ``model.save`` to a run folder's checkpoint and plot, goes through
:func:`write_atomically`. The new bytes go to a temporary file beside the target,
``.NAME.rnnkit-PID.XXXXXXXX.tmp`` (``PID``: the writing process), which is renamed over the target
once complete. A writer killed with ``kill -9`` cannot remove its temporary file, so each write
first removes the temporary files beside it whose writer is no longer alive. This module imports
nothing else from rnnkit.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
from typing import BinaryIO, Callable

TEMPORARY = re.compile(r"^\..+\.rnnkit-(?P<pid>\d+)\.[0-9a-f]{8}\.tmp$")

# Why a write failed, for the errors a user can do something about.
REASONS = {
    errno.ENOSPC: "disk full (no space left on the device)",
    errno.EDQUOT: "disk quota exceeded",
    errno.EFBIG: "file too large for this file system",
    errno.EROFS: "read-only folder (its file system is mounted read-only)",
    errno.EACCES: "no permission to write in this folder",
    errno.EPERM: "no permission to write in this folder",
}


class FileWriteError(OSError):
    """Writing ``path`` failed for a reason outside rnnkit (a full disk, a read-only or forbidden folder).

    The message names the file and says why in words; nothing is left half-written: the previous
    file, if there was one, is unchanged, and the temporary file is gone.
    """

    def __init__(self, path: str, error: OSError, existed: bool):
        super().__init__(error.errno, REASONS[error.errno], path)
        self.path = path
        self.existed = existed

    def __str__(self) -> str:
        kept = "the previous file is unchanged" if self.existed else "nothing was written"
        return f"{self.path}: cannot write it: {self.strerror}; {kept}"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_stale_temporaries(directory: str) -> None:
    """Remove the temporary files in ``directory`` that writers which have since died left behind."""
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        match = TEMPORARY.match(name)
        if match and not _alive(int(match["pid"])):
            try:
                os.unlink(os.path.join(directory, name))
            except FileNotFoundError:  # another writer removed it first
                pass


def _create_temporary(path: str) -> tuple[int, str]:
    """An open descriptor and name of a new temporary file beside ``path``, created with the user's umask."""
    directory, name = os.path.split(path)
    while True:
        temporary = os.path.join(directory, f".{name}.rnnkit-{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            # 0o666 and the umask, as open() gives any new file; mkstemp's 0o600 would hide a
            # checkpoint from the user's group.
            return os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666), temporary
        except FileExistsError:
            continue


def write_atomically(path: str | os.PathLike, write: Callable[[BinaryIO], None], overwrite: bool = True) -> None:
    """Write through ``write(stream)`` into a temporary file beside ``path``, fsync it, rename it over ``path``.

    The rename is atomic on POSIX and Windows, so a crash leaves the previous file or the new one,
    never a torn mix; the folder is fsynced too so the rename survives a power loss. Missing
    folders are created (as Keras's ModelCheckpoint does). A new file gets the permissions of
    any file the user creates (``0o666`` less the umask); a replaced file keeps its own. A full
    disk or a read-only or forbidden folder raises :class:`FileWriteError` naming ``path``.
    """
    path = os.path.abspath(os.fspath(path))
    directory = os.path.dirname(path)
    existed = os.path.exists(path)
    if not overwrite and existed:
        raise FileExistsError(f"{path}: already exists (pass overwrite=True to replace it)")
    temporary = None
    try:
        os.makedirs(directory, exist_ok=True)
        remove_stale_temporaries(directory)
        handle, temporary = _create_temporary(path)
        with os.fdopen(handle, "w+b") as stream:
            if existed:
                os.fchmod(handle, os.stat(path).st_mode & 0o7777)
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
        temporary = None
    except OSError as error:
        if error.errno in REASONS and not isinstance(error, FileWriteError):
            raise FileWriteError(path, error, existed) from error
        raise
    finally:
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)
    if hasattr(os, "O_DIRECTORY"):  # POSIX: make the rename durable
        folder = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def write_text_atomically(path: str | os.PathLike, text: str) -> None:
    """:func:`write_atomically` for a UTF-8 text file (a report, a TSV, a JSON)."""
    write_atomically(path, lambda stream: stream.write(text.encode("utf-8")))


def write_figure_atomically(figure: object, path: str | os.PathLike, **savefig_options: object) -> None:
    """:func:`write_atomically` for a matplotlib ``figure``, in the format ``path``'s extension names (PNG by default)."""
    kind = os.path.splitext(os.fspath(path))[1].lstrip(".").lower() or "png"
    write_atomically(path, lambda stream: figure.savefig(stream, format=kind, **savefig_options))
