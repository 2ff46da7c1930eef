"""``rnnkit train classify``: a recurrent classifier of texts (sentiment, topics) or of numeric sequences."""

from __future__ import annotations

import argparse
import sys

from ..tasks import classification

EXAMPLE = """examples:
  rnnkit train classify --data ratings_train.txt --val ratings_dev.txt --out runs/nsmc      # NSMC: id<TAB>document<TAB>label
  rnnkit train classify --data reviews.csv --text-col review --label-col stars --tokens bpe --class-weights balanced
  rnnkit eval runs/nsmc --data ratings_test.txt
  rnnkit predict runs/nsmc "정말 재밌어요" "시간이 아깝다"
  rnnkit train classify --sequence-of-features --out runs/vowels                # bundled Japanese Vowels (9 speakers)
  rnnkit eval runs/vowels                                                       # its test part
  rnnkit predict runs/vowels --data new_utterances.npz                          # id, speaker, probability
  rnnkit train classify --data steps.csv --sequence-of-features --id-col trial --time-col t --features ax,ay,az
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "classify",
        help="a classifier: one label per text (TSV/CSV/JSONL) or per numeric sequence (NPZ, long CSV)",
        description="Train a recurrent classifier; writes OUT/model.safetensors (best validation accuracy).",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data", help="labelled rows: .tsv/.txt (tab-separated, header line), .csv or .jsonl; or numeric sequences: "
                        ".npz with x (N, T, F), y (N,) [, lengths (N,)], or a table with --sequence-of-features")
    parser.add_argument("--sequence-of-features", action="store_true",
                        help="--data is a long table of numeric sequences, one row per time step (id, label, [time,] "
                             "features); without --data: the bundled Japanese Vowels set (UCI, 9 speakers)")
    parser.add_argument("--id-col", help="sequences: sequence-id column (default: id, sequence, series, ...)")
    parser.add_argument("--time-col", help="sequences: column that orders a sequence's rows (default: time, step, t or frame "
                                           "if present, else file order)")
    parser.add_argument("--features", help="sequences: feature columns, comma-separated (default: every other numeric column)")
    parser.add_argument("--val", help="validation rows in the same format (default: a random 10%% of --data)")
    parser.add_argument("--out", default="runs/classify", help="run directory (default runs/classify)")
    parser.add_argument("--text-col", help="text column (default: text, document, sentence, review, ...)")
    parser.add_argument("--label-col", help="label column (default: label, sentiment, class, ...); one label per sequence")
    parser.add_argument("--tokens", choices=["char", "word", "bpe", "bpe+char"], default="word",
                        help="what a token is (default word); bpe+char reads each text as subwords, then as characters, in one sequence")
    parser.add_argument("--max-vocab", type=int, default=20000, help="vocabulary size cap (default 20000)")
    parser.add_argument("--min-frequency", type=int, default=1, help="rarer tokens become unknown (default 1)")
    parser.add_argument("--max-len", type=int, default=100, help="tokens kept per text (default 100)")
    parser.add_argument("--cell", choices=["lstm", "gru", "simple"], default="lstm", help="recurrent layer (default lstm)")
    parser.add_argument("--bidirectional", action=argparse.BooleanOptionalAction, default=True, help="read texts both ways (default yes)")
    parser.add_argument("--layers", type=int, default=1, help="stacked recurrent layers (default 1)")
    parser.add_argument("--units", type=int, default=64, help="units per recurrent layer and direction (default 64)")
    parser.add_argument("--embedding", type=int, default=64, help="embedding size (default 64; the vectors' size with --vectors)")
    parser.add_argument("--dropout", type=float, default=0.3, help="dropout after each recurrent layer (default 0.3)")
    parser.add_argument("--token-dropout", type=float, default=0.0,
                        help="texts: the share of tokens dropped whole in each training batch (default 0; 0.2-0.3 against overfitting)")
    parser.add_argument("--pooling", choices=["last", "mean"], default="last",
                        help="what the classifier reads: the last recurrent step (default) or the mean over a text's steps")
    parser.add_argument("--batch-size", type=int, default=64, help="texts per batch (default 64)")
    parser.add_argument("--epochs", type=int, help="epochs (default 5 for texts, 30 for numeric sequences)")
    parser.add_argument("--minutes", type=float, help="stop after this many minutes of training")
    parser.add_argument("--lr", type=float, default=2e-3, help="Adam learning rate (default 0.002)")
    parser.add_argument("--lr-schedule", choices=["constant", "cosine"], default="constant",
                        help="cosine: the rate falls to 5%% of --lr over the --epochs or --minutes, whichever end first; default constant")
    parser.add_argument("--class-weights", choices=["none", "balanced"], default="none", help="weight rare classes up (default none)")
    parser.add_argument("--vectors", help="pretrained word vectors (GloVe/word2vec text, word2vec .bin) for the embedding")
    parser.add_argument("--freeze-vectors", action="store_true", help="keep the pretrained vectors fixed while training")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    features = [c.strip() for c in args.features.split(",") if c.strip()] if args.features else None
    try:
        result = classification.train(
            data=args.data, val=args.val, out=args.out, text_col=args.text_col, label_col=args.label_col, tokens=args.tokens,
            max_vocab=args.max_vocab, min_frequency=args.min_frequency, max_len=args.max_len, cell=args.cell,
            bidirectional=args.bidirectional, layers=args.layers, units=args.units, embedding=args.embedding,
            dropout=args.dropout, pooling=args.pooling, token_dropout=args.token_dropout, batch_size=args.batch_size, epochs=args.epochs, minutes=args.minutes, learning_rate=args.lr, lr_schedule=args.lr_schedule,
            class_weights=args.class_weights, vectors=args.vectors, freeze_vectors=args.freeze_vectors, seed=args.seed,
            sequence_of_features=args.sequence_of_features, id_col=args.id_col, time_col=args.time_col, features=features,
        )
    except ValueError as error:
        print(f"rnnkit train classify: error: {error}", file=sys.stderr)
        return 2
    print(f"best validation accuracy {result.val_accuracy:.4f} (epoch {result.best_epoch})")
    print(f"model: {result.checkpoint}")
    if result.encoder is None:
        print(f"next:  rnnkit eval {result.out}{'' if args.data is None else ' --data FILE'};  rnnkit predict {result.out} --data FILE")
    else:
        print(f"next:  rnnkit eval {result.out} --data FILE;  rnnkit predict {result.out} 'some text'")
    return 0
