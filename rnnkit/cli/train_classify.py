"""``rnnkit train classify``: a recurrent classifier of texts (sentiment, topics) or of numeric sequences."""

from __future__ import annotations

import argparse

from ..tasks import classification
from .settings_flags import add_setting_flags, settings_from

EXAMPLE = """examples:
  rnnkit train classify --data ratings_train.txt --val ratings_dev.txt --out runs/nsmc      # NSMC: id<TAB>document<TAB>label
  rnnkit train classify --data reviews.csv --text-col review --label-col stars --tokens bpe --class-weights balanced
  rnnkit eval runs/nsmc --data ratings_test.txt
  rnnkit train classify --data ratings_train.txt --val ratings_dev.txt --ensemble 2 --out runs/nsmc2   # mean of 2 models
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
    add_setting_flags(parser, classification.ClassifySettings)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    result = classification.train(settings_from(args, classification.ClassifySettings))
    if result.best_epoch is None:  # an ensemble
        print(f"validation accuracy of the ensemble of {len(result.model)}: {result.best:.4f}")
    else:
        print(f"best validation accuracy {result.best:.4f} (epoch {result.best_epoch})")
    print(f"model: {result.checkpoint}")
    if result.details["encoder"] is None:
        print(f"next:  rnnkit eval {result.out}{'' if args.data is None else ' --data FILE'};  rnnkit predict {result.out} --data FILE")
    else:
        print(f"next:  rnnkit eval {result.out} --data FILE;  rnnkit predict {result.out} 'some text'")
    return 0
