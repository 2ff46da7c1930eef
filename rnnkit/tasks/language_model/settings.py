"""The settings of a language-model run: every default, help text and check, in one place.

``rnnkit train lm`` makes its flags from these fields; ``language_model.train`` takes them (as
an :class:`LMSettings`, or as keyword arguments). A resumed run takes the architecture, the
tokenizer and the data settings from its checkpoint instead.

The size of the network, its dropout and the early-stopping patience depend on the time budget:
:data:`SHORT_RECIPE` (the 3-minute main job, or no ``minutes``) and :data:`LONG_RECIPE` (from
:data:`LONG_RUN_MINUTES`), each the best measured for its budget on the bundled plays
(``benchmarks/lm_shakespeare.py``, benchmarks/RESULTS.md). Those fields default to None and
:meth:`LMSettings.for_budget` fills them; a value given by the user always wins.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..settings import check_settings, setting
from ..precision import PRECISIONS
from .model import CELLS

LR_SCHEDULES = ("cosine", "constant")
WINDOWS = ("random", "streams")  # how training reads the text (rnnkit.tasks.language_model.batches)
#: From this many minutes on, a run takes LONG_RECIPE.
LONG_RUN_MINUTES = 10
SHORT_RECIPE = {"units": 256, "dropout": 0.0, "patience": 5}
#: A wider GRU needs dropout, and early stopping must not end the cosine schedule on one noisy epoch.
LONG_RECIPE = {"units": 384, "dropout": 0.2, "patience": 20}


def _by_budget(name: str) -> str:
    return f"(default {SHORT_RECIPE[name]}; {LONG_RECIPE[name]} with --minutes {LONG_RUN_MINUTES} or more)"


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
    units: int | None = setting(None, f"units per recurrent layer {_by_budget('units')}", positive=True)
    embedding: int = setting(64, "embedding size", positive=True)
    dropout: float | None = setting(None, f"dropout between layers and before the output {_by_budget('dropout')}", minimum=0, below=1)
    seq_len: int = setting(128, "tokens per training window", positive=True)
    windows: str = setting("random", "random: windows in random order, each from a zero state; streams: each batch row reads on "
                           "from where the row before stopped, its state carried over (reset each epoch)", choices=WINDOWS)
    batch_size: int = setting(32, "windows per batch", positive=True)
    epochs: int | None = setting(None, "epochs to train (default 10, or unlimited with --minutes)", positive=True)
    minutes: float | None = setting(None, "stop after this many minutes of training", above=0)
    patience: int | None = setting(None, f"stop after this many epochs without a better held-out loss {_by_budget('patience')}",
                                   positive=True)
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

    def for_budget(self) -> "LMSettings":
        """These settings with every field left at None given its value from the recipe for ``minutes``."""
        long_run = self.minutes is not None and self.minutes >= LONG_RUN_MINUTES
        recipe = LONG_RECIPE if long_run else SHORT_RECIPE
        return dataclasses.replace(self, **{name: value for name, value in recipe.items() if getattr(self, name) is None})
