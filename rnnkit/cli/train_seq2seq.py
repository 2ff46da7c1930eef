"""``rnnkit train seq2seq``: an encoder-decoder on source<TAB>target pairs, or on the bundled dates task."""

from __future__ import annotations

import argparse
import sys

import torch

from ..tasks import seq2seq

EXAMPLE = """examples:
  rnnkit train seq2seq --minutes 5                    # human-written dates -> ISO 8601, generated
  rnnkit train seq2seq --data pairs.tsv --source-tokens word --target-tokens word --out runs/pairs
  rnnkit train seq2seq --attention none --bidirectional no --out runs/dates-plain
then:
  rnnkit translate runs/seq2seq "the 3rd of March 1998" --beam 4
  rnnkit eval runs/seq2seq                            # exact match and BLEU on the held-out pairs
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "seq2seq",
        help="sequence to sequence: an encoder-decoder from source to target texts",
        description="Train an encoder-decoder with teacher forcing; writes model.safetensors (the best epoch) to --out.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    kinds = ["char", "word", "bpe", "unigram"]
    parser.add_argument("--data", help="UTF-8 file of source<TAB>target lines (default: generated dates -> ISO)")
    parser.add_argument("--out", default="runs/seq2seq", help="run directory (default runs/seq2seq)")
    parser.add_argument("--source-tokens", choices=kinds, default="char", help="source tokens (default char)")
    parser.add_argument("--target-tokens", choices=kinds, default="char", help="target tokens (default char)")
    parser.add_argument("--shared-vocabulary", action="store_true", help="one vocabulary and embedding for both sides")
    parser.add_argument("--max-vocab", type=int, help="word tokens: vocabulary cap; bpe/unigram: vocabulary size")
    parser.add_argument("--cell", choices=["lstm", "gru"], default="lstm", help="recurrent layer (default lstm)")
    parser.add_argument("--layers", type=int, default=1, help="encoder and decoder layers (default 1)")
    parser.add_argument("--units", type=int, default=128, help="units per layer (default 128)")
    parser.add_argument("--embedding", type=int, default=32, help="embedding size (default 32)")
    parser.add_argument("--bidirectional", choices=["yes", "no"], default="yes", help="bidirectional encoder (default yes)")
    parser.add_argument("--attention", choices=["dot", "general", "additive", "none"], default="general",
                        help="Luong dot/general, Bahdanau additive, or none (default general)")
    parser.add_argument("--dropout", type=float, default=0.0, help="dropout between layers (default 0)")
    parser.add_argument("--batch-size", type=int, default=64, help="pairs per batch (default 64)")
    parser.add_argument("--epochs", type=int, help="epochs (default 20, or unlimited with --minutes)")
    parser.add_argument("--minutes", type=float, help="stop after this many minutes of training")
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                        help="what --minutes counts: wall time, or this process's CPU time (default wall)")
    parser.add_argument("--steps-per-epoch", type=int, help="batches per epoch (default: one pass over the pairs)")
    parser.add_argument("--lr", type=float, default=3e-3, help="Adam learning rate (default 0.003)")
    parser.add_argument("--train-size", type=int, default=50_000, help="dates: generated training pairs (default 50000)")
    parser.add_argument("--held-out", type=int, default=2_000, help="dates: generated held-out pairs (default 2000)")
    parser.add_argument("--eval-size", type=int, default=500, help="held-out pairs decoded after each epoch (default 500)")
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's; 1 is often faster on a busy machine)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.threads is not None:
        torch.set_num_threads(max(1, args.threads))
    try:
        result = seq2seq.train(
            data=args.data, out=args.out, source_tokens=args.source_tokens, target_tokens=args.target_tokens,
            shared_vocabulary=args.shared_vocabulary, max_vocab=args.max_vocab, cell=args.cell, layers=args.layers,
            units=args.units, embedding=args.embedding, bidirectional=args.bidirectional == "yes",
            attention=None if args.attention == "none" else args.attention, dropout=args.dropout,
            batch_size=args.batch_size, epochs=args.epochs, minutes=args.minutes, steps_per_epoch=args.steps_per_epoch,
            learning_rate=args.lr, seed=args.seed, train_size=args.train_size, held_out_size=args.held_out,
            eval_size=args.eval_size, clock=args.clock,
        )
    except ValueError as error:
        print(f"rnnkit train seq2seq: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nrnnkit train seq2seq: interrupted; model.safetensors holds the best finished epoch", file=sys.stderr)
        return 130
    scores = result.scores
    print(f"\nStopped by {result.stopped_by} after {len(result.history)} epochs. Saved model on all "
          f"{int(scores['examples']):,} held-out pairs: exact match {scores['exact_match']:.4f}, BLEU {scores['bleu']:.2f}")
    print(f"model: {result.checkpoint}")
    print(f"next:  rnnkit translate {result.out} \"...\" --beam 4")
    return 1 if result.stopped_by == "nan" else 0
