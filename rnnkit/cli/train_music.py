"""``rnnkit train music``: a recurrent language model over ABC tunes (folk-rnn's tokens), O'Neill's 1850 collection by default."""

from __future__ import annotations

import argparse

from ..tasks import music
from .settings_flags import add_setting_flags, settings_from

EXAMPLE = """examples:
  rnnkit train music --minutes 3                      # O'Neill's 1850 tunes from music21's corpus (pip install 'rnnkit[music]')
  rnnkit sample runs/music --count 5 --out tunes/     # tunes/tune_1.abc, .mid and .png ...
  rnnkit sample runs/music --prime "M:6/8 K:Dmaj" --out tunes/
  rnnkit eval runs/music                              # held-out loss per token; share of sampled tunes that are valid ABC
  rnnkit train music --data my_tunes/ --out runs/mine # a folder of .abc files (or one file)
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "music",
        help="music generation: an LSTM over ABC tunes' tokens (meter, key, pitch, duration, bar), sampled to ABC, MIDI and PNG",
        description="Train a language model over tunes in ABC notation; writes OUT/model.safetensors (best validation loss).",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_setting_flags(parser, music.MusicSettings)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args, music.MusicSettings)
    result = music.train(settings)
    print(f"best validation loss {result.best:.4f} nats/token (epoch {result.best_epoch}; stopped by {result.stopped_by})")
    print(f"model: {result.checkpoint}")
    print(f"next:  rnnkit sample {result.out} --count 5 --out tunes/;  rnnkit eval {result.out}"
          f"{'' if settings.data is None else ' --data ' + settings.data}")
    return 0
