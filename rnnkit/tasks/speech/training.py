"""``train``: read recordings (or the bundled spoken digits), fit a bidirectional acoustic model with CTC, keep the best epoch.

Each epoch reports the CTC loss per target character and ``cer``, the mean character error rate
of greedy decoding per utterance; the checkpoint keeps the epoch of lowest validation ``cer``.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from ... import optimizers
from ...training import set_random_seed
from ...training.task_files import TimeLimit
from ..runs import TaskRun, fit_keeping_best, hold_out
from ..settings import settings_of
from .ctc import Alphabet, ctc_loss, greedy_cer
from .features import LogMelConfig
from .model import AcousticConfig, AcousticModel
from .settings import CTCSettings
from .utterances import Utterances, bundled, recorded, utterance_loader

TASK = "ctc"
STEP_SECONDS = 0.03  # what one model step spans when --stride is not given


def default_stride(config: LogMelConfig) -> int:
    """Feature frames per model step: as many as make about :data:`STEP_SECONDS` (3 of 10 ms, 2 of 15 ms)."""
    return max(1, round(STEP_SECONDS * config.sample_rate / config.hop))


def _too_short(utterances: Utterances, stride: int) -> int:
    """Utterances with fewer model steps than characters: no CTC path reads their transcript."""
    return sum(math.ceil(len(f) / stride) < len(t) for f, t in zip(utterances.features, utterances.texts))


def train(*args: Any, say: Callable[[str], None] = print, **fields: Any) -> TaskRun:
    """Train an acoustic model and write ``out/model.safetensors``: ``train(CTCSettings(...))`` or ``train(data, out=..., ...)``.

    ``data`` is a transcript TSV (or its folder) of recordings; None trains on the bundled spoken
    digits' training voices. The run's ``details`` hold the ``alphabet``.
    """
    settings = settings_of(CTCSettings, args, fields)
    if settings.data is None:
        utterances, features = bundled("train")
        described = "the bundled spoken digits (training voices)"
    else:
        features = LogMelConfig()
        utterances = recorded(settings.data, features)
        described = str(settings.data)
    if settings.val is None:
        kept, held = hold_out(list(range(len(utterances))), settings.val_fraction, settings.seed, f"recordings in {described}")
        utterances, val = utterances.subset(kept), utterances.subset(held)
    else:
        val = recorded(settings.val, features, "--val")
    alphabet = Alphabet.of(utterances.texts + val.texts)

    set_random_seed(settings.seed)
    stride = settings.stride or default_stride(features)
    config = AcousticConfig(features.n_mels, len(alphabet), settings.cell, settings.layers, settings.units, stride, settings.dropout)
    model = AcousticModel(config)
    model.compile(optimizer=optimizers.Adam(learning_rate=settings.learning_rate, clipnorm=5.0), loss=ctc_loss,
                  metrics=[greedy_cer(alphabet)])
    seconds = sum(len(f) for f in utterances.features) * features.hop / features.sample_rate
    say(f"Training a bidirectional {config.layers}-layer {config.cell.upper()}({config.units}) with CTC on {described}: "
        f"{len(utterances):,} utterances ({seconds / 60:.1f} minutes) and {len(val):,} for validation, "
        f"{features.n_mels} log-mel bands every {1000 * features.hop / features.sample_rate:g} ms, {stride} per step, "
        f"alphabet {''.join(alphabet.chars)!r}, {sum(p.numel() for p in model.parameters()):,} weights")
    short = _too_short(utterances, stride)
    if short:
        say(f"note: {short} training utterances have fewer model steps than characters and cannot be learnt (try a smaller --stride)")

    record = lambda: {"task": TASK, "config": config.to_json(), "features": features.to_json(), "alphabet": alphabet.chars,
                      "data": settings.data, "bundled": settings.data is None}
    run = fit_keeping_best(model, utterance_loader(utterances, alphabet, settings.batch_size, True),
                           validation_data=utterance_loader(val, alphabet, settings.batch_size, False), out=settings.out,
                           record=record, monitor="val_cer", mode="min", epochs=settings.epochs,
                           limit=TimeLimit(settings.minutes, settings.clock), say=say, patience=settings.patience)
    run.details.update(alphabet=alphabet)
    return run
