"""The settings of a speech-recognition (CTC) run: every default, help text and check, in one place.

``rnnkit train ctc`` makes its flags from these fields; ``speech.train`` takes them (as a
:class:`CTCSettings`, or as keyword arguments).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..settings import check_settings, setting
from .model import CELLS


@dataclass(frozen=True)
class CTCSettings:
    """One acoustic-model run: data, network, training."""

    data: str | None = setting(None, "a transcript .tsv (file<TAB>text per line, paths relative to it) or the folder holding it "
                               "and its WAV files (default: the bundled spoken digits, training voices)")
    val: str | None = setting(None, "validation recordings in the same form (default: a random 10% of --data)")
    out: str = setting("runs/ctc", "run directory")
    cell: str = setting("lstm", "recurrent layer", choices=tuple(CELLS))
    layers: int = setting(2, "stacked bidirectional layers", positive=True)
    units: int = setting(128, "units per layer and direction", positive=True)
    stride: int | None = setting(None, "feature frames stacked into one model step (default: as many as make about 30 ms)",
                                 positive=True)
    dropout: float = setting(0.2, "dropout after each recurrent layer", minimum=0, below=1)
    batch_size: int = setting(32, "utterances per batch", positive=True)
    epochs: int = setting(40, "epochs", positive=True)
    patience: int = setting(8, "stop after this many epochs without a better validation CER", positive=True)
    minutes: float | None = setting(None, "stop after this many minutes of training", above=0)
    clock: str = setting("wall", "what --minutes counts: wall time, or this process's CPU time", choices=("wall", "cpu"))
    learning_rate: float = setting(2e-3, "Adam learning rate", above=0, flag="--lr")
    val_fraction: float = setting(0.1, "share of the data held out for validation when no val is given", above=0, below=1,
                                  cli=False)
    seed: int = setting(0, "random seed")

    def __post_init__(self) -> None:
        check_settings(self)
