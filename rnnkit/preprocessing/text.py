"""Keras's word-level text preprocessing (``keras.preprocessing.text``): ``Tokenizer`` and friends.

The semantics are Keras's to the detail, because tutorials print and compare their results:

* a text is lower-cased, every character of ``filters`` becomes ``split``, and it is split on
  ``split`` with empty pieces dropped (Korean text therefore splits on spaces, after filtering);
* ``word_index`` numbers words from 1 by falling count; words of equal count keep the order in
  which they were first seen; with ``oov_token`` that token is index 1;
* ``num_words`` does not shrink the vocabulary: it is applied when converting, where a word of
  index ``>= num_words`` is dropped (or becomes the OOV index when there is an ``oov_token``).

One intended difference: ``word_docs`` (and so ``index_docs``) lists words in the order each
document first shows them, where Keras iterates a Python ``set`` (whose order changes from one
process to the next); the counts are Keras's.
"""

from __future__ import annotations

import collections
import hashlib
import json
import warnings
from typing import Any, Callable, Iterable, Iterator, Sequence

import numpy as np

DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
MATRIX_MODES = ("binary", "count", "tfidf", "freq")


def text_to_word_sequence(input_text: str, filters: str = DEFAULT_FILTERS, lower: bool = True, split: str = " ") -> list[str]:
    """The words of one text: lower-cased, ``filters`` characters replaced by ``split``, split."""
    _check_text(input_text, "input_text")
    if lower:
        input_text = input_text.lower()
    input_text = input_text.translate(str.maketrans({c: split for c in filters}))
    return [word for word in input_text.split(split) if word]


def hashing_trick(text: str, n: int, hash_function: Callable[[str], int] | str | None = None,
                  filters: str = DEFAULT_FILTERS, lower: bool = True, split: str = " ",
                  analyzer: Callable[[str], list[str]] | None = None) -> list[int]:
    """Each word as ``hash(word) % (n - 1) + 1``: indices in ``[1, n)`` without a vocabulary.

    ``hash_function='md5'`` gives the same indices in every process; the default (Python's
    ``hash``) changes between processes unless ``PYTHONHASHSEED`` is fixed, as in Keras.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"hashing_trick: `n` (the size of the index space) must be an integer >= 2; got {n!r}")
    if hash_function is None:
        hash_function = hash
    elif hash_function == "md5":
        hash_function = _md5_int
    words = analyzer(text) if analyzer is not None else text_to_word_sequence(text, filters, lower, split)
    return [hash_function(word) % (n - 1) + 1 for word in words]


def one_hot(input_text: str, n: int, filters: str = DEFAULT_FILTERS, lower: bool = True, split: str = " ",
            analyzer: Callable[[str], list[str]] | None = None) -> list[int]:
    """Keras's ``one_hot``: :func:`hashing_trick` with Python's ``hash`` (word indices, not vectors)."""
    return hashing_trick(input_text, n, hash_function=hash, filters=filters, lower=lower, split=split, analyzer=analyzer)


def _md5_int(word: str) -> int:
    return int(hashlib.md5(word.encode()).hexdigest(), 16)


def _check_text(text: Any, argument: str) -> None:
    if not isinstance(text, str):
        raise ValueError(f"{argument} must be a string; got {type(text).__name__} {text!r:.60}")


class Tokenizer:
    """Keras's ``Tokenizer``: a word (or character) vocabulary fitted on texts, and conversions.

    >>> tokenizer = Tokenizer(num_words=3, oov_token="<OOV>")
    >>> tokenizer.fit_on_texts(["the cat sat", "the cat ran", "a dog"])
    >>> tokenizer.word_index["the"], tokenizer.texts_to_sequences(["the dog sat"])
    (2, [[2, 1, 1]])
    """

    def __init__(self, num_words: int | None = None, filters: str = DEFAULT_FILTERS, lower: bool = True,
                 split: str = " ", char_level: bool = False, oov_token: str | None = None,
                 analyzer: Callable[[str], list[str]] | None = None, **kwargs: Any):
        if "nb_words" in kwargs:
            warnings.warn("Tokenizer: the `nb_words` argument has been renamed `num_words`", stacklevel=2)
            num_words = kwargs.pop("nb_words")
        document_count = kwargs.pop("document_count", 0)
        if kwargs:
            raise TypeError(f"Tokenizer() got unexpected keyword argument(s) {sorted(kwargs)}")
        if num_words is not None and (isinstance(num_words, bool) or not isinstance(num_words, (int, np.integer))
                                      or num_words < 1):
            raise ValueError(
                f"Tokenizer: `num_words` must be None (keep every word) or an integer >= 1; got {num_words!r}"
            )
        self.num_words = num_words
        self.filters = filters
        self.lower = lower
        self.split = split
        self.char_level = char_level
        self.oov_token = oov_token
        self.analyzer = analyzer
        self.document_count = document_count
        self.word_counts: collections.OrderedDict[str, int] = collections.OrderedDict()
        self.word_docs: collections.defaultdict[str, int] = collections.defaultdict(int)
        self.index_docs: collections.defaultdict[int, int] = collections.defaultdict(int)
        self.word_index: dict[str, int] = {}
        self.index_word: dict[int, str] = {}

    # ----- fitting ---------------------------------------------------------------------------
    def fit_on_texts(self, texts: Iterable[str | list[str]]) -> None:
        """Count words over ``texts`` (strings, or lists of tokens) and renumber ``word_index``."""
        for position, text in enumerate(texts):
            words = self._words(text, position, "fit_on_texts")
            self.document_count += 1
            for word in words:
                self.word_counts[word] = self.word_counts.get(word, 0) + 1
            for word in dict.fromkeys(words):
                self.word_docs[word] += 1
        by_count = sorted(self.word_counts.items(), key=lambda item: item[1], reverse=True)  # stable: ties keep first-seen order
        vocabulary = ([] if self.oov_token is None else [self.oov_token]) + [word for word, _ in by_count]
        self.word_index = dict(zip(vocabulary, range(1, len(vocabulary) + 1)))
        self.index_word = {index: word for word, index in self.word_index.items()}
        for word, count in self.word_docs.items():
            self.index_docs[self.word_index[word]] = count

    def fit_on_sequences(self, sequences: Sequence[Sequence[int]]) -> None:
        """Count documents per index from sequences of indices (for ``tfidf`` without texts)."""
        self.document_count += len(sequences)
        for sequence in sequences:
            for index in set(sequence):
                self.index_docs[index] += 1

    def _words(self, text: Any, position: int, method: str) -> list[str] | str:
        """The tokens of one text as Keras forms them (characters for ``char_level``)."""
        if isinstance(text, list):
            for token in text:
                if not isinstance(token, str):
                    raise ValueError(
                        f"Tokenizer.{method}: texts[{position}] is a list of tokens, which must all be "
                        f"strings; it holds {type(token).__name__} {token!r:.60}"
                    )
            return [token.lower() for token in text] if self.lower else text
        if not isinstance(text, str):
            raise ValueError(
                f"Tokenizer.{method}: texts must be strings (or lists of token strings); texts[{position}] "
                f"is {type(text).__name__} {text!r:.60}"
            )
        if self.char_level:
            return text.lower() if self.lower else text
        if self.analyzer is not None:
            return self.analyzer(text)
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    # ----- converting ------------------------------------------------------------------------
    def texts_to_sequences(self, texts: Iterable[str | list[str]]) -> list[list[int]]:
        """Each text as a list of word indices (see the module docstring for ``num_words``)."""
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts: Iterable[str | list[str]]) -> Iterator[list[int]]:
        oov_index = self.word_index.get(self.oov_token)
        for position, text in enumerate(texts):
            sequence = []
            for word in self._words(text, position, "texts_to_sequences"):
                index = self.word_index.get(word)
                if index is not None and not (self.num_words and index >= self.num_words):
                    sequence.append(index)
                elif oov_index is not None and (index is not None or self.oov_token is not None):
                    sequence.append(oov_index)
            yield sequence

    def sequences_to_texts(self, sequences: Iterable[Sequence[int]]) -> list[str]:
        """Each sequence of indices as its words joined by spaces (unknown indices dropped or OOV)."""
        return list(self.sequences_to_texts_generator(sequences))

    def sequences_to_texts_generator(self, sequences: Iterable[Sequence[int]]) -> Iterator[str]:
        oov_index = self.word_index.get(self.oov_token)
        for sequence in sequences:
            words = []
            for index in sequence:
                word = self.index_word.get(index)
                if word is not None and not (self.num_words and index >= self.num_words):
                    words.append(word)
                elif oov_index is not None and (word is not None or self.oov_token is not None):
                    words.append(self.index_word[oov_index])
            yield " ".join(words)

    def texts_to_matrix(self, texts: Iterable[str | list[str]], mode: str = "binary") -> np.ndarray:
        """``(len(texts), num_words)`` float64 bag of words; see :meth:`sequences_to_matrix`."""
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences: Sequence[Sequence[int]], mode: str = "binary") -> np.ndarray:
        """``(len(sequences), num_words)`` float64: column ``j`` scores index ``j`` in each sequence.

        ``binary``: 1 if present; ``count``: occurrences; ``freq``: occurrences / sequence length;
        ``tfidf``: ``(1 + log(count)) * log(1 + documents / (1 + documents with j))``. Without
        ``num_words`` the width is ``len(word_index) + 1``; indices past the width are ignored.
        """
        if mode not in MATRIX_MODES:
            raise ValueError(f"Tokenizer: `mode` must be one of {MATRIX_MODES}; got {mode!r}")
        if self.num_words:
            width = self.num_words
        elif self.word_index:
            width = len(self.word_index) + 1
        else:
            raise ValueError("Tokenizer: give `num_words` or fit on some texts before making a matrix")
        if mode == "tfidf" and not self.document_count:
            raise ValueError("Tokenizer: fit on some data before using mode='tfidf' (document_count is 0)")
        matrix = np.zeros((len(sequences), width))
        for row, sequence in enumerate(sequences):
            counts = collections.Counter(index for index in sequence if index < width)
            for index, count in counts.items():
                if mode == "count":
                    matrix[row, index] = count
                elif mode == "freq":
                    matrix[row, index] = count / len(sequence)
                elif mode == "binary":
                    matrix[row, index] = 1
                else:
                    idf = np.log(1 + self.document_count / (1 + self.index_docs.get(index, 0)))
                    matrix[row, index] = (1 + np.log(count)) * idf
        return matrix

    # ----- serialisation ----------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """Keras's config: the settings, and the counts and indices as JSON strings."""
        return {
            "num_words": self.num_words,
            "filters": self.filters,
            "lower": self.lower,
            "split": self.split,
            "char_level": self.char_level,
            "oov_token": self.oov_token,
            "document_count": self.document_count,
            "word_counts": json.dumps(self.word_counts),
            "word_docs": json.dumps(self.word_docs),
            "index_docs": json.dumps(self.index_docs),
            "index_word": json.dumps(self.index_word),
            "word_index": json.dumps(self.word_index),
        }

    def to_json(self, **kwargs: Any) -> str:
        """``{"class_name": "Tokenizer", "config": ...}`` as a string; ``kwargs`` go to ``json.dumps``."""
        return json.dumps({"class_name": type(self).__name__, "config": self.get_config()}, **kwargs)


def tokenizer_from_json(json_string: str) -> Tokenizer:
    """A :class:`Tokenizer` from :meth:`Tokenizer.to_json`'s string (the analyzer is not saved)."""
    try:
        config = dict(json.loads(json_string)["config"])
        counts = {key: json.loads(config.pop(key)) for key in ("word_counts", "word_docs", "index_docs", "index_word", "word_index")}
    except (TypeError, KeyError, ValueError) as error:
        raise ValueError(f"tokenizer_from_json: expected the string of Tokenizer.to_json(); {type(error).__name__}: {error}") from None
    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = collections.OrderedDict(counts["word_counts"])
    tokenizer.word_docs = collections.defaultdict(int, counts["word_docs"])
    tokenizer.index_docs = collections.defaultdict(int, {int(k): v for k, v in counts["index_docs"].items()})
    tokenizer.index_word = {int(k): v for k, v in counts["index_word"].items()}
    tokenizer.word_index = counts["word_index"]
    return tokenizer
