"""``rnnkit train tag``: a bidirectional recurrent tagger (part of speech, IOB entities) from tagged sentences."""

from __future__ import annotations

import argparse
import sys

from ..tasks import tagging

EXAMPLE = """examples:
  rnnkit train tag --data en_ewt-ud-train.conllu --val en_ewt-ud-dev.conllu --out runs/pos        # UPOS tags
  rnnkit train tag --data en_ewt-ud-train.conllu --column xpos --cell gru --out runs/xpos
  rnnkit train tag --data ner_train.txt --out runs/ner            # two columns: word TAG (IOB), blank line between sentences
  rnnkit eval runs/pos --data en_ewt-ud-dev.conllu
  rnnkit predict runs/pos "The cat sat on the mat ."
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "tag",
        help="a tagger: one tag per word (CoNLL-U, word/TAG lines, or two-column IOB text)",
        description="Train a bidirectional recurrent tagger; writes OUT/model.safetensors (best validation accuracy).",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data", required=True, help="tagged sentences: .conllu, word/TAG per sentence line, or 'word TAG' per line")
    parser.add_argument("--val", help="validation sentences in the same format (default: a random 10%% of --data)")
    parser.add_argument("--out", default="runs/tag", help="run directory (default runs/tag)")
    parser.add_argument("--format", dest="fmt", choices=["auto", "conllu", "slash", "columns"], default="auto", help="file format (default auto)")
    parser.add_argument("--column", choices=["upos", "xpos"], default="upos", help="CoNLL-U tag column (default upos)")
    parser.add_argument("--cell", choices=["lstm", "gru", "simple"], default="lstm", help="recurrent layer (default lstm)")
    parser.add_argument("--bidirectional", action=argparse.BooleanOptionalAction, default=True, help="read both ways (default yes)")
    parser.add_argument("--layers", type=int, default=1, help="stacked recurrent layers (default 1)")
    parser.add_argument("--units", type=int, default=128, help="units per layer and direction (default 128)")
    parser.add_argument("--embedding", type=int, default=100, help="word embedding size (default 100)")
    parser.add_argument("--dropout", type=float, default=0.3, help="dropout after each recurrent layer (default 0.3)")
    parser.add_argument("--word-dropout", type=float, default=0.05, help="chance a training word is hidden as unknown (default 0.05)")
    parser.add_argument("--max-vocab", type=int, default=50000, help="word vocabulary cap (default 50000)")
    parser.add_argument("--batch-size", type=int, default=32, help="sentences per batch (default 32)")
    parser.add_argument("--epochs", type=int, default=5, help="epochs (default 5)")
    parser.add_argument("--minutes", type=float, help="stop after this many minutes of training")
    parser.add_argument("--lr", type=float, default=2e-3, help="Adam learning rate (default 0.002)")
    parser.add_argument("--char-units", type=int, default=0, help="character-level word features: units of a char BiLSTM (default 0: off)")
    parser.add_argument("--vectors", help="pretrained word vectors (GloVe/word2vec text, word2vec .bin) for the word embedding")
    parser.add_argument("--freeze-vectors", action="store_true", help="keep the pretrained vectors fixed while training")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        result = tagging.train(
            data=args.data, val=args.val, out=args.out, fmt=args.fmt, column=args.column, cell=args.cell,
            bidirectional=args.bidirectional, layers=args.layers, units=args.units, embedding=args.embedding,
            dropout=args.dropout, word_dropout=args.word_dropout, max_vocab=args.max_vocab, batch_size=args.batch_size,
            epochs=args.epochs, minutes=args.minutes, learning_rate=args.lr, vectors=args.vectors,
            freeze_vectors=args.freeze_vectors, char_units=args.char_units, seed=args.seed,
        )
    except ValueError as error:
        print(f"rnnkit train tag: error: {error}", file=sys.stderr)
        return 2
    print(f"best validation accuracy {result.val_accuracy:.4f} (epoch {result.best_epoch})")
    print(f"model: {result.checkpoint}")
    print(f"next:  rnnkit eval {result.out} --data FILE;  rnnkit predict {result.out} 'The cat sat on the mat .'")
    return 0
