"""What Keras's ``imdb`` and ``reuters`` loaders do to their word-index lists, in one place.

The files store each text as a list of word ranks (1 = most frequent word). Keras then shifts
every rank by ``index_from`` and puts ``start_char`` first (so 0 stays the padding value and
1, 2 mark the start and out-of-vocabulary words), drops texts with ``maxlen`` or more entries
(``len(x) < maxlen`` is kept, counting the start mark), and maps every index outside
``[skip_top, num_words)`` to ``oov_char`` (or drops it when ``oov_char=None``). The shuffle is
``np.random.RandomState(seed)`` over the sample order, Keras's seed 113 by default.
"""

from __future__ import annotations

import json
from typing import Any, Sequence

import numpy as np

from .cache import get_file


def shuffled(rng: np.random.RandomState, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.arange(len(x))
    rng.shuffle(order)
    return x[order], y[order]


def shift(texts: Sequence[Sequence[int]], start_char: int | None, index_from: int) -> list[list[int]]:
    """Every index plus ``index_from``, with ``start_char`` in front when it is not None."""
    head = [] if start_char is None else [start_char]
    return [head + [int(w) + index_from for w in text] for text in texts]


def shorter_than(maxlen: int, texts: list[list[int]], labels: Sequence[Any]) -> tuple[list[list[int]], list[Any]]:
    kept = [(text, label) for text, label in zip(texts, labels) if len(text) < maxlen]
    return [t for t, _ in kept], [label for _, label in kept]


def cap_vocabulary(texts: list[list[int]], num_words: int | None, skip_top: int, oov_char: int | None) -> list[list[int]]:
    """Indices outside ``[skip_top, num_words)`` become ``oov_char`` (dropped if it is None).

    ``num_words=None`` (or 0) keeps every index: it becomes the largest index in ``texts``.
    """
    if not num_words:
        num_words = max((max(text) for text in texts if text), default=0)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in text] for text in texts]
    return [[w for w in text if skip_top <= w < num_words] for text in texts]


def object_array(texts: list[list[int]]) -> np.ndarray:
    """A 1-D object array of lists (always 1-D, even when every list has the same length)."""
    out = np.empty(len(texts), dtype=object)
    for i, text in enumerate(texts):
        out[i] = text
    return out


def check_arguments(num_words: Any, skip_top: Any, maxlen: Any) -> None:
    if num_words is not None and (isinstance(num_words, bool) or not isinstance(num_words, int) or num_words < 0):
        raise ValueError(f"load_data: num_words must be None or a non-negative integer; got {num_words!r}")
    if isinstance(skip_top, bool) or not isinstance(skip_top, int) or skip_top < 0:
        raise ValueError(f"load_data: skip_top must be a non-negative integer; got {skip_top!r}")
    if maxlen is not None and (isinstance(maxlen, bool) or not isinstance(maxlen, int) or maxlen < 0):
        raise ValueError(f"load_data: maxlen must be None or a non-negative integer; got {maxlen!r}")


def read_word_index(path: str, origin: str) -> dict[str, int]:
    """The ``{word: rank}`` json of a dataset, from Keras's cache."""
    with open(get_file(fname=path, origin=origin), encoding="utf-8") as f:
        return json.load(f)

