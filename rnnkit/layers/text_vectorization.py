"""``TextVectorization``: raw strings to token indices or bags of words, as Keras's layer does.

The pipeline, each step Keras's exactly:

1. standardize: ``'lower_and_strip_punctuation'`` (default) lower-cases ASCII letters only (as
   TensorFlow's ``strings.lower`` does, so 'É' stays 'É') and deletes the 32 ASCII punctuation
   characters ``!"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~``; ``'lower'``, ``'strip_punctuation'``, ``None``,
   or a callable taking and returning a NumPy array of strings (of the input's shape);
2. split: ``'whitespace'`` (runs of ASCII whitespace, so Korean text splits on its spaces),
   ``'character'`` (Unicode code points), ``None`` (each string is one token), or a callable
   taking a 1-D NumPy array of strings and returning one sequence of tokens per string;
3. ``ngrams``: ``n`` adds all 1..n-grams, a tuple the listed widths (tokens joined by a space);
4. a :class:`~rnnkit.layers.lookup.StringLookup` with mask token ``""``: in ``'int'`` mode index 0
   is padding and 1 is ``[UNK]``; ``adapt`` keeps the ``max_tokens`` most frequent tokens.

Input: strings ``(batch,)`` or ``(batch, 1)`` (Python lists or NumPy str/bytes/object arrays).
Output (torch): int64 ``(batch, output_sequence_length or the longest row)`` padded with 0 in
``'int'`` mode; float32 ``(batch, depth)`` in ``'multi_hot'``, ``'count'``, ``'tf_idf'`` (the dtype
Keras declares; see :mod:`rnnkit.layers.lookup`). ``adapt``'s ``batch_size`` is accepted and, as in
Keras 3, unused.
"""

from __future__ import annotations

import re
import string
from typing import Any, Callable

import numpy as np
import torch

from .base import Layer
from .lookup import StringLookup, as_strings, canonical_output_mode, is_data_iterable

STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
SPLIT = ("whitespace", "character")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_PUNCTUATION = re.compile("[" + re.escape(string.punctuation) + "]")
_ASCII_UPPER = re.compile("[A-Z]")
_ASCII_WHITESPACE = re.compile("[ \t\n\r\v\f]+")  # TensorFlow's whitespace
_OTHER_SPACE = re.compile("[\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")  # str.split()'s others


class TextVectorization(Layer):
    """Keras's ``TextVectorization`` (see the module docstring); call :meth:`adapt` or give ``vocabulary``.

    >>> layer = TextVectorization(output_sequence_length=4)
    >>> layer.adapt(["The cat sat.", "the dog"])
    >>> layer(["the cat ran"]).tolist()
    [[2, 5, 1, 0]]
    """

    accepts_text = True

    def __init__(self, max_tokens: int | None = None,
                 standardize: str | Callable[[np.ndarray], Any] | None = "lower_and_strip_punctuation",
                 split: str | Callable[[np.ndarray], Any] | None = "whitespace", ngrams: int | tuple[int, ...] | None = None,
                 output_mode: str = "int", output_sequence_length: int | None = None, pad_to_max_tokens: bool = False,
                 vocabulary: Any = None, idf_weights: Any = None, sparse: bool = False, ragged: bool = False,
                 encoding: str = "utf-8", name: str | None = None, **kwargs: Any):
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        super().__init__(name=name, **kwargs)
        _check_choice(standardize, STANDARDIZE, "standardize")
        _check_choice(split, SPLIT, "split")
        output_mode = canonical_output_mode(output_mode, "TextVectorization", ("int", "multi_hot", "count", "tf_idf"))
        if not (ngrams is None or _is_int(ngrams) or (isinstance(ngrams, tuple) and ngrams and all(map(_is_int, ngrams)))):
            raise ValueError(f"TextVectorization: `ngrams` must be None, an integer or a tuple of integers; got {ngrams!r}")
        if output_sequence_length is not None:
            if output_mode != "int":
                raise ValueError(
                    "TextVectorization: `output_sequence_length` is only for output_mode='int'; got "
                    f"output_mode={output_mode!r}"
                )
            if not _is_int(output_sequence_length) or output_sequence_length < 1:
                raise ValueError(
                    f"TextVectorization: `output_sequence_length` must be None or a positive integer; got "
                    f"{output_sequence_length!r}"
                )
        if ragged:
            raise ValueError("TextVectorization: ragged=True needs TensorFlow's ragged tensors; rnnkit pads the rows")
        self._standardize, self._split, self._ngrams_arg = standardize, split, ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if _is_int(ngrams) else ngrams
        self._output_mode, self._output_sequence_length = output_mode, output_sequence_length
        self._encoding = encoding
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights, pad_to_max_tokens=pad_to_max_tokens,
            mask_token="", output_mode=output_mode, sparse=sparse, encoding=encoding,
            has_input_vocabulary=has_input_vocabulary, vocabulary_size=vocabulary_size,
        )
        self.built = True

    # ----- the vocabulary ---------------------------------------------------------------------
    def adapt(self, data: Any, batch_size: int | None = None, steps: int | None = None) -> None:
        """Learn the vocabulary from strings: a list/array ``(N,)`` or ``(N, 1)``, or an iterable of such batches."""
        lookup = self._lookup_layer
        lookup.reset_state()
        if is_data_iterable(data):
            for step, batch in enumerate(data):
                if steps is not None and step >= steps:
                    break
                lookup.update_state(self._token_rows(batch, "data"))
        else:
            lookup.update_state(self._token_rows(data, "data"))
        lookup.finalize_state()

    def get_vocabulary(self, include_special_tokens: bool = True) -> list[str]:
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights)

    def vocabulary_size(self) -> int:
        return self._lookup_layer.vocabulary_size()

    # ----- preprocessing ----------------------------------------------------------------------
    def _token_rows(self, data: Any, argument: str) -> list[list[str]]:
        """Standardized, split (and n-grammed) tokens of every string of ``data``, one list per row."""
        texts = as_strings(data, f"TextVectorization '{self.name}'", argument, self._encoding)
        if texts.ndim == 0:
            texts = texts.reshape(1)
        texts = self._standardized(texts)
        if self._split is None:
            rows = [row.reshape(-1).tolist() for row in (texts.reshape(-1, 1) if texts.ndim == 1 else texts)]
        else:
            if texts.ndim > 1:
                if texts.shape[-1] != 1 or texts.ndim > 2:
                    raise ValueError(
                        f"TextVectorization '{self.name}': to split strings, `{argument}` must have shape (batch,) "
                        f"or (batch, 1); got {texts.shape}"
                    )
                texts = texts[:, 0]
            rows = self._split_rows(texts)
        if self._ngrams is not None:
            rows = [[gram for n in self._ngrams for gram in _ngrams(row, n)] for row in rows]
        return rows

    def _standardized(self, texts: np.ndarray) -> np.ndarray:
        standardize = self._standardize
        if callable(standardize):
            return as_strings(standardize(texts.astype(str)), f"TextVectorization '{self.name}'", "standardize's result")
        flat = texts.reshape(-1).tolist()
        if standardize in ("lower", "lower_and_strip_punctuation"):
            flat = [text.translate(_ASCII_LOWER) if _ASCII_UPPER.search(text) else text for text in flat]
        if standardize in ("strip_punctuation", "lower_and_strip_punctuation"):
            flat = [_PUNCTUATION.sub("", text) for text in flat]
        out = np.empty(len(flat), dtype=object)
        out[:] = flat
        return out.reshape(texts.shape)

    def _split_rows(self, texts: np.ndarray) -> list[list[str]]:
        if self._split == "whitespace":
            return [[token for token in _ASCII_WHITESPACE.split(text) if token] if _OTHER_SPACE.search(text) else text.split()
                    for text in texts.tolist()]
        if self._split == "character":
            return [list(text) for text in texts.tolist()]
        rows = [list(tokens) for tokens in self._split(texts.astype(str))]
        if len(rows) != len(texts):
            raise ValueError(
                f"TextVectorization '{self.name}': the `split` callable must return one sequence of tokens per "
                f"string ({len(texts)}); it returned {len(rows)}"
            )
        return [as_strings(row, f"TextVectorization '{self.name}'", "split's result").tolist() for row in rows]

    # ----- calling ----------------------------------------------------------------------------
    def call(self, inputs: Any, mask: Any = None, training: bool = False) -> torch.Tensor:
        lookup = self._lookup_layer
        if self._split is None and self._ngrams is None:
            return torch.from_numpy(self._unsplit_output(inputs))
        scalar = isinstance(inputs, (str, bytes)) or (isinstance(inputs, np.ndarray) and inputs.ndim == 0)
        rows = self._token_rows(inputs, "inputs")
        lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
        flat = np.empty(int(lengths.sum()), dtype=object)
        flat[:] = [token for row in rows for token in row]
        indices = lookup.indices_of(flat)  # (total tokens,)
        row_of = np.repeat(np.arange(len(rows)), lengths)
        if self._output_mode == "int":
            length = self._output_sequence_length or int(lengths.max(initial=0))
            position = np.arange(len(flat)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
            kept = position < length
            out = np.zeros((len(rows), length), dtype=np.int64)
            out[row_of[kept], position[kept]] = indices[kept]
        else:
            out = lookup.bags(indices, row_of, len(rows))
        return torch.from_numpy(out[0] if scalar else out)

    def _unsplit_output(self, inputs: Any) -> np.ndarray:
        """With ``split=None`` every string is one token and the input keeps its shape, as in Keras:
        ``(batch,)`` gives ``(batch,)`` indices (or, in the bag modes, ONE bag of the whole batch);
        ``(batch, k)`` gives ``(batch, k)`` indices (padded/cut to ``output_sequence_length``) or
        ``(batch, depth)`` bags."""
        texts = self._standardized(as_strings(inputs, f"TextVectorization '{self.name}'", "inputs", self._encoding))
        indices = self._lookup_layer.indices_of(texts.reshape(-1) if texts.ndim == 0 else texts)
        if self._output_mode != "int":
            return self._lookup_layer.encode(indices)
        if indices.ndim == 1 and self._output_sequence_length is not None:
            raise ValueError(
                f"TextVectorization '{self.name}': with split=None and output_sequence_length, give inputs of "
                f"shape (batch, 1); got {indices.shape}"
            )
        if indices.ndim == 2 and self._output_sequence_length is not None:
            out = np.zeros((len(indices), self._output_sequence_length), dtype=np.int64)
            kept = indices[:, : self._output_sequence_length]
            out[:, : kept.shape[1]] = kept
            return out
        return indices

    def compute_output_shape(self, input_shape: Any) -> Any:
        if self._output_mode == "int":
            return (input_shape[0], self._output_sequence_length)
        lookup = self._lookup_layer
        return (input_shape[0], lookup.max_tokens if lookup.pad_to_max_tokens else lookup.vocabulary_size())

    def output_dtype(self, inputs: Any) -> torch.dtype:
        return torch.int64 if self._output_mode == "int" else torch.float32

    def get_config(self) -> dict[str, Any]:
        lookup = self._lookup_layer
        return {
            **super().get_config(),
            "max_tokens": lookup.max_tokens,
            "standardize": self._standardize,
            "split": self._split,
            "ngrams": self._ngrams_arg,
            "output_mode": self._output_mode,
            "output_sequence_length": self._output_sequence_length,
            "pad_to_max_tokens": lookup.pad_to_max_tokens,
            "sparse": False,
            "ragged": False,
            "vocabulary": lookup.get_config()["vocabulary"],
            "idf_weights": lookup.get_config()["idf_weights"],
            "encoding": self._encoding,
            "vocabulary_size": self.vocabulary_size(),
        }


def _check_choice(value: Any, allowed: tuple[str, ...], argument: str) -> None:
    if value is not None and not callable(value) and value not in allowed:
        raise ValueError(f"TextVectorization: `{argument}` must be None, a callable or one of {allowed}; got {value!r}")


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _ngrams(tokens: list[str], n: int) -> list[str]:
    return [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
