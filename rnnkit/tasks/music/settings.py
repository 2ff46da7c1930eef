"""The settings of a music run: every default, help text and check, in one place.

``rnnkit train music`` makes its flags from these fields; ``music.train`` takes them (as a
:class:`MusicSettings`, or as keyword arguments).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..language_model.model import CELLS
from ..settings import check_settings, setting


@dataclass(frozen=True)
class MusicSettings:
    """One tune-model run: tunes, network, training."""

    data: str | None = setting(None, "an ABC file or a folder of .abc files (default: O'Neill's 1850 collection in music21's corpus)")
    out: str = setting("runs/music", "run directory")
    cell: str = setting("lstm", "recurrent layer", choices=tuple(CELLS))
    layers: int = setting(1, "stacked recurrent layers (1 suits a few minutes of training; 2-3 for longer runs)", positive=True)
    units: int = setting(128, "units per recurrent layer", positive=True)
    embedding: int = setting(64, "embedding size", positive=True)
    dropout: float = setting(0.2, "dropout between layers", minimum=0, below=1)
    seq_len: int = setting(128, "tokens per training window", positive=True)
    batch_size: int = setting(32, "windows per batch", positive=True)
    epochs: int = setting(30, "epochs (one pass over the training tunes each)", positive=True)
    minutes: float | None = setting(None, "stop after this many minutes of training", above=0)
    clock: str = setting("wall", "what --minutes counts: wall time, or this process's CPU time", choices=("wall", "cpu"))
    patience: int = setting(3, "early stopping: epochs without a better validation loss before training stops", positive=True)
    learning_rate: float = setting(3e-3, "Adam learning rate", above=0, flag="--lr")
    split_seed: int = setting(0, "seed of the split of the tunes into train, validation and test")
    seed: int = setting(0, "random seed")
    resume: bool = setting(False, "continue the run in --out from its last finished epoch, with its own settings")

    def __post_init__(self) -> None:
        check_settings(self)
