"""``keras.preprocessing.sequence.pad_sequences`` (also ``keras.utils.pad_sequences``).

Sequences of different lengths become one array ``(num_samples, maxlen, *sample_shape)`` that an
``Embedding(mask_zero=True)`` + recurrent stack can take: each sequence is cut to ``maxlen`` at
the start (``truncating='pre'``) or the end (``'post'``), then filled with ``value`` before it
(``padding='pre'``, the Keras default, so the last real step sits at the end) or after it.
"""

from __future__ import annotations

from typing import Any

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
