"""``rnnkit train lm``: train a character, word or subword language model on text."""

from __future__ import annotations

import argparse
import sys

from ..tasks import language_model

EXAMPLE = """examples:
  rnnkit train lm --minutes 3                       # character LSTM on the bundled Shakespeare
  rnnkit train lm --data notes.txt --tokens word --epochs 20 --out runs/notes
  rnnkit train lm --out runs/notes --resume --epochs 30
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "lm",
        help="a language model: next-token prediction on text",
        description="Train a recurrent language model; writes checkpoints and loss.png to --out.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data", help="a UTF-8 text file or a folder of them (default: the bundled Shakespeare)")
    parser.add_argument("--out", default="runs/lm", help="run directory for checkpoints and the plot (default runs/lm)")
    parser.add_argument("--tokens", choices=["char", "word", "bpe", "unigram"], default="char", help="what a token is (default char)")
    parser.add_argument("--min-frequency", type=int, default=1, help="word tokens: rarer words become <unk> (default 1)")
    parser.add_argument("--max-vocab", type=int, help="word tokens: vocabulary cap; bpe/unigram: vocabulary size (default 2000)")
    parser.add_argument("--cell", choices=["lstm", "gru", "simple"], default="lstm", help="recurrent layer (default lstm)")
    parser.add_argument("--layers", type=int, default=1, help="stacked recurrent layers (default 1; 2-3 for long runs)")
    parser.add_argument("--units", type=int, default=256, help="units per recurrent layer (default 256)")
    parser.add_argument("--embedding", type=int, default=64, help="embedding size (default 64)")
    parser.add_argument("--dropout", type=float, default=0.0, help="dropout between layers (default 0; try 0.2-0.5 on small texts)")
    parser.add_argument("--seq-len", type=int, default=128, help="tokens per training window (default 128)")
    parser.add_argument("--batch-size", type=int, default=32, help="windows per batch (default 32)")
    parser.add_argument("--epochs", type=int, help="epochs to train (default 10, or unlimited with --minutes)")
    parser.add_argument("--minutes", type=float, help="stop after this many minutes of training")
    parser.add_argument("--steps-per-epoch", type=int, help="batches per epoch (default: one pass over the text, at most 100)")
    parser.add_argument("--lr", type=float, default=4e-3, help="Adam learning rate (default 0.004)")
    parser.add_argument("--lr-schedule", choices=["cosine", "constant"], default="cosine",
                        help="cosine: the rate falls to 5%% of --lr over the --minutes or --epochs budget (default); constant: it stays")
    parser.add_argument("--precision", choices=["float32", "mixed_bfloat16"], default="float32",
                        help="mixed_bfloat16: products in bfloat16, weights in float32; ~1.5x faster on CPUs with AVX512-BF16 (default float32)")
    parser.add_argument("--clipnorm", type=float, default=5.0, help="clip each weight's gradient to this norm (default 5)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--samples", type=int, default=2, help="samples printed after each epoch (default 2)")
    parser.add_argument("--resume", action="store_true", help="continue the run in --out from its latest checkpoint")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        result = language_model.train(
            data=args.data, out=args.out, tokens=args.tokens, cell=args.cell, layers=args.layers, units=args.units,
            embedding=args.embedding, dropout=args.dropout, seq_len=args.seq_len, batch_size=args.batch_size,
            epochs=args.epochs, minutes=args.minutes, steps_per_epoch=args.steps_per_epoch, learning_rate=args.lr,
            clipnorm=args.clipnorm, lr_schedule=args.lr_schedule, precision=args.precision, min_frequency=args.min_frequency, max_vocab=args.max_vocab, seed=args.seed,
            samples=args.samples, resume=args.resume,
        )
    except ValueError as error:
        print(f"rnnkit train lm: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nrnnkit train lm: interrupted; the latest checkpoint is the last finished epoch's", file=sys.stderr)
        return 130
    if not result.history:
        print("rnnkit train lm: no epoch finished", file=sys.stderr)
        return 1
    model, tokenizer = result.model, result.tokenizer
    for temperature in (0.5, 1.0):
        text = language_model.sample_text(model, tokenizer, "", 300, temperature=temperature, seed=args.seed)
        print(f"\n--- sample at temperature {temperature} ---\n{text.strip()}")
    last = result.history[-1]
    print(f"\nStopped by {result.stopped_by} after {last['epoch']} epochs: held-out {last['val_loss']:.4f} nats/token, "
          f"{last['val_bits_per_char']:.3f} bits/char")
    print(f"model: {result.best}")
    print(f"plot:  {result.plot}")
    prime = " --prime 'ROMEO:'" if args.data is None else ""
    print(f"next:  rnnkit sample {result.out}{prime} --temperature 0.8")
    return 1 if result.stopped_by == "nan" else 0
