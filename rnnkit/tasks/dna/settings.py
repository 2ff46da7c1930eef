"""The settings of a DNA classification run: every default, help text and check, in one place.

``rnnkit train dna`` makes its flags from these fields; ``dna.train`` takes them (as a
:class:`DNASettings`, or as keyword arguments).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..classification.model import CELLS, POOLING
from ..settings import check_settings, setting

AUGMENTATIONS = ("none", "as-neither")


@dataclass(frozen=True)
class DNASettings:
    """One splice-junction run: data, augmentation, network, training."""

    data: str | None = setting(None, "labelled sequences: 'label, name, sequence' per line as in UCI's splice.data "
                               "(default: the bundled deduplicated splice data, its train split)")
    val: str | None = setting(None, "validation sequences in the same form (default: the bundled val split, or a random "
                              "10% of --data)")
    out: str = setting("runs/dna", "run directory")
    reverse_complement: str = setting("none", "as-neither: add each training sequence's reverse complement labelled N "
                                      "(the other strand of a junction is not a junction read this way)", choices=AUGMENTATIONS)
    cell: str = setting("lstm", "recurrent layer", choices=tuple(CELLS))
    layers: int = setting(1, "stacked bidirectional layers", positive=True)
    units: int = setting(64, "units per layer and direction", positive=True)
    embedding: int = setting(16, "embedding size per base", positive=True)
    dropout: float = setting(0.3, "dropout after each recurrent layer", minimum=0, below=1)
    pooling: str = setting("mean", "what the classifier reads: the mean over the 60 steps, or the last step", choices=POOLING)
    batch_size: int = setting(64, "sequences per batch", positive=True)
    epochs: int = setting(40, "epochs", positive=True)
    minutes: float | None = setting(None, "stop after this many minutes of training", above=0)
    learning_rate: float = setting(2e-3, "Adam learning rate", above=0, flag="--lr")
    val_fraction: float = setting(0.1, "share of --data held out for validation when no val is given", above=0, below=1, cli=False)
    seed: int = setting(0, "random seed")
    resume: bool = setting(False, "continue the run in --out from its last finished epoch, with its own settings")

    def __post_init__(self) -> None:
        check_settings(self)
