"""``rnnkit translate CKPT TEXT...``: outputs of a sequence-to-sequence model, by greedy or beam search."""

from __future__ import annotations

import argparse

from ..tasks import seq2seq


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "translate",
        help="translate texts with a model from 'rnnkit train seq2seq'",
        description='Example: rnnkit translate runs/seq2seq "the 3rd of March 1998" "3/3/98" --beam 4   (prints 1998-03-03 twice)',
    )
    parser.add_argument("checkpoint", metavar="CKPT", help="model.safetensors, or the run directory holding it")
    parser.add_argument("texts", metavar="TEXT", nargs="+", help="source texts, one output line each")
    parser.add_argument("--beam", type=int, default=1, help="beam width (default 1: greedy search)")
    parser.add_argument("--alpha", type=float, default=0.0, help="length normalisation ((5+n)/6)^alpha (default 0)")
    parser.add_argument("--n-best", type=int, default=1, help="print this many outputs per text, with log-probabilities")
    parser.add_argument("--max-length", type=int, help="longest output in tokens (default: from the checkpoint)")
    parser.add_argument("--allow-unknown", action="store_true", help="word/subword models: read unknown words as <unk>")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.beam < 1 or args.n_best < 1:
        raise ValueError("--beam and --n-best must be at least 1")
    if args.n_best > args.beam:
        raise ValueError(f"--n-best {args.n_best} needs --beam of at least {args.n_best}")
    results = seq2seq.translate(args.checkpoint, args.texts, beam=args.beam, alpha=args.alpha,
                                max_length=args.max_length, allow_unknown=args.allow_unknown)
    for translations in results:
        if args.n_best == 1:
            print(translations[0].text)
            continue
        for t in translations[: args.n_best]:
            print(f"{t.log_prob:.4f}\t{t.text}{'' if t.finished else '  (cut at --max-length)'}")
        print()
    return 0
