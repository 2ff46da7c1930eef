"""``rnnkit train tag``: a bidirectional recurrent tagger (part of speech, IOB entities) from tagged sentences."""

from __future__ import annotations

import argparse

from ..tasks import tagging
from .settings_flags import add_setting_flags, settings_from

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
    add_setting_flags(parser, tagging.TagSettings)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args, tagging.TagSettings)
    result = tagging.train(settings)
    print(f"best validation accuracy {result.best:.4f} (epoch {result.best_epoch})")
    if settings.val is not None:  # where a tagger errs: the words it never saw in training
        report = tagging.evaluate(result.out, settings.val)
        share = lambda value: "none" if value is None else f"{value:.4f}"
        print(f"on {settings.val}: known words {share(report.known_word_accuracy)}, unseen words {share(report.unknown_word_accuracy)}")
    print(f"model: {result.checkpoint}")
    print(f"next:  rnnkit eval {result.out} --data FILE;  rnnkit predict {result.out} 'The cat sat on the mat .'")
    return 0
