"""``rnnkit convert IN OUT``: read a model file in any supported format and write it in another.

The output format follows OUT's name: ``*.keras`` is a Keras 3 archive (Keras loads it),
``*.weights.h5`` Keras 3 weights only, anything else rnnkit's safetensors format.
"""

from __future__ import annotations

import argparse
import os

from ..saving import load_model, save_model, save_weights


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "convert",
        help="convert a model file: .keras / .h5 / rnnkit format -> .keras, .weights.h5 or rnnkit format",
        description="Example: rnnkit convert best_model.h5 best_model.keras",
    )
    parser.add_argument("source", metavar="IN", help="a Keras .keras / .h5 model or an rnnkit model file")
    parser.add_argument("target", metavar="OUT", help="*.keras, *.weights.h5, or any other name for rnnkit's format")
    parser.add_argument("--force", action="store_true", help="replace OUT if it exists")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if os.path.abspath(args.source) == os.path.abspath(args.target):
        raise ValueError("IN and OUT are the same file")
    model = load_model(args.source)
    if args.target.lower().endswith(".weights.h5"):
        save_weights(model, args.target, overwrite=args.force)
    else:
        save_model(model, args.target, overwrite=args.force)
    print(f"wrote {args.target} ({model.count_params()} parameters)")
    return 0
