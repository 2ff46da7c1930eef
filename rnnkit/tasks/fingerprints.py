"""What a checkpoint keeps of the files a run read, instead of their paths.

A checkpoint never carries a path that a later command opens (a hostile or moved run folder would
otherwise make ``rnnkit eval`` or ``--resume`` read whatever file it names). It keeps a
fingerprint: the file's name (for messages), its size and SHA-256. A later command opens only the
files its user names and compares them with the fingerprint, to tell "the same data" from "other
data" (``--resume`` refuses other data; ``rnnkit eval`` scores the held-out part of the same data).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from ..errors import FileFormatError

_CHUNK = 1 << 20


def fingerprint(path: str | os.PathLike) -> dict[str, Any]:
    """``{"name", "bytes", "sha256"}`` of a file, or of every file under a folder (names and contents, sorted)."""
    path = Path(path)
    if not path.exists():
        raise ValueError(f"{path}: no such file or folder")
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    digest, size = hashlib.sha256(), 0
    for file in files:
        if file is not path:
            digest.update(str(file.relative_to(path)).encode("utf-8") + b"\0")
        with open(file, "rb") as stream:
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
    return {"name": path.name, "bytes": size, "sha256": digest.hexdigest()}


def checked_fingerprint(path: str | os.PathLike, field: str, value: Any) -> dict[str, Any] | None:
    """``value`` (read from ``field`` of the checkpoint ``path``) as a fingerprint or None; a FileFormatError otherwise."""
    if value is None:
        return None
    if (not isinstance(value, dict) or not isinstance(value.get("name"), str) or not isinstance(value.get("bytes"), int)
            or not isinstance(value.get("sha256"), str)):
        raise FileFormatError(path, field=field, expected="a data fingerprint {name, bytes, sha256} or null", found=repr(value)[:80])
    return value


def describe(stored: dict[str, Any]) -> str:
    """``name (N bytes, sha256 abcdef012345...)`` for messages."""
    return f"{stored['name']} ({stored['bytes']:,} bytes, sha256 {stored['sha256'][:12]}...)"
