"""The settings of a tagging run: every default, help text and check, in one place.

``rnnkit train tag`` makes its flags from these fields; ``tagging.train`` takes them (as a
:class:`TagSettings`, or as keyword arguments).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..settings import check_settings, setting
from .model import CELLS


@dataclass(frozen=True)
class TagSettings:
    """One tagging run: data, network, training."""

    data: str = setting(help="tagged sentences: .conllu, word/TAG per sentence line, or 'word TAG' per line")
    val: str | None = setting(None, "validation sentences in the same format (default: a random 10% of --data)")
    out: str = setting("runs/tag", "run directory")
    fmt: str = setting("auto", "file format", choices=("auto", "conllu", "slash", "columns"), flag="--format")
    column: str = setting("upos", "CoNLL-U tag column", choices=("upos", "xpos"))
    cell: str = setting("lstm", "recurrent layer", choices=tuple(CELLS))
    bidirectional: bool = setting(True, "read both ways")
    layers: int = setting(1, "stacked recurrent layers", positive=True)
    units: int = setting(128, "units per layer and direction", positive=True)
    embedding: int = setting(100, "word embedding size", positive=True)
    dropout: float = setting(0.5, "dropout after each recurrent layer", minimum=0, below=1)
    word_dropout: float = setting(0.25, "chance a training word is hidden as unknown", minimum=0, below=1)
    min_frequency: int = setting(1, "rarer words become unknown", positive=True, cli=False)
    max_vocab: int | None = setting(50000, "word vocabulary cap", positive=True)
    batch_size: int = setting(32, "sentences per batch", positive=True)
    epochs: int = setting(30, "most epochs (early stopping usually ends sooner)", positive=True)
    patience: int = setting(3, "stop after this many epochs without a better validation accuracy", positive=True)
    minutes: float | None = setting(None, "stop after this many minutes of training", above=0)
    learning_rate: float = setting(2e-3, "Adam learning rate", above=0, flag="--lr")
    char_units: int = setting(32, "character-level word features: units of a char BiLSTM (0: off)", minimum=0)
    crf: bool = setting(False, "a linear-chain CRF output: learn tag-to-tag transitions, decode the best tag sequence (Viterbi)")
    vectors: str | None = setting(None, "pretrained word vectors (GloVe/word2vec text, word2vec .bin) for the word embedding")
    freeze_vectors: bool = setting(False, "keep the pretrained vectors fixed while training")
    val_fraction: float = setting(0.1, "share of the sentences held out for validation when no val is given", above=0, below=1,
                                  cli=False)
    seed: int = setting(0, "random seed")
    resume: bool = setting(False, "continue the run in --out from its last finished epoch, with its own settings")

    def __post_init__(self) -> None:
        check_settings(self)
