"""``rnnkit inspect MODEL``: gate and state traces of a saved model on one input, as arrays and heatmaps.

A model file (``model.save``: rnnkit's format, ``.keras``, ``.h5``) holds no vocabulary, so text
needs ``--vocab``: a JSON list of tokens (position = id) or an object token -> id. Text is split
into characters when every token is one character, else at whitespace. An integer-input model
(one starting with Embedding) gets the ids; any other gets one-hot rows of the vocabulary size.
Instead of text, ``--input x.npy`` gives any batch the model takes, (batch, time, ...); the
heatmaps show its first sample.
With ``--target y.npy`` the gradient through time is plotted as well.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

from .. import inspect as rnn_inspect
from ..layers import Embedding, InputLayer, Layer
from ..models import Model
from ..saving import load_model


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "inspect",
        help="trace the gates and states of a saved model on a text or an input array, with plots",
        description='Example: rnnkit inspect model.rnnkit --text "to be or not" --vocab vocab.json --out inspect/',
    )
    parser.add_argument("model", metavar="MODEL", help="a model file saved by model.save (.keras, .h5 or rnnkit's format)")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--text", help="text to run the model on (needs --vocab)")
    source.add_argument("--input", help="a .npy batch to run the model on, (batch, time, ...)")
    parser.add_argument("--vocab", help="JSON list of tokens (index = id) or object token -> id, for --text")
    parser.add_argument("--target", help="a .npy target for the model's output: adds the gradient through time")
    parser.add_argument("--loss", default="mse", help="Keras loss name for --target (default mse)")
    parser.add_argument("--out", required=True, help="folder for trace.npz, heatmaps and the gradient plot")
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


def model_input(args: argparse.Namespace, model: Model) -> tuple[np.ndarray, list[str] | None]:
    if args.input is not None:
        return np.load(args.input), None
    if args.vocab is None:
        raise ValueError(
            "--text needs --vocab: a model file carries no vocabulary (checkpoints of rnnkit's "
            "language models and classifiers, which do, are not readable here yet)"
        )
    vocabulary = read_vocabulary(args.vocab)
    tokens, ids = encode(args.text, vocabulary)
    if isinstance(_first_layer(model), Embedding):
        return np.array([ids], dtype=np.int64), tokens
    size = max(vocabulary.values()) + 1
    return np.eye(size, dtype=np.float32)[ids][None], tokens


def run(args: argparse.Namespace) -> int:
    try:
        model = load_model(args.model)
        x, tokens = model_input(args, model)
        traces = rnn_inspect.trace(model, x)
        grads = None
        if args.target is not None:
            grads = rnn_inspect.gradient_through_time(model, x, np.load(args.target), loss=args.loss)
    except (ValueError, OSError) as error:
        print(f"rnnkit inspect: error: {error}", file=sys.stderr)
        return 2
    os.makedirs(args.out, exist_ok=True)
    arrays = {f"{k}_{t.layer}/{name}": t[name] for k, t in enumerate(traces) for name in t.names()}
    np.savez(os.path.join(args.out, "trace.npz"), **arrays)
    written = ["trace.npz"]
    for k, layer_trace in enumerate(traces):
        name = f"trace_{k}_{layer_trace.layer}.png"
        rnn_inspect.plot_trace(layer_trace, os.path.join(args.out, name), tokens=tokens)
        written.append(name)
    if grads is not None:
        rnn_inspect.plot_gradient_norms({f"{g.layer} ({g.direction})": g for g in grads}, os.path.join(args.out, "gradients.png"))
        written.append("gradients.png")
    print(f"rnnkit inspect: {len(traces)} recurrent layer call(s) traced; wrote {', '.join(written)} to {args.out}")
    return 0
