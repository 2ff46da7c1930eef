"""Pretrained word vectors (word2vec text or binary, GloVe text) as the rows of an ``Embedding``.

Files are read with gensim's ``KeyedVectors.load_word2vec_format``, which parses the published
formats directly (no pickle): a ``.bin`` file is word2vec binary; a text file whose first line is
``COUNT DIMENSION`` is word2vec text; any other text file is GloVe (no header line). gensim's own
``.kv``/``.model`` files are pickles and are refused.

Rows for words the vectors lack are drawn from a normal distribution with the vectors' own mean
and standard deviation, so they start at the same scale; the padding row is zero.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ..errors import FileFormatError
from ..extras import require
from ..limits import check_bytes


@dataclass
class WordVectors:
    words: list[str]
    vectors: np.ndarray  # (count, dimension)
    path: str

    @property
    def dimension(self) -> int:
        return self.vectors.shape[1]


def vector_format(path: Path) -> str:
    """'binary', 'word2vec' (text with a header line) or 'glove' (text without one)."""
    if path.suffix.lower() in (".kv", ".model", ".pkl", ".pickle"):
        raise ValueError(f"--vectors {path}: gensim's {path.suffix} files are pickles, which rnnkit does not open; "
                         "save them with KeyedVectors.save_word2vec_format(path, binary=True) and give that file")
    if path.suffix.lower() == ".bin":
        return "binary"
    with open(path, "rb") as file:
        first = file.readline(1 << 20)
    try:
        fields = first.decode("utf-8").split()
    except UnicodeDecodeError:
        return "binary"
    return "word2vec" if len(fields) == 2 and all(f.isdigit() for f in fields) else "glove"


def read_vectors(path: str | os.PathLike) -> WordVectors:
    """The words and vectors of a word2vec (text or binary) or GloVe file."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"--vectors {path}: no such file")
    if path.stat().st_size == 0:
        raise ValueError(f"--vectors {path}: the file is empty")
    fmt = vector_format(path)
    if fmt != "glove":
        _check_header(path, fmt)
    KeyedVectors = require("gensim.models", "reading word vectors").KeyedVectors
    try:
        keyed = KeyedVectors.load_word2vec_format(str(path), binary=fmt == "binary", no_header=fmt == "glove", unicode_errors="replace")
    except (ValueError, EOFError, UnicodeDecodeError, IndexError) as error:
        raise FileFormatError(path, f"not a readable {fmt} vector file ({error})") from None
    return WordVectors(list(keyed.index_to_key), np.asarray(keyed.vectors, dtype=np.float32), str(path))


def _check_header(path: Path, fmt: str) -> None:
    """Refuse a ``COUNT DIMENSION`` header that asks for more than the cap or than the file can hold.

    gensim allocates ``COUNT x DIMENSION`` float32 values from the header before it reads a
    vector; each value takes 4 bytes of a binary file and at least 2 (a digit and a space) of a text one.
    """
    with open(path, "rb") as file:
        first = file.readline(1 << 10)
    fields = first.split()
    if len(fields) != 2 or not all(f.isdigit() for f in fields):
        raise FileFormatError(path, field="line 1", expected="a word2vec header 'COUNT DIMENSION'", found=repr(first[:40]))
    count, dimension = (int(f) for f in fields)
    if count < 1 or dimension < 1:
        raise FileFormatError(path, field="line 1", expected="a positive COUNT and DIMENSION", found=f"{count} {dimension}")
    check_bytes(path, "line 1 (COUNT x DIMENSION float32 values)", count * dimension * 4)
    check_bytes(path, "line 1 (COUNT x DIMENSION values)", count * dimension * (4 if fmt == "binary" else 2), present=path.stat().st_size)


def embedding_matrix(tokens: list[str], table: WordVectors, seed: int = 0) -> tuple[np.ndarray, int]:
    """``(matrix (len(tokens), dimension), rows found)``: each token's vector (exact, else lowercased);
    unknown rows drawn at the vectors' scale; row 0 (padding) zero."""
    index = {w: i for i, w in enumerate(table.words)}
    lowered: dict[str, int] = {}
    for i, w in enumerate(table.words):
        lowered.setdefault(w.lower(), i)
    rng = np.random.default_rng(seed)
    mean, std = float(table.vectors.mean()), float(table.vectors.std()) or 0.1
    matrix = rng.normal(mean, std, size=(len(tokens), table.dimension)).astype(np.float32)
    found = 0
    for row, token in enumerate(tokens):
        i = index.get(token, lowered.get(token.lower()))
        if i is not None and row > 0:
            matrix[row] = table.vectors[i]
            found += 1
    matrix[0] = 0.0
    return matrix, found


def load_vectors_into(embedding: torch.nn.Module, tokens: list[str], table: WordVectors, trainable: bool = True) -> str:
    """Copy the vectors of ``tokens`` (the vocabulary in id order) into a built ``Embedding``; a one-line note."""
    if embedding.output_dim != table.dimension:
        raise ValueError(f"--vectors {table.path}: {table.dimension}-dimensional vectors, but the embedding has {embedding.output_dim}")
    matrix, found = embedding_matrix(tokens, table)
    with torch.no_grad():
        embedding.embeddings.copy_(torch.from_numpy(matrix))
    embedding.trainable = trainable
    return f"{found:,} of {len(tokens):,} vocabulary rows from {table.path} ({'trainable' if trainable else 'frozen'})"
