"""The settings of a sequence-to-sequence run: every default, help text and check, in one place.

``rnnkit train seq2seq`` makes its flags from these fields; ``seq2seq.train`` takes them (as a
:class:`Seq2SeqSettings`, or as keyword arguments).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..settings import SettingError, check_settings, setting

TOKENS = ("char", "word", "bpe", "unigram")


@dataclass(frozen=True)
class Seq2SeqSettings:
    """One encoder-decoder run: pairs (or the generated dates), vocabularies, network, training."""

    data: str | None = setting(None, "UTF-8 file of source<TAB>target lines (default: generated dates -> ISO)")
    out: str = setting("runs/seq2seq", "run directory")
    source_tokens: str = setting("char", "source tokens", choices=TOKENS)
    target_tokens: str = setting("char", "target tokens", choices=TOKENS)
    shared_vocabulary: bool = setting(False, "one vocabulary and embedding for both sides")
    max_vocab: int | None = setting(None, "word tokens: vocabulary cap; bpe/unigram: vocabulary size", positive=True)
    cell: str = setting("lstm", "recurrent layer", choices=("lstm", "gru"))
    layers: int = setting(1, "encoder and decoder layers", positive=True)
    units: int = setting(128, "units per layer", positive=True)
    embedding: int = setting(32, "embedding size", positive=True)
    bidirectional: bool = setting(True, "bidirectional encoder", yes_no=True)
    attention: str | None = setting("general", "Luong dot/general, Bahdanau additive, or none",
                                    choices=("dot", "general", "additive", "none"))
    dropout: float = setting(0.0, "dropout between layers", minimum=0, below=1)
    batch_size: int = setting(64, "pairs per batch", positive=True)
    epochs: int | None = setting(None, "epochs (default 20, or unlimited with --minutes)", positive=True)
    patience: int = setting(3, "stop after this many epochs without a better held-out exact match", positive=True)
    minutes: float | None = setting(None, "stop after this many minutes of training", above=0)
    clock: str = setting("wall", "what --minutes counts: wall time, or this process's CPU time", choices=("wall", "cpu"))
    steps_per_epoch: int | None = setting(None, "batches per epoch (default: one pass over the pairs)", positive=True)
    learning_rate: float = setting(3e-3, "Adam learning rate", above=0, flag="--lr")
    clipnorm: float = setting(5.0, "clip each weight's gradient to this norm", above=0, cli=False)
    train_size: int = setting(50_000, "dates: generated training pairs", positive=True)
    held_out_size: int = setting(2_000, "dates: generated held-out pairs", positive=True, flag="--held-out")
    eval_size: int = setting(500, "held-out pairs decoded after each epoch", positive=True)
    seed: int = setting(0, "random seed")
    resume: bool = setting(False, "continue the run in --out from its last finished epoch, with its own settings")

    def __post_init__(self) -> None:
        check_settings(self)
        if self.shared_vocabulary and self.source_tokens != self.target_tokens:
            raise SettingError("shared_vocabulary", f"needs the same source_tokens and target_tokens; got {self.source_tokens!r} "
                                                    f"and {self.target_tokens!r}")
