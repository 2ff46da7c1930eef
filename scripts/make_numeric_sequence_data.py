"""Write the bundled Japanese Vowels set (rnnkit/tasks/classification/data/) from the .ts files in an sktime wheel.

sktime ships the UEA/UCR copy of UCI's Japanese Vowels as ``sktime/datasets/data/JapaneseVowels/
JapaneseVowels_{TRAIN,TEST}.ts``; rnnkit does not depend on sktime, so the files are read out of
the wheel (a zip) once, here, and saved as two small NPZ files that ``read_feature_sequences``
reads. Run from the project root (pip reaches PyPI only for the download)::

    .venv/bin/python -m pip download --no-deps sktime==1.2.0 -d /tmp/sktime
    .venv/bin/python scripts/make_numeric_sequence_data.py /tmp/sktime/sktime-1.2.0-py3-none-any.whl

Each file holds ``x`` float32 ``(N, T, 12)`` (T: the file's longest utterance) zero-padded after
each utterance's end, ``y`` int64 ``(N,)`` the speaker 1-9, and ``lengths`` int64 ``(N,)``. A directory that holds
``sktime/`` (an installed site-packages) works in place of the wheel.
"""

from __future__ import annotations

import argparse
import zipfile
from pathlib import Path

import numpy as np

INSIDE = "sktime/datasets/data/JapaneseVowels/JapaneseVowels_{part}.ts"
OUT = Path(__file__).resolve().parents[1] / "rnnkit" / "tasks" / "classification" / "data"


def read_ts_text(source: Path, part: str) -> str:
    name = INSIDE.format(part=part)
    if source.is_dir():
        return (source / name).read_text(encoding="utf-8")
    with zipfile.ZipFile(source) as wheel:
        return wheel.read(name).decode("utf-8")


def parse_ts(text: str, where: str) -> tuple[list[np.ndarray], list[int]]:
    """A multivariate ``.ts`` file's cases: ``dim1 values:dim2 values:...:label`` after ``@data``."""
    sequences, labels = [], []
    in_data = False
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not in_data:
            in_data = line.lower() == "@data"
            continue
        *dimensions, label = line.split(":")
        try:
            rows = [[float(v) for v in d.split(",")] for d in dimensions]
        except ValueError:
            raise ValueError(f"{where}, line {number}: a value is not a number (missing values are not expected)") from None
        if len({len(r) for r in rows}) != 1:
            raise ValueError(f"{where}, line {number}: dimensions of different lengths")
        sequences.append(np.array(rows, dtype=np.float32).T)  # (T, F)
        labels.append(int(label))
    return sequences, labels


def write_npz(path: Path, sequences: list[np.ndarray], labels: list[int]) -> None:
    lengths = np.array([len(s) for s in sequences], dtype=np.int64)
    x = np.zeros((len(sequences), lengths.max(), sequences[0].shape[1]), dtype=np.float32)  # (N, T, F)
    for i, s in enumerate(sequences):
        x[i, : len(s)] = s
    np.savez_compressed(path, x=x, y=np.array(labels, dtype=np.int64), lengths=lengths)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=Path, help="an sktime wheel (.whl) or a directory holding sktime/")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    for part in ("TRAIN", "TEST"):
        sequences, labels = parse_ts(read_ts_text(args.source, part), f"{args.source}:{INSIDE.format(part=part)}")
        path = OUT / f"japanese_vowels_{part.lower()}.npz"
        write_npz(path, sequences, labels)
        lengths = [len(s) for s in sequences]
        print(f"{path}: {len(sequences)} utterances, {sequences[0].shape[1]} features, lengths {min(lengths)}-{max(lengths)}, "
              f"{len(set(labels))} speakers, {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
