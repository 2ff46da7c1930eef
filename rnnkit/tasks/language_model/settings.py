"""The settings of a language-model run: every default, help text and check, in one place.

``rnnkit train lm`` makes its flags from these fields; ``language_model.train`` takes them (as
an :class:`LMSettings`, or as keyword arguments). A resumed run takes the architecture, the
tokenizer and the data settings from its checkpoint instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..settings import check_settings, setting
from ..precision import PRECISIONS
from .model import CELLS

LR_SCHEDULES = ("cosine", "constant")


@dataclass(frozen=True)
class LMSettings:
    """One language-model run: text, tokens, network, training, reporting."""

    data: str | None = setting(None, "a UTF-8 text file or a folder of them (default: the bundled Shakespeare)")
    out: str = setting("runs/lm", "run directory for checkpoints and the plot")
    tokens: str = setting("char", "what a token is", choices=("char", "word", "bpe", "unigram"))
    min_frequency: int = setting(1, "word tokens: rarer words become <unk>", positive=True)
    max_vocab: int | None = setting(None, "word tokens: vocabulary cap; bpe/unigram: vocabulary size (default 2000)", positive=True)
    cell: str = setting("gru", "recurrent layer (GRU by default: it learned fastest in the measured trials, benchmarks/RESULTS.md)",
                        choices=tuple(CELLS))
    layers: int = setting(1, "stacked recurrent layers (default 1; 2-3 for long runs)", positive=True)
    units: int = setting(256, "units per recurrent layer", positive=True)
    embedding: int = setting(64, "embedding size", positive=True)
    dropout: float = setting(0.0, "dropout between layers (default 0; try 0.2-0.5 on small texts)", minimum=0, below=1)
    seq_len: int = setting(128, "tokens per training window", positive=True)
    batch_size: int = setting(32, "windows per batch", positive=True)
    epochs: int | None = setting(None, "epochs to train (default 10, or unlimited with --minutes)", positive=True)
    minutes: float | None = setting(None, "stop after this many minutes of training", above=0)
    patience: int = setting(5, "stop after this many epochs without a better held-out loss", positive=True)
    steps_per_epoch: int | None = setting(None, "batches per epoch (default: one pass over the text, at most 100)", positive=True)
    learning_rate: float = setting(6e-3, "Adam learning rate", above=0, flag="--lr")
    lr_schedule: str = setting("cosine", "cosine: the rate falls to 5% of --lr over the --minutes or --epochs budget (default); "
                               "constant: it stays", choices=LR_SCHEDULES)
    precision: str = setting("auto", "mixed_bfloat16: products in bfloat16, weights in float32 (~1.5x faster on CPUs with "
                             "AVX512-BF16); auto: that where the CPU has bfloat16 instructions, else float32", choices=PRECISIONS)
    clipnorm: float | None = setting(5.0, "clip each weight's gradient to this norm", above=0)
    seed: int = setting(0, "random seed")
    samples: int = setting(2, "samples printed after each epoch", minimum=0)
    sample_length: int = setting(200, "tokens per sample printed after an epoch", positive=True, cli=False)
    eval_tokens: int | None = setting(50_000, "held-out tokens the loss after each epoch is measured on (None: all)", positive=True,
                                      cli=False)
    resume: bool = setting(False, "continue the run in --out from its latest checkpoint")

    def __post_init__(self) -> None:
        check_settings(self)
