"""``rnnkit export MODEL OUT``: an ONNX file (checked in onnxruntime) or a Hub-style model folder."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .. import safetensors_file
from ..export import to_onnx
from ..export.pretrained import CONFIG_FILE, from_pretrained, save_pretrained
from ..saving import load_model, sniff
from ..tasks.registry import open_checkpoint


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write a model as ONNX (checked against rnnkit in onnxruntime) or as a model folder",
        description="Example: rnnkit export runs/nsmc model.onnx      (prints the max abs error onnxruntime vs rnnkit)\n"
                    "         rnnkit export best_model.h5 my-model/   (config.json, model.safetensors, README.md)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("model", metavar="MODEL", help="a model file (.keras, .h5, rnnkit), a task checkpoint or run "
                                                       "directory, or a model folder")
    parser.add_argument("out", metavar="OUT", help="NAME.onnx for ONNX; any other name is a model folder")
    parser.add_argument("--no-check", action="store_true", help="ONNX: skip running the file in onnxruntime against rnnkit")
    parser.set_defaults(run=run)


def open_model(path: str) -> tuple[Any, dict[str, Any] | None]:
    """``(model, task record or None)`` from any file or folder rnnkit saves models in."""
    given = Path(path)
    if given.is_dir() and (given / CONFIG_FILE).is_file():
        return from_pretrained(given), None
    if given.is_dir() or (sniff(given) == "rnnkit" and safetensors_file.read_header(given)["kind"] in ("task", "training")):
        task, checkpoint = open_checkpoint(given)
        return task.load(checkpoint.path)[0], checkpoint.record
    return load_model(given, compile=False), None


def run(args: argparse.Namespace) -> int:
    model, record = open_model(args.model)
    if args.out.endswith(".onnx"):
        report = to_onnx(model, args.out, check=not args.no_check)
        print(f"wrote {args.out}")
        print(report.as_text() if report else "not checked (--no-check)")
    else:
        folder = save_pretrained(model, args.out, record)
        print(f"wrote {folder}/: config.json, model.safetensors, README.md")
    return 0
