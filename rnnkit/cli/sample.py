"""``rnnkit sample CKPT``: stream text from a trained language model, one token at a time; a tune model writes tunes to files."""

from __future__ import annotations

import argparse
import sys

from ..tasks import language_model
from ..tasks.registry import open_checkpoint


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sample",
        help="generate text from a language model checkpoint (or run directory), or tunes from a music one",
        description="Example: rnnkit sample runs/lm --prime 'ROMEO:' --length 400 --temperature 0.8 --top-p 0.95\n"
                    "         rnnkit sample runs/music --prime 'M:6/8 K:Dmaj' --count 5 --out tunes/   (ABC, MIDI, piano roll)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("checkpoint", metavar="CKPT", help="a checkpoint file, or a run directory (its best checkpoint)")
    parser.add_argument("--prime", default="", help="text to start from (default: a line break); music: an ABC header, M:6/8 K:Dmaj")
    parser.add_argument("--length", type=int, default=500, help="tokens to generate (default 500)")
    parser.add_argument("--temperature", type=float, default=1.0, help="0 is greedy; higher is more surprising (default 1)")
    parser.add_argument("--top-k", type=int, help="draw only from the k most likely tokens")
    parser.add_argument("--top-p", type=float, help="draw only from the most likely tokens that make up this probability")
    parser.add_argument("--seed", type=int, help="random seed, for reproducible samples")
    parser.add_argument("--count", type=int, default=1, help="music: tunes to write (default 1)")
    parser.add_argument("--out", default="samples", help="music: folder for tune_N.abc, .mid and .png (default samples/)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    task, checkpoint = open_checkpoint(args.checkpoint)
    if task.sample_text is not None:
        print(task.sample_text(checkpoint.path, {"prime": args.prime, "count": args.count, "out": args.out, "seed": args.seed,
                                                 "temperature": args.temperature, "top_k": args.top_k, "top_p": args.top_p}))
        return 0
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
