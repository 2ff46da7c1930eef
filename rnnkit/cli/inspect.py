"""``rnnkit inspect CKPT``: gate and state traces of a trained model on one input, as arrays and heatmaps.

CKPT is a language-model or classifier checkpoint or run directory (``rnnkit train lm``,
``rnnkit train classify``; a tune model's and a DNA classifier's read the same way: ``train music``,
``train dna``), which carries its tokenizer: the text is encoded with it and the
heatmaps have its tokens on the time axis. The gradient plot follows the loss of predicting the
text's last token (language model) or the loss of the class the classifier picks.

CKPT may also be a model file (``model.save``: rnnkit's format, ``.keras``, ``.h5``). Those hold
no vocabulary, so text needs ``--vocab``: a JSON list of tokens (position = id) or an object
token -> id; text is split into characters when every token is one character, else at
whitespace. An integer-input model (one starting with Embedding) gets the ids, any other one-hot
rows of the vocabulary size. Instead of text, ``--input x.npy`` gives any batch the model takes,
(batch, time, ...), and the heatmaps show its first sample; ``--target y.npy`` adds the gradient
plot for the model's own output. A speech recognizer's checkpoint (``rnnkit train ctc``) takes an
audio file as ``--input``; its heatmaps label each step with the symbol the model finds likeliest
there ('_' for the CTC blank). Tagger and forecaster checkpoints are not readable here yet.
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from .. import inspect as rnn_inspect
from .. import safetensors_file
from ..atomic_files import write_atomically
from ..layers import Embedding, InputLayer, Layer
from ..models import Model
from ..saving import load_model, sniff
from ..tasks import speech
from ..tasks.registry import open_checkpoint
from ..training.task_files import task_record


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "inspect",
        help="trace the gates and states of a saved model on a text or an input array, with plots",
        description='Examples: rnnkit inspect runs/lm --text "To be, or not to be" --out inspect/ ; '
        'rnnkit inspect model.rnnkit --text "to be or not" --vocab vocab.json --out inspect/',
    )
    parser.add_argument("model", metavar="CKPT", help="a language-model, tune-model, classifier or DNA-classifier checkpoint or run directory, or a model file (.keras, .h5, rnnkit)")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--text", help="text to run the model on (needs --vocab)")
    source.add_argument("--input", help="a .npy batch to run the model on, (batch, time, ...); a speech recognizer: an audio file")
    parser.add_argument("--vocab", help="for --text with a model file: JSON list of tokens (index = id) or object token -> id")
    parser.add_argument("--target", help="a .npy target for the model's output: adds the gradient through time")
    parser.add_argument("--loss", default="mse", help="Keras loss name for --target (default mse)")
    parser.add_argument("--out", required=True, help="folder for trace.npz, heatmaps and the gradient plot")
    parser.add_argument("--html", help="also write the views of 'rnnkit serve' for --text to this one self-contained HTML file")
    parser.set_defaults(run=run)


def read_vocabulary(path: str) -> dict[str, int]:
    with open(path) as stream:
        data = json.load(stream)
    if isinstance(data, list):
        return {token: index for index, token in enumerate(data)}
    if isinstance(data, dict) and all(isinstance(v, int) for v in data.values()):
        return data
    raise ValueError(f"{path}: a vocabulary is a JSON list of tokens or an object token -> integer id")


def encode(text: str, vocabulary: dict[str, int]) -> tuple[list[str], list[int]]:
    """Tokens of ``text`` (characters or words, as the vocabulary holds) and their ids."""
    by_character = all(len(token) == 1 for token in vocabulary)
    tokens = list(text) if by_character else text.split()
    unknown = sorted({t for t in tokens if t not in vocabulary})
    if unknown:
        raise ValueError(f"tokens not in the vocabulary: {unknown[:10]}")
    if not tokens:
        raise ValueError("--text holds no tokens")
    return tokens, [vocabulary[t] for t in tokens]


def _first_layer(model: Model) -> Layer:
    return next(layer for layer in model.layers if not isinstance(layer, InputLayer))


@dataclass(frozen=True)
class Subject:
    """A model to inspect; ``encode(text) -> (ids, token strings)`` when it carries a tokenizer."""

    model: Model
    kind: str  # "language model", "classifier" or "model file"
    encode: Callable[[str], tuple[list[int], list[str]]] | None = None
    read_input: Callable[[str], tuple[np.ndarray, list[str]]] | None = None  # ``--input`` file -> (x, a label per step)


def is_task_checkpoint(path: str) -> bool:
    """A run directory, or an rnnkit file that a task wrote (its header records the task); else a model file."""
    if os.path.isdir(path):
        return True
    if sniff(path) != "rnnkit":
        return False
    return "task" in task_record(path, safetensors_file.read_header(path))


def load_subject(path: str) -> Subject:
    if not is_task_checkpoint(path):
        return Subject(load_model(path), "model file")
    task, checkpoint = open_checkpoint(path)
    if task.reads_like == "lm":
        model, tokenizer = task.load(checkpoint.path)
        return Subject(model, "language model", lambda text: _with_tokens(tokenizer.encode(text), tokenizer.decode))
    if task.reads_like == "classify":
        model, encoder, _ = task.load(checkpoint.path)
        if encoder is None:  # numeric sequences: --input only
            return Subject(model, "classifier")
        vocabulary = encoder.tokens()
        return Subject(model, "classifier", lambda text: _with_tokens(encoder.encode(text), lambda ids: vocabulary[ids[0]]))
    if task.name == "ctc":  # --input is an audio file; each model step is labelled with its best symbol
        model, alphabet, features, _ = task.load(checkpoint.path)
        return Subject(model, "speech recognizer", read_input=lambda audio: speech.inspection_input(model, alphabet, features, audio))
    raise ValueError(f"{path}: a '{task.name}' checkpoint; rnnkit inspect reads language models, tune models, classifiers, DNA classifiers, "
                     "speech recognizers and model files")


def _with_tokens(ids: list[int], decode: Callable[[list[int]], str]) -> tuple[list[int], list[str]]:
    if not ids:
        raise ValueError("--text holds no tokens")
    return ids, [decode([i]) for i in ids]


def model_input(args: argparse.Namespace, subject: Subject) -> tuple[np.ndarray, list[str] | None]:
    if args.input is not None:
        return subject.read_input(args.input) if subject.read_input else (np.load(args.input), None)
    if subject.encode is not None:
        ids, tokens = subject.encode(args.text)
        return np.array([ids], dtype=np.int64), tokens
    if args.vocab is None:
        raise ValueError("--text needs --vocab: a model file carries no vocabulary (language-model and classifier checkpoints do)")
    vocabulary = read_vocabulary(args.vocab)
    tokens, ids = encode(args.text, vocabulary)
    if isinstance(_first_layer(subject.model), Embedding):
        return np.array([ids], dtype=np.int64), tokens
    size = max(vocabulary.values()) + 1
    return np.eye(size, dtype=np.float32)[ids][None], tokens


def _last_token_loss(y_true: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.cross_entropy(logits[:, -1], y_true)


def _chosen_class_loss(y_true: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.cross_entropy(logits, logits.argmax(-1))


def gradients(args: argparse.Namespace, subject: Subject, x: np.ndarray) -> list | None:
    """The loss behind the gradient plot: see the module docstring; None when there is none."""
    model = subject.model
    if args.target is not None:
        return rnn_inspect.gradient_through_time(model, x, np.load(args.target), loss=args.loss)
    if args.input is not None or subject.kind == "model file":
        return None
    if subject.kind == "classifier":
        return rnn_inspect.gradient_through_time(model, x, np.zeros(len(x)), loss=_chosen_class_loss)
    if x.shape[1] < 2:
        return None
    return rnn_inspect.gradient_through_time(model, x[:, :-1], torch.as_tensor(x[:, -1]), loss=_last_token_loss)


def run(args: argparse.Namespace) -> int:
    subject = load_subject(args.model)
    x, tokens = model_input(args, subject)
    traces = rnn_inspect.trace(subject.model, x)
    grads = gradients(args, subject, x)
    os.makedirs(args.out, exist_ok=True)
    arrays = {f"{k}_{t.layer}/{name}": t[name] for k, t in enumerate(traces) for name in t.names()}
    write_atomically(os.path.join(args.out, "trace.npz"), lambda stream: np.savez(stream, **arrays))
    written = ["trace.npz"]
    for k, layer_trace in enumerate(traces):
        name = f"trace_{k}_{layer_trace.layer}.png"
        rnn_inspect.plot_trace(layer_trace, os.path.join(args.out, name), tokens=tokens)
        written.append(name)
    if grads is not None:
        rnn_inspect.plot_gradient_norms({f"{g.layer} ({g.direction})": g for g in grads}, os.path.join(args.out, "gradients.png"))
        written.append("gradients.png")
    if args.html is not None:
        from ..serve.page import export_html

        export_html(args.html, args.model, args.text, args.vocab)
    print(f"rnnkit inspect: {len(traces)} recurrent layer call(s) traced; wrote {', '.join(written)} to {args.out}")
    return 0
