"""``StringLookup`` and ``IntegerLookup``: a vocabulary of tokens as indices, as Keras builds it.

Index layout (Keras's): in ``output_mode='int'`` a ``mask_token`` takes index 0, then come
``num_oov_indices`` indices for tokens outside the vocabulary, then the vocabulary. In the other
modes there is no mask index (mask tokens are simply not counted), so the OOV indices start at 0.

``adapt(data)`` counts tokens and keeps the most frequent ones (at most ``max_tokens`` indices in
all); tokens of equal count are ordered by the token itself, largest first, as Keras's
lexicographic sort does (for strings, code-point order is the UTF-8 byte order TensorFlow compares). In
``tf_idf`` mode it also counts documents (rows of ``data``) to weigh each token by
``log(1 + documents / (1 + documents with the token))``; the OOV indices get the mean weight.

Inputs are text as Python or NumPy strings (torch has no string tensor) or integers; outputs are
torch tensors: int64 indices ``(same shape as the input)`` in ``int`` mode, float32
``(batch, depth)`` in ``multi_hot``/``count``/``tf_idf`` (``(..., depth)`` for ``one_hot``), where
``depth`` is ``vocabulary_size()`` (or ``max_tokens`` with ``pad_to_max_tokens``). Keras declares
float32 for those modes; its TensorFlow eager call returns the same values as int64 except in
``tf_idf``, and rnnkit keeps the declared float32, which a following ``Dense`` takes directly.
"""

from __future__ import annotations

import collections
import itertools
import os
from typing import Any, Iterable

import numpy as np
import torch

from ..preprocessing.fingerprint import fingerprint64
from .base import STRING, Layer

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
_NOT_COUNTED = np.iinfo(np.int64).max  # a mask token's index outside 'int' mode: past every depth
_MASK = -2  # what the lookup table gives for the mask token, before it becomes 0 or _NOT_COUNTED


def canonical_output_mode(output_mode: str, layer: str, allowed: tuple[str, ...] = OUTPUT_MODES) -> str:
    """Keras's spelling of ``output_mode`` ('binary' is 'multi_hot', 'tf-idf' is 'tf_idf'), checked."""
    mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
    if mode not in allowed:
        raise ValueError(f"{layer}: `output_mode` must be one of {allowed}; got {output_mode!r}")
    return mode


def is_data_iterable(data: Any) -> bool:
    """Whether ``adapt`` should read ``data`` as an iterable of batches (a generator, a dataset)."""
    return hasattr(data, "__iter__") and not isinstance(data, (list, tuple, np.ndarray, str, bytes, torch.Tensor))


class IndexLookup(Layer):
    """The vocabulary and the index arithmetic shared by :class:`StringLookup` and :class:`IntegerLookup`.

    Subclasses only say how keys are read (:meth:`keys_of`), which OOV index an unknown key takes
    when there are several (:meth:`oov_buckets`), and how inverted outputs are returned.
    """

    accepts_text = True

    def __init__(self, max_tokens: int | None = None, num_oov_indices: int = 1, mask_token: Any = None,
                 oov_token: Any = None, vocabulary: Any = None, idf_weights: Any = None, invert: bool = False,
                 output_mode: str = "int", pad_to_max_tokens: bool = False, sparse: bool = False,
                 name: str | None = None, **kwargs: Any):
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        frozen_vocab_size = kwargs.pop("vocabulary_size", None)
        super().__init__(name=name, **kwargs)
        self._frozen_vocab_size = frozen_vocab_size
        kind = type(self).__name__
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"{kind}: `max_tokens` must be None or greater than 1; got {max_tokens!r}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"{kind}: pad_to_max_tokens=True needs `max_tokens`")
        if isinstance(num_oov_indices, bool) or not isinstance(num_oov_indices, int) or num_oov_indices < 0:
            raise ValueError(f"{kind}: `num_oov_indices` must be an integer >= 0; got {num_oov_indices!r}")
        if sparse:
            raise ValueError(f"{kind}: sparse=True needs TensorFlow's sparse tensors; rnnkit gives dense outputs")
        output_mode = canonical_output_mode(output_mode, kind)
        if invert and output_mode != "int":
            raise ValueError(f"{kind}: invert=True needs output_mode='int'; got {output_mode!r}")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(f"{kind}: `idf_weights` is only for output_mode='tf_idf'; got {output_mode!r}")
        if output_mode == "tf_idf" and has_input_vocabulary and idf_weights is None:
            raise ValueError(f"{kind}: with `vocabulary` in output_mode='tf_idf', give `idf_weights` too")
        self.max_tokens, self.num_oov_indices = max_tokens, num_oov_indices
        self.mask_token, self.oov_token = mask_token, oov_token
        self.invert, self.output_mode, self.pad_to_max_tokens = invert, output_mode, pad_to_max_tokens
        self._has_input_vocabulary = has_input_vocabulary
        self.input_vocabulary = None if isinstance(vocabulary, (str, os.PathLike)) else vocabulary
        self.input_idf_weights = idf_weights
        self._tokens: list[Any] = []  # the vocabulary after the special indices, in index order
        self._table = self._table_of(self._tokens)
        self.idf_weights: np.ndarray | None = None  # (depth,) float32 in 'tf_idf' mode
        self.reset_state()
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    # ----- what a subclass says ---------------------------------------------------------------
    def keys_of(self, data: Any, argument: str) -> np.ndarray:
        """``data`` as an array of vocabulary keys (str objects or int64), shape kept."""
        raise NotImplementedError

    def oov_buckets(self, keys: list[Any]) -> np.ndarray:
        """Which of the ``num_oov_indices`` (> 1) OOV indices each unknown key takes, from 0."""
        raise NotImplementedError

    def inverted_output(self, tokens: np.ndarray) -> Any:
        raise NotImplementedError

    # ----- index layout -----------------------------------------------------------------------
    def _oov_start_index(self) -> int:
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self) -> int:
        return self._oov_start_index() + self.num_oov_indices

    def _special_tokens(self) -> list[Any]:
        return [self.mask_token] * self._oov_start_index() + [self.oov_token] * self.num_oov_indices

    def vocabulary_size(self) -> int:
        """Indices in use: the special ones and the vocabulary."""
        return self._token_start_index() + len(self._tokens)

    def get_vocabulary(self, include_special_tokens: bool = True) -> list[Any]:
        """The token of every index, in index order (mask and OOV tokens first, unless excluded)."""
        vocabulary = self._special_tokens() + list(self._tokens)
        return vocabulary if include_special_tokens else vocabulary[self._token_start_index():]

    def _depth(self) -> int:
        if self.pad_to_max_tokens:
            return self.max_tokens
        if self._frozen_vocab_size is None:
            raise RuntimeError(
                f"{type(self).__name__} '{self.name}': with output_mode={self.output_mode!r} and "
                "pad_to_max_tokens=False, set the vocabulary (vocabulary= or adapt()) before calling it"
            )
        return self._frozen_vocab_size

    # ----- setting the vocabulary ---------------------------------------------------------------
    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Use ``vocabulary`` (tokens, optionally led by the special tokens, or a file of lines)."""
        kind = type(self).__name__
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError(f"{kind}: output_mode='tf_idf' needs `idf_weights` with the vocabulary")
        if self.output_mode != "tf_idf" and idf_weights is not None:
            raise ValueError(f"{kind}: `idf_weights` is only for output_mode='tf_idf'; got {self.output_mode!r}")
        if isinstance(vocabulary, (str, os.PathLike)):
            if self.output_mode == "tf_idf":
                raise ValueError(f"{kind}: output_mode='tf_idf' cannot read its vocabulary from a file")
            if not os.path.isfile(vocabulary):
                raise ValueError(f"{kind}: the vocabulary file {os.fspath(vocabulary)!r} does not exist")
            with open(vocabulary, encoding="utf-8") as file:
                vocabulary = file.read().splitlines()
        given = [key for key in self.keys_of(vocabulary, "vocabulary").reshape(-1).tolist()]
        if not given:
            raise ValueError(f"{kind}: cannot set an empty vocabulary")
        start = self._token_start_index()
        found_special = given[:start] == self._special_tokens()
        tokens = given[start:] if found_special else given
        repeated = [token for token, count in collections.Counter(tokens).items() if count > 1]
        if repeated:
            raise ValueError(f"{kind}: the vocabulary repeats {repeated}; every token must appear once")
        if self.mask_token is not None and self.mask_token in tokens:
            raise ValueError(
                f"{kind}: the mask token {self.mask_token!r} is inside the vocabulary; leave the special "
                f"tokens out, or put them first in exactly this order: {self._special_tokens()}"
            )
        if self.oov_token is not None and self.invert and self.oov_token in tokens:
            raise ValueError(
                f"{kind}: the OOV token {self.oov_token!r} is inside the vocabulary; leave the special "
                f"tokens out, or put them first in exactly this order: {self._special_tokens()}"
            )
        if self.max_tokens is not None and start + len(tokens) > self.max_tokens:
            raise ValueError(
                f"{kind}: a vocabulary of {start + len(tokens)} indices is larger than max_tokens={self.max_tokens}"
            )
        self._set_tokens(tokens)
        if idf_weights is not None:
            weights = np.asarray(idf_weights, dtype=np.float64)
            if weights.ndim != 1 or len(weights) != len(given):
                raise ValueError(
                    f"{kind}: `idf_weights` must be 1-D with one weight per vocabulary entry ({len(given)}); "
                    f"got shape {weights.shape}"
                )
            front = 0 if found_special else start
            self._set_idf(weights, front, float(np.average(weights)))

    def _set_tokens(self, tokens: list[Any]) -> None:
        self._tokens = list(tokens)
        self._table = self._table_of(self._tokens)
        self._record_vocabulary_size()

    def _table_of(self, tokens: list[Any]) -> dict[Any, int]:
        """token -> index for the vocabulary ``tokens``, and the mask token -> ``_MASK``."""
        start = self._token_start_index()
        table = {token: start + i for i, token in enumerate(tokens)}
        if self.mask_token is not None:
            table[self.mask_token] = _MASK
        return table

    def _set_idf(self, weights: np.ndarray, front: int, front_value: float) -> None:
        """Pad token weights with ``front_value`` for the OOV indices and zeros up to ``max_tokens``."""
        back = self.max_tokens - front - len(weights) if self.pad_to_max_tokens else 0
        self.idf_weights = np.pad(weights.astype(np.float32), (front, back), constant_values=(front_value, 0))

    def _record_vocabulary_size(self) -> None:
        size = self.vocabulary_size()
        if self.output_mode != "int" and not self.pad_to_max_tokens and self._frozen_vocab_size not in (None, size):
            raise RuntimeError(
                f"{type(self).__name__} '{self.name}': with output_mode={self.output_mode!r} the vocabulary "
                f"size cannot change once set (it was {self._frozen_vocab_size}, now {size})"
            )
        self._frozen_vocab_size = size

    # ----- adapting ------------------------------------------------------------------------------
    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Learn the vocabulary from ``data``: an array or list (each row a document) or batches of them."""
        self.reset_state()
        if is_data_iterable(data):
            for step, batch in enumerate(data):
                if steps is not None and step >= steps:
                    break
                self.update_state(self._rows_of(batch, expand=False))
        else:
            self.update_state(self._rows_of(data, expand=True))
        self.finalize_state()

    def _rows_of(self, data: Any, expand: bool) -> list[list[Any]]:
        keys = self.keys_of(data, "data")
        if keys.ndim == 0 or (expand and keys.ndim == 1):  # Keras: a flat array is a column of documents
            keys = keys.reshape(-1, 1)
        elif keys.ndim == 1:
            keys = keys.reshape(1, -1)
        return [row.reshape(-1).tolist() for row in keys]

    def reset_state(self) -> None:
        self._counts: collections.Counter = collections.Counter()
        self._document_counts: collections.Counter = collections.Counter()
        self._documents = 0

    def update_state(self, rows: Iterable[list[Any]]) -> None:
        """Count the tokens of ``rows`` (one list of tokens per document)."""
        if self._has_input_vocabulary:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': cannot adapt a layer given a fixed `vocabulary`"
            )
        for row in rows:
            self._counts.update(row)
            if self.output_mode == "tf_idf":
                self._document_counts.update(set(row))
                self._documents += 1

    def finalize_state(self) -> None:
        """Keep the most frequent tokens (see the module docstring for ties and ``max_tokens``)."""
        if self._has_input_vocabulary or not self._counts:
            self._record_vocabulary_size()
            return
        for special in (self.mask_token, self.oov_token):
            self._counts.pop(special, None)
        ranked = sorted(self._counts, key=lambda token: (self._counts[token], token), reverse=True)
        if self.max_tokens:
            ranked = ranked[: self.max_tokens - self._token_start_index()]
        self._set_tokens(ranked)
        if self.output_mode == "tf_idf":
            documents = np.array([self._document_counts[token] for token in ranked], dtype=np.float64)
            weights = np.log(1 + self._documents / (1 + documents)).astype(np.float32)
            self._set_idf(weights, self._token_start_index(), float(np.mean(weights)) if len(weights) else 0.0)
        self.reset_state()

    # ----- calling ------------------------------------------------------------------------------
    def call(self, inputs: Any, mask: Any = None, training: bool = False) -> Any:
        if self.invert:
            return self.inverted_output(self._tokens_of(_as_indices(inputs, type(self).__name__)))
        indices = self.indices_of(self.keys_of(inputs, "inputs"))
        if self.output_mode == "int":
            return torch.from_numpy(indices)
        return torch.from_numpy(self.encode(indices))

    def indices_of(self, keys: np.ndarray) -> np.ndarray:
        """int64 indices of ``keys``, same shape (a mask token outside 'int' mode is past every depth)."""
        flat = keys.reshape(-1).tolist()
        found = np.fromiter(map(self._table.get, flat, itertools.repeat(-1)), dtype=np.int64, count=len(flat))
        found[found == _MASK] = 0 if self.output_mode == "int" else _NOT_COUNTED
        unknown = np.flatnonzero(found == -1)
        if len(unknown):
            if self.num_oov_indices == 0:
                missing = sorted({repr(flat[i]) for i in unknown[:10]})
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': with num_oov_indices=0 every input must be in the "
                    f"vocabulary; found {', '.join(missing)} (set num_oov_indices=1 to map them to an OOV index)"
                )
            buckets = self.oov_buckets([flat[i] for i in unknown]) if self.num_oov_indices > 1 else 0
            found[unknown] = self._oov_start_index() + buckets
        return found.reshape(keys.shape)

    def _tokens_of(self, indices: np.ndarray) -> np.ndarray:
        """The token of every index (inverse lookup): unknown indices give the OOV token."""
        start = self._token_start_index()
        flat = [
            self.mask_token if (index == 0 and self.mask_token is not None)
            else self._tokens[index - start] if start <= index < start + len(self._tokens)
            else self.oov_token
            for index in indices.reshape(-1).tolist()
        ]
        tokens = np.empty(len(flat), dtype=object)
        tokens[:] = flat
        return tokens.reshape(indices.shape)

    def encode(self, indices: np.ndarray) -> np.ndarray:
        """float32 encoding of int64 ``indices`` in this layer's ``output_mode`` (not 'int')."""
        if indices.ndim == 0:
            indices = indices.reshape(1)
        depth = self._depth()
        if self.output_mode == "one_hot":
            if indices.ndim > 1 and indices.shape[-1] == 1:
                indices = indices[..., 0]
            out = np.zeros((*indices.shape, depth), dtype=np.float32)
            valid = (indices >= 0) & (indices < depth)
            out.reshape(-1, depth)[np.flatnonzero(valid), indices[valid]] = 1
            return out
        if indices.ndim > 2:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': output_mode={self.output_mode!r} takes inputs of rank "
                f"1 or 2 (one bag per row); got shape {indices.shape}"
            )
        rows = len(indices) if indices.ndim == 2 else 1
        bags = self.bags(indices.reshape(-1), np.repeat(np.arange(rows), indices.size // max(rows, 1)), rows)
        return bags if indices.ndim == 2 else bags[0]

    def bags(self, indices: np.ndarray, row_of: np.ndarray, rows: int) -> np.ndarray:
        """``(rows, depth)`` float32 bags of flat ``indices`` (``row_of`` gives each one's row): counts
        ('count'), presence ('multi_hot') or counts weighed by ``idf_weights`` ('tf_idf'); indices
        past the depth (mask tokens) are skipped."""
        depth = self._depth()
        valid = (indices >= 0) & (indices < depth)
        out = np.zeros((rows, depth), dtype=np.float32)
        np.add.at(out, (row_of[valid], indices[valid]), 1)
        if self.output_mode == "multi_hot":
            np.minimum(out, 1, out=out)
        elif self.output_mode == "tf_idf":
            out *= self.idf_weights
        return out

    # ----- symbolic use ----------------------------------------------------------------------------
    def compute_output_shape(self, input_shape: Any) -> Any:
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        if self.output_mode == "one_hot" and not (len(input_shape) > 1 and input_shape[-1] == 1):
            return (*input_shape, depth)
        return (*input_shape[:-1], depth)

    def output_dtype(self, inputs: Any) -> torch.dtype:
        return torch.int64 if self.output_mode == "int" else torch.float32

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "invert": self.invert,
            "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices,
            "oov_token": self.oov_token,
            "mask_token": self.mask_token,
            "output_mode": self.output_mode,
            "sparse": False,
            "pad_to_max_tokens": self.pad_to_max_tokens,
            "idf_weights": _listed(self.input_idf_weights),
            "vocabulary": _listed(self.input_vocabulary),
            "vocabulary_size": self._frozen_vocab_size,
        }


class StringLookup(IndexLookup):
    """Keras's ``StringLookup``: strings to indices (``invert=True``: indices to a NumPy str array).

    With ``num_oov_indices > 1`` an unknown string takes the OOV index of its FarmHash fingerprint
    modulo ``num_oov_indices``, TensorFlow's ``to_hash_bucket_fast`` (so Keras's index exactly).

    >>> layer = StringLookup(vocabulary=["a", "b", "c"])
    >>> layer([["a", "c"], ["d", "b"]]).tolist()
    [[1, 3], [0, 2]]
    """

    def __init__(self, max_tokens: int | None = None, num_oov_indices: int = 1, mask_token: str | None = None,
                 oov_token: str = "[UNK]", vocabulary: Any = None, idf_weights: Any = None, invert: bool = False,
                 output_mode: str = "int", pad_to_max_tokens: bool = False, sparse: bool = False,
                 encoding: str = "utf-8", name: str | None = None, **kwargs: Any):
        if kwargs.pop("salt", None) is not None:
            raise ValueError("StringLookup: `salt` (TensorFlow's keyed SipHash buckets) is not supported; leave it None")
        self.encoding = encoding
        super().__init__(max_tokens, num_oov_indices, mask_token, oov_token, vocabulary, idf_weights, invert,
                         output_mode, pad_to_max_tokens, sparse, name, **kwargs)

    def keys_of(self, data: Any, argument: str) -> np.ndarray:
        return as_strings(data, f"{type(self).__name__} '{self.name}'", argument, self.encoding)

    def oov_buckets(self, keys: list[Any]) -> np.ndarray:
        return np.array([fingerprint64(key.encode(self.encoding)) % self.num_oov_indices for key in keys], dtype=np.int64)

    def inverted_output(self, tokens: np.ndarray) -> np.ndarray:
        return tokens.astype(str)

    def output_dtype(self, inputs: Any) -> Any:
        return STRING if self.invert else super().output_dtype(inputs)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "encoding": self.encoding}


class IntegerLookup(IndexLookup):
    """Keras's ``IntegerLookup``: integer ids to indices (``invert=True``: indices back to ids).

    With ``num_oov_indices > 1`` an unknown id ``v`` takes OOV index ``v mod num_oov_indices``
    (``oov_method='farmhash'``: the FarmHash bucket of its decimal text, as Keras).

    >>> IntegerLookup(vocabulary=[12, 36, 7])(torch.tensor([7, 12, 99])).tolist()
    [3, 1, 0]
    """

    def __init__(self, max_tokens: int | None = None, num_oov_indices: int = 1, mask_token: int | None = None,
                 oov_token: int = -1, vocabulary: Any = None, vocabulary_dtype: str = "int64",
                 idf_weights: Any = None, invert: bool = False, output_mode: str = "int", sparse: bool = False,
                 pad_to_max_tokens: bool = False, oov_method: str = "floormod", name: str | None = None,
                 **kwargs: Any):
        if vocabulary_dtype != "int64":
            raise ValueError(f"IntegerLookup: only vocabulary_dtype='int64' is supported; got {vocabulary_dtype!r}")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(f"IntegerLookup: `oov_method` must be 'floormod' or 'farmhash'; got {oov_method!r}")
        if kwargs.pop("salt", None) is not None:
            raise ValueError("IntegerLookup: `salt` (TensorFlow's keyed SipHash buckets) is not supported; leave it None")
        self.oov_method = oov_method
        super().__init__(max_tokens, num_oov_indices, mask_token, oov_token, vocabulary, idf_weights, invert,
                         output_mode, pad_to_max_tokens, sparse, name, **kwargs)

    def keys_of(self, data: Any, argument: str) -> np.ndarray:
        return _as_indices(data, f"{type(self).__name__} '{self.name}'", argument)

    def oov_buckets(self, keys: list[Any]) -> np.ndarray:
        if self.oov_method == "farmhash":  # Keras hashes the decimal text of the id
            return np.array([fingerprint64(str(key).encode()) % self.num_oov_indices for key in keys], dtype=np.int64)
        return np.mod(np.asarray(keys, dtype=np.int64), self.num_oov_indices)

    def inverted_output(self, tokens: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(tokens.astype(np.int64))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "vocabulary_dtype": "int64", "oov_method": self.oov_method}


def as_strings(data: Any, owner: str, argument: str, encoding: str = "utf-8") -> np.ndarray:
    """Text as an object array of Python ``str`` (bytes decoded), shape kept; anything else refused.

    Takes a ``str``, nested lists/tuples of strings, or NumPy arrays of ``str``/``bytes``/objects.
    """
    if isinstance(data, torch.Tensor):
        raise ValueError(
            f"{owner}: `{argument}` must be strings (a list or NumPy array of str); got a torch tensor of "
            f"{data.dtype}, and torch has no string tensors"
        )
    array = np.asarray(data, dtype=object) if not isinstance(data, np.ndarray) else data
    if array.dtype.kind == "U":
        return array.astype(object)
    flat = array.reshape(-1).tolist() if array.dtype.kind in "SO" else None
    if flat is None:
        raise ValueError(f"{owner}: `{argument}` must be strings; got an array of {array.dtype}")
    out = np.empty(len(flat), dtype=object)
    for i, item in enumerate(flat):
        if isinstance(item, bytes):
            item = item.decode(encoding)
        elif not isinstance(item, str):
            raise ValueError(
                f"{owner}: `{argument}` must hold only strings (a rectangular array of them); found "
                f"{type(item).__name__} {item!r:.60}"
            )
        out[i] = str(item)
    return out.reshape(array.shape)


def _as_indices(data: Any, owner: str, argument: str = "inputs") -> np.ndarray:
    """Integers (a tensor, array or nested lists) as an int64 array; floats and text refused."""
    array = data.detach().cpu().numpy() if isinstance(data, torch.Tensor) else np.asarray(data)
    if array.dtype.kind not in "iub" and not (array.dtype.kind == "O" and all(
            isinstance(v, (int, np.integer)) for v in array.reshape(-1).tolist())):
        raise ValueError(f"{owner}: `{argument}` must be integers; got an array of {array.dtype}")
    return array.astype(np.int64)


def _listed(value: Any) -> Any:
    return value.tolist() if isinstance(value, np.ndarray) else value
