"""``keras.preprocessing.sequence``: ``pad_sequences`` (also ``keras.utils.pad_sequences``), and the
Keras 2 word2vec helpers ``skipgrams`` and ``make_sampling_table`` that Keras 3 still ships.

Sequences of different lengths become one array ``(num_samples, maxlen, *sample_shape)`` that an
``Embedding(mask_zero=True)`` + recurrent stack can take: each sequence is cut to ``maxlen`` at
the start (``truncating='pre'``) or the end (``'post'``), then filled with ``value`` before it
(``padding='pre'``, the Keras default, so the last real step sits at the end) or after it.
"""

from __future__ import annotations

import random
from typing import Any, Sequence

import numpy as np


def pad_sequences(sequences: Any, maxlen: int | None = None, dtype: Any = "int32", padding: str = "pre",
                  truncating: str = "pre", value: Any = 0.0) -> np.ndarray:
    """Pad or cut every sequence to ``maxlen`` (default: the longest one); Keras's rules exactly.

    ``sequences``: a list (or array) of sequences; a sequence may hold scalars or equal-shaped
    items (vectors), and its items' shape ``sample_shape`` is taken from the first non-empty one.
    ``dtype``: the output's NumPy dtype; text (``str``/``bytes`` dtypes, or ``object`` for strings
    of any length) may be padded with a string ``value``.
    Returns an array ``(len(sequences), maxlen, *sample_shape)``.
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError(f"pad_sequences: `sequences` must be a list of sequences; got {type(sequences).__name__}")
    for name, given in (("padding", padding), ("truncating", truncating)):
        if given not in ("pre", "post"):
            raise ValueError(f"pad_sequences: `{name}` must be 'pre' or 'post'; got {given!r}")
    if maxlen is not None and (isinstance(maxlen, bool) or not isinstance(maxlen, (int, np.integer)) or maxlen < 1):
        raise ValueError(f"pad_sequences: `maxlen` must be None or a positive integer; got {maxlen!r}")
    lengths, sample_shape = _lengths_and_sample_shape(sequences)
    if maxlen is None:
        maxlen = max(lengths, default=0)
    is_text_dtype = np.issubdtype(dtype, np.str_) or np.issubdtype(dtype, np.bytes_)
    if isinstance(value, str) and dtype is not object and not is_text_dtype:
        raise ValueError(
            f"pad_sequences: `dtype` {dtype} cannot hold the string `value` {value!r}; use dtype=object "
            "for strings of any length"
        )
    out = np.full((len(sequences), int(maxlen), *sample_shape), value, dtype=dtype)
    for row, sequence in enumerate(sequences):
        if not len(sequence):
            continue
        kept = np.asarray(sequence[-maxlen:] if truncating == "pre" else sequence[:maxlen], dtype=dtype)
        if kept.shape[1:] != sample_shape:
            raise ValueError(
                f"pad_sequences: the items of sequence {row} have shape {kept.shape[1:]}; the first "
                f"non-empty sequence's items have shape {sample_shape}, and all must match"
            )
        if padding == "post":
            out[row, : len(kept)] = kept
        else:
            out[row, -len(kept):] = kept
    return out


def _lengths_and_sample_shape(sequences: Any) -> tuple[list[int], tuple[int, ...]]:
    """Every sequence's length, and the shape of one item of the first non-empty sequence."""
    lengths: list[int] = []
    sample_shape: tuple[int, ...] | None = None
    for row, sequence in enumerate(sequences):
        if isinstance(sequence, (str, bytes)) or not hasattr(sequence, "__len__"):
            raise ValueError(
                "pad_sequences: `sequences` must be a list of sequences (lists or arrays of numbers); "
                f"sequences[{row}] is {type(sequence).__name__} {sequence!r:.60}"
            )
        lengths.append(len(sequence))
        if sample_shape is None and len(sequence):
            try:
                sample_shape = np.asarray(sequence).shape[1:]
            except ValueError as error:
                raise ValueError(
                    f"pad_sequences: sequences[{row}] is ragged inside (its items differ in shape): {error}"
                ) from None
    return lengths, sample_shape or ()


def make_sampling_table(size: int, sampling_factor: float = 1e-5) -> np.ndarray:
    """Keras's word2vec subsampling table ``(size,)``: the keep probability of the word of rank ``i``.

    Word frequencies are approximated by Zipf's law (rank 0 counts as rank 1); the table is
    ``min(1, sqrt(sampling_factor * inv_fq))`` with ``inv_fq = i (ln i + gamma) + 1/2 - 1/(12 i)``.
    """
    rank = np.arange(size)
    rank[0] = 1
    inv_fq = rank * (np.log(rank) + 0.577) + 0.5 - 1.0 / (12.0 * rank)
    f = sampling_factor * inv_fq
    return np.minimum(1.0, f / np.sqrt(f))


def skipgrams(sequence: Sequence[int], vocabulary_size: int, window_size: int = 4, negative_samples: float = 1.0,
              shuffle: bool = True, categorical: bool = False, sampling_table: np.ndarray | None = None,
              seed: int | None = None) -> tuple[list[list[int]], list]:
    """Keras's skip-gram pairs: ``([[word, context], ...], labels)`` with 1 for a real context word
    within ``window_size`` and 0 for a random one (``negative_samples`` of them per real pair).

    Index 0 (padding) is never a word. Randomness comes from Python's ``random`` module, called in
    Keras's order, so ``random.seed(n)`` before the call (or ``seed=``) gives Keras's pairs exactly.
    ``categorical=True`` gives labels ``[0, 1]`` (real) and ``[1, 0]`` (negative).
    """
    if isinstance(vocabulary_size, bool) or not isinstance(vocabulary_size, (int, np.integer)) or vocabulary_size < 2:
        raise ValueError(f"skipgrams: `vocabulary_size` must be an integer >= 2; got {vocabulary_size!r}")
    positive, negative = ([0, 1], [1, 0]) if categorical else (1, 0)
    couples: list[list[int]] = []
    for i, word in enumerate(sequence):
        if not word or (sampling_table is not None and sampling_table[word] < random.random()):
            continue
        for j in range(max(0, i - window_size), min(len(sequence), i + window_size + 1)):
            if j != i and sequence[j]:
                couples.append([word, sequence[j]])
    labels: list = [positive] * len(couples)
    if negative_samples > 0:
        count = int(len(labels) * negative_samples)
        words = [couple[0] for couple in couples]
        random.shuffle(words)
        couples += [[words[i % len(words)], random.randint(1, vocabulary_size - 1)] for i in range(count)]
        labels += [negative] * count
    if shuffle:
        if seed is None:
            seed = random.randint(0, 10_000_000)
        random.seed(seed)
        random.shuffle(couples)
        random.seed(seed)
        random.shuffle(labels)
    return couples, labels
