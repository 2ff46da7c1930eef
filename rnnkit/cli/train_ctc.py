"""``rnnkit train ctc``: a bidirectional recurrent acoustic model trained with CTC, on recordings or the bundled spoken digits."""

from __future__ import annotations

import argparse

from ..tasks import speech
from .settings_flags import add_setting_flags, settings_from

EXAMPLE = """examples:
  rnnkit train ctc --minutes 4                        # the bundled spoken digits; scored on voices it never heard
  rnnkit train ctc --data recordings/ --out runs/asr  # recordings/ holds WAV files and one transcript .tsv: file<TAB>text
  rnnkit transcribe runs/ctc one.wav two.wav --beam 8
  rnnkit eval runs/asr --data test_recordings/
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "ctc",
        help="speech recognition: a bidirectional LSTM/GRU over log-mel frames, trained with CTC",
        description="Train a character-level acoustic model with CTC; writes OUT/model.safetensors (best validation CER).",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_setting_flags(parser, speech.CTCSettings)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args, speech.CTCSettings)
    result = speech.train(settings)
    print(f"best validation CER {result.best:.4f} (epoch {result.best_epoch}, greedy decoding)")
    if settings.data is None:
        report = speech.evaluate(result.out)
        print(f"held-out voices: CER {report.cer:.4f}  WER {report.wer:.4f}  ({len(report.references)} utterances)")
    print(f"model: {result.checkpoint}")
    print(f"next:  rnnkit transcribe {result.out} FILE.wav --beam 8;  rnnkit eval {result.out}"
          f"{'' if settings.data is None else ' --data FOLDER'}")
    return 0
