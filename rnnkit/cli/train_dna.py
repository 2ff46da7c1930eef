"""``rnnkit train dna``: a bidirectional recurrent classifier of splice junctions over DNA bases."""

from __future__ import annotations

import argparse

from ..tasks import dna
from .settings_flags import add_setting_flags, settings_from

EXAMPLE = """examples:
  rnnkit train dna                                    # the bundled UCI splice data (deduplicated); scored on its test split
  rnnkit train dna --reverse-complement as-neither --out runs/dna-rc   # other strands added as N
  rnnkit eval runs/dna                                # per-class precision, recall, F1 and the confusion matrix
  rnnkit predict runs/dna CCAGCTGCATCACAGGAGGCCAGCGAGCAGGTCTGTTCCAAGGGCCTTCGAGCCAGTCTG
  rnnkit predict runs/dna --data sequences.txt        # one sequence per line
  rnnkit train dna --data my_splice.data --out runs/mine   # 'label, name, sequence' per line
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "dna",
        help="DNA classification: splice junctions (EI, IE, N) from 60 bases, a bidirectional LSTM/GRU",
        description="Train a splice-junction classifier over DNA bases; writes OUT/model.safetensors (best validation accuracy).",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_setting_flags(parser, dna.DNASettings)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args, dna.DNASettings)
    result = dna.train(settings)
    print(f"best validation accuracy {result.best:.4f} (epoch {result.best_epoch})")
    if settings.data is None:
        report = dna.evaluate(result.out)
        print(f"test split: accuracy {report.accuracy:.4f}  macro F1 {report.macro_f1:.4f}  ({int(report.matrix.sum())} sequences)")
    print(f"model: {result.checkpoint}")
    print(f"next:  rnnkit eval {result.out}{'' if settings.data is None else ' --data FILE'};  rnnkit predict {result.out} SEQUENCE")
    return 0
