"""The caps a file's declared sizes are checked against before anything is allocated.

A hostile file can declare a 40 GB array in a few bytes (an NPZ header, an HDF5 dataset's shape, a
zip member's size, a word-vector header, a config's ``units``). Loaders call :func:`check_bytes`
with what the file declares and, where known, how many bytes are really there, before they read
or build anything. The cap is ``RNNKIT_MAX_BYTES`` (bytes; default 8 GiB) so a user with a real
large model can raise it.

:func:`load_json` is the one JSON reader for text that comes from a file: bounded in size and
nesting depth (Python's parser recurses, so a nesting bomb would otherwise end in a
``RecursionError``), and every failure is a :class:`~rnnkit.errors.FileFormatError` naming the file.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from .errors import FileFormatError, FileLimitError

MAX_BYTES_ENV = "RNNKIT_MAX_BYTES"
DEFAULT_MAX_BYTES = 8 << 30
MAX_JSON_BYTES = 64 << 20
MAX_JSON_DEPTH = 100

_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


def max_bytes() -> int:
    """The cap on what one file may make rnnkit allocate: ``$RNNKIT_MAX_BYTES`` or 8 GiB."""
    raw = os.environ.get(MAX_BYTES_ENV)
    if raw is None:
        return DEFAULT_MAX_BYTES
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{MAX_BYTES_ENV} must be a whole number of bytes; got {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{MAX_BYTES_ENV} must be positive; got {value}")
    return value


def check_bytes(path: str | os.PathLike, field: str, declared: int, present: int | None = None) -> None:
    """Refuse ``declared`` bytes (what ``field`` of the file says it holds) over the cap or over ``present``.

    ``present`` is how many bytes the file really has for it (``None`` when the data is compressed
    and only the cap applies).
    """
    if declared < 0:
        raise FileLimitError(path, field=field, expected="a size of zero or more bytes", found=declared)
    if declared > max_bytes():
        raise FileLimitError(
            path,
            field=field,
            expected=f"at most {max_bytes():,} bytes (the cap; set {MAX_BYTES_ENV} to raise it)",
            found=f"{declared:,} bytes declared",
        )
    if present is not None and declared > present:
        raise FileLimitError(path, field=field, expected=f"{declared:,} bytes as declared", found=f"only {present:,} in the file")


def load_json(path: str | os.PathLike, field: str, raw: bytes | str, max_size: int = MAX_JSON_BYTES, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse ``raw`` (the text of ``field`` in the file ``path``) as JSON, bounded in size and depth."""
    if len(raw) > max_size:
        raise FileLimitError(path, field=field, expected=f"JSON of at most {max_size:,} bytes", found=f"{len(raw):,} bytes")
    try:
        text = raw.decode("utf-8") if isinstance(raw, (bytes, bytearray)) else str(raw)
    except UnicodeDecodeError as error:
        raise FileFormatError(path, field=field, expected="UTF-8 JSON text", found=f"undecodable bytes ({error.reason} at byte {error.start})") from None
    depth = _nesting_depth(text)
    if depth > max_depth:
        raise FileLimitError(path, field=field, expected=f"JSON nested at most {max_depth} deep", found=f"{depth} levels")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        raise FileFormatError(path, field=field, expected="valid JSON", found=str(error)) from None


def _nesting_depth(text: str) -> int:
    """The deepest ``[``/``{`` nesting of ``text``, brackets inside strings not counted (linear time)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest
