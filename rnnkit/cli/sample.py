"""``rnnkit sample CKPT``: stream text from a trained language model, one token at a time."""

from __future__ import annotations

import argparse
import sys

from ..tasks import language_model
from ..tasks.registry import open_checkpoint


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sample",
        help="generate text from a language model checkpoint (or run directory)",
        description="Example: rnnkit sample runs/lm --prime 'ROMEO:' --length 400 --temperature 0.8 --top-p 0.95",
    )
    parser.add_argument("checkpoint", metavar="CKPT", help="a checkpoint file, or a run directory (its best checkpoint)")
    parser.add_argument("--prime", default="", help="text to start from (default: a line break)")
    parser.add_argument("--length", type=int, default=500, help="tokens to generate (default 500)")
    parser.add_argument("--temperature", type=float, default=1.0, help="0 is greedy; higher is more surprising (default 1)")
    parser.add_argument("--top-k", type=int, help="draw only from the k most likely tokens")
    parser.add_argument("--top-p", type=float, help="draw only from the most likely tokens that make up this probability")
    parser.add_argument("--seed", type=int, help="random seed, for reproducible samples")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    task, checkpoint = open_checkpoint(args.checkpoint)
    if task.name != "lm":
        raise ValueError(f"{checkpoint.path}: {task.title} ({task.name!r}); rnnkit sample needs a language model (rnnkit train lm)")
    try:
        model, tokenizer = task.load(checkpoint.path)
        pieces = language_model.stream_text(model, tokenizer, args.prime, args.length, temperature=args.temperature,
                                            top_k=args.top_k, top_p=args.top_p, seed=args.seed)
        first = next(pieces, "")  # raises the option errors before anything is printed
        sys.stdout.write(args.prime + first)
        for piece in pieces:
            sys.stdout.write(piece)
            sys.stdout.flush()
    except KeyboardInterrupt:
        print(file=sys.stdout)
        return 130
    sys.stdout.write("\n")
    return 0
