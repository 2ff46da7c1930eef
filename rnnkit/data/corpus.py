"""Text to train on: any text file or folder of files, or the default corpus that ships with the install.

The default corpus is Shakespeare's 38 plays as plain play text (``HAMLET:`` before each speech,
stage directions in brackets), shipped inside the package as ``shakespeare/plays.txt.xz``.
"""

from __future__ import annotations

import lzma
import os
from pathlib import Path

from .tokenizers import normalize

TEXT_SUFFIXES = (".txt", ".md", ".text", ".rst", "")


def read_text_file(path: str | os.PathLike) -> str:
    """A UTF-8 text file's text, NFC-normalised; a clear error for empty or binary files."""
    path = Path(path)
    data = path.read_bytes()
    if not data.strip():
        raise ValueError(f"{path}: the file is empty; there is no text to train on")
    if b"\x00" in data[:65536]:
        raise ValueError(f"{path}: looks like a binary file (it contains NUL bytes); give a UTF-8 text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not UTF-8 text (undecodable byte at offset {error.start}); give a UTF-8 text file") from None
    controls = sum(1 for c in text[:65536] if ord(c) < 32 and c not in "\n\r\t\f")
    if controls > 0.01 * min(len(text), 65536):
        raise ValueError(f"{path}: looks like a binary file ({controls} control characters); give a UTF-8 text file")
    return normalize(text)


def read_text(path: str | os.PathLike) -> str:
    """The text of a file, or of every text file under a folder (sorted by path, joined by blank lines)."""
    path = Path(path)
    if not path.exists():
        raise ValueError(f"--data {path}: no such file or folder")
    if path.is_file():
        return read_text_file(path)
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES and not p.name.startswith("."))
    if not files:
        raise ValueError(f"--data {path}: the folder holds no text files ({', '.join(s or 'no suffix' for s in TEXT_SUFFIXES)})")
    return "\n\n".join(read_text_file(p).strip("\n") for p in files) + "\n"


SHAKESPEARE = Path(__file__).with_name("shakespeare") / "plays.txt.xz"


def default_corpus() -> tuple[str, str]:
    """``(text, description)`` of the bundled corpus: Shakespeare's 38 plays (5.0M characters).

    Package data, xz-compressed (1.5 MB); ``shakespeare/README.md`` says where the text comes from.
    """
    text = lzma.decompress(SHAKESPEARE.read_bytes()).decode("utf-8")
    return text, "Shakespeare's plays (38, bundled with rnnkit)"


def load_corpus(data: str | os.PathLike | None) -> tuple[str, str]:
    """``(text, description)`` for ``--data`` (a file or folder), or the default corpus when ``None``."""
    if data is None:
        return default_corpus()
    text = read_text(data)
    return text, str(data)


def split_held_out(ids: list[int], fraction: float = 0.1) -> tuple[list[int], list[int]]:
    """The first ``1 - fraction`` of the ids to train on and the last ``fraction`` held out."""
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"the held-out fraction must be between 0 and 1; got {fraction}")
    cut = int(len(ids) * (1.0 - fraction))
    return ids[:cut], ids[cut:]
