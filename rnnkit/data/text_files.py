"""The one reader of a user's text data file (tables, tagged sentences): UTF-8 or a clear error naming the line.

A data file given to ``rnnkit train``/``eval``/``predict`` may be anything: empty, binary, UTF-16
or Latin-1. Each of those is refused here with a :class:`~rnnkit.errors.FileFormatError` that
names the file and the line of the first byte that is not UTF-8 text, so a reader after this one
deals only with text (NFC, ``\\n`` line ends). A file over the byte cap of :mod:`rnnkit.limits` is
refused before it is read.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import FileFormatError
from ..limits import check_bytes
from .tokenizers import normalize


def read_text(path: str | os.PathLike, argument: str = "--data") -> str:
    """The text of ``path`` (the file given as ``argument``), NFC with ``\\n`` line ends; never empty."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{argument} {path}: no such file")
    check_bytes(path, "size", path.stat().st_size)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileFormatError(path, field=_line_of(raw, error.start), expected="UTF-8 text",
                              found=f"byte 0x{raw[error.start]:02x} at offset {error.start} (UTF-16, Latin-1 or a binary file?)") from None
    nul = text.find("\x00")
    if nul >= 0:
        raise FileFormatError(path, field=_line_of(text, nul), expected="text", found="a NUL character (a binary file?)")
    if not text.strip():
        raise FileFormatError(path, "the file is empty" + (" (only blank lines)" if text else ""))
    return normalize(text)


def _line_of(content: bytes | str, offset: int) -> str:
    newline = b"\n" if isinstance(content, bytes) else "\n"
    return f"line {content.count(newline, 0, offset) + 1}"
