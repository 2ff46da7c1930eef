"""The settings of a classification run: every default, help text and check, in one place.

``rnnkit train classify`` makes its flags from these fields; ``classification.train`` takes
them (as a :class:`ClassifySettings`, or as keyword arguments).

Texts and numeric sequences want different networks, so the fields of the network and its
training default to None, filled by :meth:`ClassifySettings.for_data` from one of two recipes:
:data:`TEXT_RECIPE`, the best measured on NSMC (``benchmarks/nsmc_classify.py``: subwords then
characters, token dropout, a mean-pooled BiGRU, 0.871 dev accuracy in 14 minutes where the
earlier word-token defaults reached 0.82), and :data:`SEQUENCE_RECIPE`, measured on the bundled
Japanese Vowels (``benchmarks/numeric_sequences.py``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..settings import check_settings, setting
from .model import CELLS, POOLING
from .text import KINDS


TEXT_RECIPE = {"cell": "gru", "units": 128, "dropout": 0.4, "pooling": "mean", "batch_size": 128, "learning_rate": 3e-3,
               "lr_schedule": "cosine", "epochs": 5}
SEQUENCE_RECIPE = {"cell": "lstm", "units": 64, "dropout": 0.3, "pooling": "last", "batch_size": 64, "learning_rate": 2e-3,
                   "lr_schedule": "constant", "epochs": 30}


TEXT_TOKENS = "bpe+char"  # without --vectors


def _by_kind(name: str) -> str:
    return f"(default {TEXT_RECIPE[name]} for texts, {SEQUENCE_RECIPE[name]} for numeric sequences)"


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
    tokens: str | None = setting(None, "what a token is; bpe+char reads each text as subwords, then as characters, in one sequence "
                                 "(default bpe+char; word with --vectors, whose words fill the embedding)", choices=KINDS)
    max_vocab: int | None = setting(16000, "vocabulary size cap (bpe: the subword vocabulary's size)", positive=True)
    min_frequency: int = setting(1, "rarer tokens become unknown", positive=True)
    max_len: int = setting(140, "tokens kept per text", positive=True)
    cell: str | None = setting(None, f"recurrent layer {_by_kind('cell')}", choices=tuple(CELLS))
    bidirectional: bool = setting(True, "read texts both ways")
    layers: int = setting(1, "stacked recurrent layers", positive=True)
    units: int | None = setting(None, f"units per recurrent layer and direction {_by_kind('units')}", positive=True)
    embedding: int = setting(64, "embedding size (default 64; the vectors' size with --vectors)", positive=True)
    dropout: float | None = setting(None, f"dropout after each recurrent layer {_by_kind('dropout')}", minimum=0, below=1)
    token_dropout: float = setting(0.3, "texts: the share of tokens dropped whole in each training batch, against memorising rare "
                                   "ones", minimum=0, below=1)
    pooling: str | None = setting(None, f"what the classifier reads: the last recurrent step or the mean over a text's steps "
                                  f"{_by_kind('pooling')}", choices=POOLING)
    batch_size: int | None = setting(None, f"texts per batch {_by_kind('batch_size')}", positive=True)
    epochs: int | None = setting(None, f"epochs {_by_kind('epochs')}", positive=True)
    patience: int = setting(2, "stop after this many epochs without a better validation accuracy", positive=True)
    minutes: float | None = setting(None, "stop after this many minutes of training", above=0)
    learning_rate: float | None = setting(None, f"Adam learning rate {_by_kind('learning_rate')}", above=0, flag="--lr")
    lr_schedule: str | None = setting(None, "cosine: the rate falls to 5% of --lr over the --epochs or --minutes, whichever end "
                                      f"first {_by_kind('lr_schedule')}", choices=("constant", "cosine"))
    class_weights: str = setting("none", "weight rare classes up", choices=("none", "balanced"))
    vectors: str | None = setting(None, "pretrained word vectors (GloVe/word2vec text, word2vec .bin) for the embedding")
    freeze_vectors: bool = setting(False, "keep the pretrained vectors fixed while training")
    val_fraction: float = setting(0.1, "share of the data held out for validation when no val is given", above=0, below=1, cli=False)
    seed: int = setting(0, "random seed")
    ensemble: int = setting(1, "train this many models (seeds seed, seed+1, ...) into OUT/member-1, ...; --minutes is shared between "
                               "them, and eval and predict of OUT average their class probabilities", positive=True)
    member: int | None = setting(None, "this run is member K of an ensemble: its weights and batches are seeded with seed + K - 1, "
                                       "its validation split with seed, as every member's", positive=True, cli=False)
    resume: bool = setting(False, "continue the run in --out from its last finished epoch, with its own settings")

    def __post_init__(self) -> None:
        check_settings(self)

    def for_data(self, numeric: bool) -> "ClassifySettings":
        """These settings with every field left at None given its value from the recipe for texts or numeric sequences."""
        recipe = SEQUENCE_RECIPE if numeric else {**TEXT_RECIPE, "tokens": "word" if self.vectors is not None else TEXT_TOKENS}
        return dataclasses.replace(self, **{name: value for name, value in recipe.items() if getattr(self, name) is None})
