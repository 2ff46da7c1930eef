"""A user's recordings: WAV (or any format ``soundfile`` reads) files listed with their transcripts in a TSV.

The transcript file has one ``file<TAB>text`` line per recording (an optional first line
``file<TAB>text`` is a header); a file path is relative to the TSV's folder. ``--data`` names the
TSV or a folder holding exactly one ``.tsv``. Every recording is read as mono at the model's
sample rate: several channels are mixed down (their mean), another rate is resampled with
``scipy.signal.resample_poly`` (a polyphase filter). Transcripts are normalised as the model
reads them: lowercase, runs of white space as one space.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...errors import FileFormatError
from ...extras import require


@dataclass(frozen=True)
class Recording:
    """One line of a transcript file: the audio's path, its text, and where the line is (for errors)."""

    path: Path
    text: str
    source: str  # "transcripts.tsv, line 3"


def normalise_text(text: str) -> str:
    """What a model hears as the transcript: lowercase, white space collapsed to single spaces."""
    return " ".join(text.lower().split())


def transcript_file(data: str | os.PathLike, argument: str = "--data") -> Path:
    """The TSV ``data`` names: itself, or the one ``.tsv`` inside the folder ``data``."""
    path = Path(data)
    if path.is_dir():
        found = sorted(path.glob("*.tsv"))
        if len(found) != 1:
            listed = ", ".join(p.name for p in found) or "none"
            raise ValueError(f"{argument} {path}: a folder of recordings needs exactly one transcript .tsv (file<TAB>text lines); "
                             f"found {listed}")
        return found[0]
    if not path.is_file():
        raise ValueError(f"{argument} {path}: no such file or folder")
    return path


def read_transcripts(data: str | os.PathLike, argument: str = "--data") -> list[Recording]:
    """Every ``file<TAB>text`` line of the transcript file; a clear error naming the line for a bad one."""
    tsv = transcript_file(data, argument)
    try:
        lines = tsv.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError as error:
        raise FileFormatError(tsv, f"not UTF-8 text (undecodable byte at offset {error.start})") from None
    recordings = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or (number == 1 and line.strip().lower().split("\t") == ["file", "text"]):
            continue
        where = f"line {number}"
        if "\t" not in line:
            raise FileFormatError(tsv, field=where, expected="file<TAB>transcript", found=repr(line[:60]))
        name, text = line.split("\t", 1)
        text = normalise_text(text)
        if not name.strip():
            raise FileFormatError(tsv, "no file name before the tab", field=where)
        if not text:
            raise FileFormatError(tsv, f"empty transcript for {name.strip()!r}", field=where)
        audio = tsv.parent / name.strip()
        if not audio.is_file():
            raise FileFormatError(tsv, f"no such audio file {str(audio)!r}", field=where)
        recordings.append(Recording(audio, text, f"{tsv}, {where}"))
    if not recordings:
        raise FileFormatError(tsv, "no file<TAB>transcript lines")
    return recordings


def read_audio(path: str | os.PathLike, sample_rate: int) -> np.ndarray:
    """Mono float64 samples ``(N,)`` in [-1, 1] at ``sample_rate``: channels mixed down, other rates resampled."""
    soundfile = require("soundfile", "reading audio files")
    if not Path(path).is_file():
        raise FileFormatError(path, "no such audio file")
    try:
        samples, rate = soundfile.read(os.fspath(path), dtype="float64", always_2d=True)  # (N, channels)
    except RuntimeError as error:  # soundfile's LibsndfileError is one
        raise FileFormatError(path, f"not an audio file soundfile can read ({error})") from None
    if len(samples) == 0:
        raise FileFormatError(path, "the recording holds no samples")
    mono = samples.mean(axis=1)
    if rate != sample_rate:
        signal = require("scipy.signal", f"resampling {path} from {rate} Hz to {sample_rate} Hz")
        common = math.gcd(int(rate), sample_rate)
        mono = signal.resample_poly(mono, sample_rate // common, int(rate) // common)
    if not np.isfinite(mono).all():
        raise FileFormatError(path, "the recording holds NaN or infinite samples")
    return mono
