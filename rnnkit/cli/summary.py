"""``rnnkit summary FILE``: open any model file rnnkit reads and print its Keras-style summary."""

from __future__ import annotations

import argparse

from ..saving import load_model, sniff

_KINDS = {"keras": "Keras .keras archive", "hdf5": "Keras HDF5 model", "rnnkit": "rnnkit model (safetensors)"}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "summary",
        help="print the summary of a .keras, .h5 or rnnkit model file",
        description="Example: rnnkit summary best_model.h5",
    )
    parser.add_argument("file", help="a Keras .keras / .h5 model or an rnnkit model file")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    kind = sniff(args.file)
    model = load_model(args.file)
    print(f"{args.file}: {_KINDS[kind]}")
    model.summary()
    return 0
