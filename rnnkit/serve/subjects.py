"""What the pages look at: a loaded model, how it reads text, and what its gradients and predictions are.

A :class:`Subject` is built once, when ``rnnkit serve`` starts (or ``inspect --html`` writes a
page), from a task checkpoint or a model file. Each task that the pages know is one entry of
:data:`TASK_SUBJECTS`: a function from what the task's own ``load`` returns (see
:mod:`rnnkit.tasks.registry`) to a Subject. Every number the pages show comes from
:mod:`rnnkit.inspect` or the model itself, never from a second implementation here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np
import torch

from .. import inspect as rnn_inspect
from ..cli.inspect import encode as encode_with_vocabulary
from ..cli.inspect import is_task_checkpoint, read_vocabulary
from ..data.tokenizers import WordTokenizer
from ..inspect.calls import recurrent_layers
from ..layers import Embedding, InputLayer
from ..saving import load_model
from ..tasks.language_model.generation import stream_pieces
from ..tasks.registry import open_checkpoint

Encoded = tuple[np.ndarray, list[str]]  # model input (1, T, ...) and one display string per step


@dataclass(frozen=True)
class Gradient:
    """The gradient plot of one input: what loss it follows, and ``||dLoss/dh_t||`` per layer call."""

    about: str
    traces: list[rnn_inspect.GradientTrace]


@dataclass(frozen=True)
class Subject:
    """A model the pages show; ``gradient``/``verdict``/``sample`` are None where the model has none.

    ``encode(text)`` raises ValueError for text the model cannot read. ``verdict(x)`` is a JSON-ready
    dict of what the model predicts for ``x`` (a classifier's class and which tokens pushed it, a
    tagger's tags). ``sample(prime, length, **options)`` yields ``(piece, probability)``.
    """

    model: torch.nn.Module
    title: str
    source: str
    encode: Callable[[str], Encoded]
    vocab_size: int | None = None
    gradient: Callable[[np.ndarray], Gradient] | None = None
    verdict: Callable[[np.ndarray], dict[str, Any]] | None = None
    sample: Callable[..., Iterator[tuple[str, float]]] | None = None


def _nonempty(ids: list) -> None:
    if not ids:
        raise ValueError("text: holds no tokens for this model")


def _last_token_loss(y_true: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.cross_entropy(logits[:, -1], y_true)


def _own_choice_loss(y_true: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    """Cross-entropy against the model's own most likely class (of the last step, for per-step logits)."""
    last = logits if logits.dim() == 2 else logits[:, -1]
    return torch.nn.functional.cross_entropy(last, last.argmax(-1))


def language_model_subject(model: Any, tokenizer: Any) -> Subject:
    def encode(text: str) -> Encoded:
        ids = tokenizer.encode(text)
        _nonempty(ids)
        return np.array([ids], dtype=np.int64), [tokenizer.decode([i]) for i in ids]

    def gradient(x: np.ndarray) -> Gradient:
        about = "loss of predicting the last token from the ones before it"
        if x.shape[1] < 2:
            return Gradient(f"{about}: a text of one token has no token before its last", [])
        traces = rnn_inspect.gradient_through_time(model, x[:, :-1], torch.as_tensor(x[:, -1]), loss=_last_token_loss)
        return Gradient(about, traces)

    def sample(prime: str, length: int, **options: Any) -> Iterator[tuple[str, float]]:
        return stream_pieces(model, tokenizer, prime, length, **options)

    return Subject(model, "a language model", "", encode, tokenizer.vocab_size, gradient, None, sample)


def classifier_subject(model: Any, encoder: Any, record: dict[str, Any]) -> Subject:
    if encoder is None:
        raise ValueError("a classifier of numeric sequences: the pages read text, so they need a text classifier")
    vocabulary, classes = encoder.tokens(), record["classes"]
    embedding = next(layer for layer in model.layers if isinstance(layer, Embedding))

    def encode(text: str) -> Encoded:
        ids = encoder.encode(text)
        return np.array([ids], dtype=np.int64), [vocabulary[i] for i in ids]

    def gradient(x: np.ndarray) -> Gradient:
        traces = rnn_inspect.gradient_through_time(model, x, np.zeros(len(x)), loss=_own_choice_loss)
        return Gradient("loss of the class the classifier picks", traces)

    def verdict(x: np.ndarray) -> dict[str, Any]:
        with torch.no_grad():
            probabilities = torch.softmax(model(torch.as_tensor(x)), dim=-1)[0]  # (classes,)
        chosen = int(probabilities.argmax())
        pushes = rnn_inspect.gradient_times_input(model, x, lambda logits: torch.log_softmax(logits, -1)[:, chosen].sum(), embedding)
        return {"label": classes[chosen], "probabilities": dict(zip(classes, probabilities.tolist())),
                "pushes": pushes[0].tolist(),
                "pushes_about": f"gradient \u00d7 input of log P({classes[chosen]}) at each token's embedding: "
                                "positive tokens pushed towards it, negative ones away"}

    return Subject(model, "a classifier", "", encode, encoder.vocab_size, gradient, verdict)


def tagger_subject(model: Any, features: Any, record: dict[str, Any]) -> Subject:
    tags = record["tags"]

    def encode(text: str) -> Encoded:
        words = [w for w in WordTokenizer.split(text) if w != "<eos>"]
        _nonempty(words)
        return np.array([features.encode(words)], dtype=np.int64), words

    def gradient(x: np.ndarray) -> Gradient:
        traces = rnn_inspect.gradient_through_time(model, x, np.zeros(len(x)), loss=_own_choice_loss)
        return Gradient("loss of the tag the tagger picks for the last word", traces)

    def verdict(x: np.ndarray) -> dict[str, Any]:
        with torch.no_grad():
            best = model(torch.as_tensor(x)).argmax(-1)[0]  # (T,)
        return {"tags": [tags[i] for i in best.tolist()]}

    return Subject(model, "a tagger", "", encode, len(features.words), gradient, verdict)


#: task name (``record["task"]`` of a checkpoint) -> Subject from what ``TASKS[name].load`` returns.
#: A task whose model samples like a language model (``step(ids, states)``, a tokenizer) reuses
#: ``language_model_subject``.
TASK_SUBJECTS: dict[str, Callable[..., Subject]] = {
    "lm": language_model_subject,
    "classify": classifier_subject,
    "tag": tagger_subject,
}


def model_file_subject(model: Any, vocabulary: dict[str, int] | None) -> Subject:
    """A saved model (``model.save``, ``.keras``, ``.h5``): text through ``vocabulary``; no loss, so no gradient."""
    if vocabulary is None:
        raise ValueError("a model file carries no vocabulary: give one with --vocab (a JSON list of tokens, or token -> id)")
    first = next(layer for layer in model.layers if not isinstance(layer, InputLayer))
    size = max(vocabulary.values()) + 1

    def encode(text: str) -> Encoded:
        tokens, ids = encode_with_vocabulary(text, vocabulary)
        x = np.array([ids], dtype=np.int64) if isinstance(first, Embedding) else np.eye(size, dtype=np.float32)[ids][None]
        return x, tokens

    return Subject(model.eval(), "a model file", "", encode, size)


def load_subject(path: str | os.PathLike, vocab: str | None = None) -> Subject:
    """The Subject of a task checkpoint, run directory or model file (``vocab``: a vocabulary file for a model file)."""
    source = Path(path).name
    if not is_task_checkpoint(str(path)):
        subject = model_file_subject(load_model(path), read_vocabulary(vocab) if vocab else None)
    else:
        task, checkpoint = open_checkpoint(path)
        shape = task.name if task.name in TASK_SUBJECTS else task.reads_like
        if shape not in TASK_SUBJECTS:
            raise ValueError(f"{checkpoint.path}: {task.title} ({task.name!r}); the pages show {', '.join(TASK_SUBJECTS)} "
                             "checkpoints (and those of tasks that read like them) and model files")
        subject = TASK_SUBJECTS[shape](*task.load(checkpoint.path))
    recurrent_layers(subject.model)  # refuse a model with nothing to look inside now, not at the first request
    return replace(subject, source=source)
