"""``rnnkit word2vec --data CORPUS``: train word vectors with gensim, for ``--vectors`` of classify and tag."""

from __future__ import annotations

import argparse

from ..tasks import word_vectors


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "word2vec",
        help="train Word2Vec vectors on a corpus (writes word2vec binary)",
        description="Example: rnnkit word2vec --data ratings_train.txt --out runs/nsmc.bin && "
                    "rnnkit train classify --data ratings_train.txt --vectors runs/nsmc.bin",
    )
    parser.add_argument("--data", required=True, help="a text file or folder (a line per sentence), or a TSV/CSV/JSONL table's text column")
    parser.add_argument("--text-col", help="the table's text column (default: text, document, sentence, ...)")
    parser.add_argument("--out", default="vectors.bin", help="where to write the vectors (default vectors.bin)")
    parser.add_argument("--size", type=int, default=100, help="dimensions (default 100)")
    parser.add_argument("--window", type=int, default=5, help="context words each side (default 5)")
    parser.add_argument("--min-count", type=int, default=2, help="ignore rarer words (default 2)")
    parser.add_argument("--epochs", type=int, default=5, help="passes over the corpus (default 5)")
    parser.add_argument("--skip-gram", action="store_true", help="skip-gram instead of CBOW")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    result = word_vectors.train_word2vec(args.data, args.out, args.size, args.window, args.min_count, args.epochs,
                                         args.skip_gram, args.text_col, args.seed)
    print(f"{result.words:,} words from {result.sentences:,} lines -> {result.path}")
    return 0
