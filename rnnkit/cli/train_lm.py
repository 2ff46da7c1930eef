"""``rnnkit train lm``: train a character, word or subword language model on text."""

from __future__ import annotations

import argparse
import sys

from ..tasks import language_model
from .settings_flags import add_setting_flags, settings_from

EXAMPLE = """examples:
  rnnkit train lm --minutes 3                       # character GRU on the bundled Shakespeare
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
    add_setting_flags(parser, language_model.LMSettings)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    result = language_model.train(settings_from(args, language_model.LMSettings))
    if not result.history:
        print("rnnkit train lm: no epoch finished", file=sys.stderr)
        return 1
    model, tokenizer = result.model, result.details["tokenizer"]
    for temperature in (0.5, 1.0):
        text = language_model.sample_text(model, tokenizer, "", 300, temperature=temperature, seed=args.seed)
        print(f"\n--- sample at temperature {temperature} ---\n{text.strip()}")
    last = result.history[-1]
    print(f"\nStopped by {result.stopped_by} after {last['epoch']} epochs: held-out {last['val_loss']:.4f} nats/token, "
          f"{last['val_bits_per_char']:.3f} bits/char")
    print(f"model: {result.checkpoint}")
    print(f"plot:  {result.details['plot']}")
    prime = " --prime 'ROMEO:'" if args.data is None and not args.resume else ""  # the bundled plays (a resumed run's data may be any)
    print(f"next:  rnnkit sample {result.out}{prime} --temperature 0.8")
    return 1 if result.stopped_by == "nan" else 0
