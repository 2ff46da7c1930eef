"""The settings of a classification run: every default, help text and check, in one place.

``rnnkit train classify`` makes its flags from these fields; ``classification.train`` takes
them (as a :class:`ClassifySettings`, or as keyword arguments).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..settings import check_settings, setting
from .model import CELLS, POOLING
from .text import KINDS


@dataclass(frozen=True)
class ClassifySettings:
    """One classification run: data, tokens, network, training."""

    data: str | None = setting(None, "labelled rows: .tsv/.txt (tab-separated, header line), .csv or .jsonl; or numeric "
                               "sequences: .npz with x (N, T, F), y (N,) [, lengths (N,)], or a table with --sequence-of-features")
    sequence_of_features: bool = setting(False, "--data is a long table of numeric sequences, one row per time step (id, label, "
                                         "[time,] features); without --data: the bundled Japanese Vowels set (UCI, 9 speakers)")
    id_col: str | None = setting(None, "sequences: sequence-id column (default: id, sequence, series, ...)")
    time_col: str | None = setting(None, "sequences: column that orders a sequence's rows (default: time, step, t or frame if "
                                   "present, else file order)")
    features: list[str] | None = setting(None, "sequences: feature columns, comma-separated (default: every other numeric column)")
    val: str | None = setting(None, "validation rows in the same format (default: a random 10% of --data)")
    out: str = setting("runs/classify", "run directory")
    text_col: str | None = setting(None, "text column (default: text, document, sentence, review, ...)")
    label_col: str | None = setting(None, "label column (default: label, sentiment, class, ...); one label per sequence")
    tokens: str = setting("word", "what a token is; bpe+char reads each text as subwords, then as characters, in one sequence",
                          choices=KINDS)
    max_vocab: int | None = setting(20000, "vocabulary size cap", positive=True)
    min_frequency: int = setting(1, "rarer tokens become unknown", positive=True)
    max_len: int = setting(100, "tokens kept per text", positive=True)
    cell: str = setting("lstm", "recurrent layer", choices=tuple(CELLS))
    bidirectional: bool = setting(True, "read texts both ways")
    layers: int = setting(1, "stacked recurrent layers", positive=True)
    units: int = setting(64, "units per recurrent layer and direction", positive=True)
    embedding: int = setting(64, "embedding size (default 64; the vectors' size with --vectors)", positive=True)
    dropout: float = setting(0.3, "dropout after each recurrent layer", minimum=0, below=1)
    token_dropout: float = setting(0.0, "texts: the share of tokens dropped whole in each training batch (default 0; 0.2-0.3 "
                                   "against overfitting)", minimum=0, below=1)
    pooling: str = setting("last", "what the classifier reads: the last recurrent step (default) or the mean over a text's steps",
                           choices=POOLING)
    batch_size: int = setting(64, "texts per batch", positive=True)
    epochs: int | None = setting(None, "epochs (default 5 for texts, 30 for numeric sequences)", positive=True)
    patience: int = setting(2, "stop after this many epochs without a better validation accuracy", positive=True)
    minutes: float | None = setting(None, "stop after this many minutes of training", above=0)
    learning_rate: float = setting(2e-3, "Adam learning rate", above=0, flag="--lr")
    lr_schedule: str = setting("constant", "cosine: the rate falls to 5% of --lr over the --epochs or --minutes, whichever end "
                               "first", choices=("constant", "cosine"))
    class_weights: str = setting("none", "weight rare classes up", choices=("none", "balanced"))
    vectors: str | None = setting(None, "pretrained word vectors (GloVe/word2vec text, word2vec .bin) for the embedding")
    freeze_vectors: bool = setting(False, "keep the pretrained vectors fixed while training")
    val_fraction: float = setting(0.1, "share of the data held out for validation when no val is given", above=0, below=1, cli=False)
    seed: int = setting(0, "random seed")
    resume: bool = setting(False, "continue the run in --out from its last finished epoch, with its own settings")

    def __post_init__(self) -> None:
        check_settings(self)

    def epochs_for(self, numeric: bool) -> int:
        """``epochs``, or its default: 5 for texts, 30 for numeric sequences (small sets, quick epochs)."""
        return self.epochs if self.epochs is not None else (30 if numeric else 5)
