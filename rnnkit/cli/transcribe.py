"""``rnnkit transcribe CKPT FILE...``: the transcripts of audio files, by greedy or prefix beam search decoding."""

from __future__ import annotations

import argparse

from ..tasks import speech


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "transcribe",
        help="transcribe audio files with a model from 'rnnkit train ctc'",
        description="Example: rnnkit transcribe runs/ctc one.wav two.wav --beam 8   (prints 'one.wav<TAB>three one four' per file)",
    )
    parser.add_argument("checkpoint", metavar="CKPT", help="model.safetensors, or the run directory holding it")
    parser.add_argument("files", metavar="FILE", nargs="+", help="audio files (WAV, FLAC, ...); any sample rate, mono or not")
    parser.add_argument("--beam", type=int, default=1, help="beam width of the prefix beam search (default 1: greedy decoding)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    print(speech.predict_text(args.checkpoint, args.files, {"beam": args.beam}))
    return 0
