"""``train``: pairs of texts (a TSV file, or the bundled dates) -> a Seq2Seq fitted with teacher forcing.

Vocabularies are built from every text of the data (both splits: they hold tokens, not answers),
so held-out texts never fail on an unseen character. 10% of a file's pairs (at least one) are held
out; the dates task holds out its own generated set, whose sources never occur in training. After
each epoch the held-out loss (teacher forced) and the exact match of greedy outputs on up to
``eval_size`` held-out pairs are measured; ``model.safetensors`` keeps the best epoch (highest
exact match, then lowest held-out loss).
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any, Callable

from torch.utils.data import DataLoader, RandomSampler

from ... import optimizers
from ...models.seq2seq import Seq2Seq, Seq2SeqConfig
from ...training import losses, set_random_seed
from ...training.callbacks import Callback, EarlyStopping
from ...training.task_files import TimeLimit, restored_history
from ..fingerprints import fingerprint
from ..resume import RESUME_FILE, SaveResumable, continued, stored_settings
from ..runs import TaskRun, hold_out, run_lock
from ..settings import settings_of
from .checkpoint import MODEL_FILE, TASK, load_seq2seq, save_seq2seq
from .data import Pair, PairDataset, Side, read_pairs
from .dates import dates_task
from .evaluation import score_pairs
from .settings import Seq2SeqSettings


class EpochReport(Callback):
    """After each epoch: greedy exact match on the held-out pairs, one line of logs, and the best model saved."""

    def __init__(self, pairs: list[Pair], source: Side, target: Side, level: str, max_length: int, path: Path,
                 record: dict[str, Any], say: Callable[[str], None]):
        super().__init__()
        self.pairs, self.source, self.target, self.level, self.max_length = pairs, source, target, level, max_length
        self.path, self.record, self.say = path, record, say
        self.history: list[dict[str, float]] = []
        self.best = (-1.0, -math.inf)
        self.best_epoch = 0
        self.started, self.cpu_started = time.monotonic(), time.process_time()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs if logs is not None else {}
        scores, _ = score_pairs(self.model, self.source, self.target, self.pairs, self.level, max_length=self.max_length)
        logs.update({"val_exact_match": scores["exact_match"], "val_bleu": scores["bleu"]})
        row = {"epoch": epoch + 1, **{k: float(v) for k, v in logs.items()}, "seconds": round(time.monotonic() - self.started, 1),
               "cpu_seconds": round(time.process_time() - self.cpu_started, 1)}
        self.history.append(row)
        key = (row["val_exact_match"], -row.get("val_loss", 0.0))
        better = math.isfinite(row.get("loss", math.nan)) and key > self.best
        if better:
            self.best, self.best_epoch = key, epoch + 1
            save_seq2seq(self.path, self.model, self.source, self.target, {**self.record, "history": self.history, "best_epoch": epoch + 1})
        self.say(f"epoch {epoch + 1}: loss {row.get('loss', math.nan):.4f} | held-out loss {row.get('val_loss', math.nan):.4f}, "
                 f"exact match {row['val_exact_match']:.4f}, BLEU {row['val_bleu']:.1f} | {row['seconds']:.0f} s ({row['cpu_seconds']:.0f} s CPU)"
                 + ("  saved" if better else ""))
        self.model.train()

    def state(self) -> dict[str, Any]:
        """The history and the best epoch, for the resume checkpoint."""
        return {"history": self.history, "best_epoch": self.best_epoch}

    def restore(self, state: dict[str, Any]) -> None:
        self.history, self.best_epoch, row = restored_history(state)
        if row is not None:
            self.best = (row["val_exact_match"], -row.get("val_loss", 0.0))


def train(*args: Any, say: Callable[[str], None] = print, **fields: Any) -> TaskRun:
    """Train an encoder-decoder: ``train(Seq2SeqSettings(...))`` or ``train(data, out=..., ...)``.

    ``data`` holds source<TAB>target lines (the generated dates when None). The run's ``details``
    hold the ``source`` and ``target`` sides and the saved model's held-out ``scores``.
    """
    settings = settings_of(Seq2SeqSettings, args, fields)
    out_dir = Path(settings.out)
    if settings.resume:
        settings = continued(Seq2SeqSettings, settings, out_dir / RESUME_FILE)
    data, seed, minutes = settings.data, settings.seed, settings.minutes
    train_size, held_out_size, batch_size = settings.train_size, settings.held_out_size, settings.batch_size
    source_tokens, target_tokens, max_vocab = settings.source_tokens, settings.target_tokens, settings.max_vocab
    attention = None if settings.attention == "none" else settings.attention
    epochs = settings.epochs if settings.epochs is not None else (20 if minutes is None else 1_000_000)
    if data is None:
        train_pairs, held_out = dates_task(train_size, held_out_size, seed)
        description = f"generated dates ({train_size:,} to train on, {held_out_size:,} held out)"
    else:
        train_pairs, held_out = hold_out(read_pairs(data), 0.1, seed, "pairs")
        description = f"{data} ({len(train_pairs):,} pairs to train on, {len(held_out):,} held out)"
    sources = [s for s, _ in train_pairs + held_out]
    targets = [t for _, t in train_pairs + held_out]
    if settings.shared_vocabulary:
        source = target = Side.train(source_tokens, sources + targets, max_vocab)
    else:
        source, target = Side.train(source_tokens, sources, max_vocab), Side.train(target_tokens, targets, max_vocab)
    train_set, held_out_set = PairDataset(train_pairs, source, target), PairDataset(held_out, source, target)
    longest = max(len(t) for _, t in train_set.items + held_out_set.items)
    max_length = 2 * longest + 10
    level = "char" if target.kind == "char" else "word"

    set_random_seed(seed)
    config = Seq2SeqConfig(source.vocab_size, target.vocab_size, cell=settings.cell, layers=settings.layers, units=settings.units,
                           embedding=settings.embedding, bidirectional=settings.bidirectional, attention=attention,
                           shared_embedding=settings.shared_vocabulary, dropout=settings.dropout)
    model = Seq2Seq(config)
    model.compile(optimizer=optimizers.Adam(learning_rate=settings.learning_rate, clipnorm=settings.clipnorm),
                  loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    steps_per_epoch = settings.steps_per_epoch
    sampler = RandomSampler(train_set, num_samples=steps_per_epoch * batch_size) if steps_per_epoch else RandomSampler(train_set)
    loader = DataLoader(train_set, batch_size=batch_size, sampler=sampler, collate_fn=PairDataset.collate)
    validation = DataLoader(held_out_set, batch_size=256, collate_fn=PairDataset.collate)

    stored = {"data": None if data is None else fingerprint(data), "source_tokens": source_tokens,
              "target_tokens": target_tokens, "batch_size": batch_size, "learning_rate": settings.learning_rate, "seed": seed}
    record = {"settings": stored, "max_length": max_length, "bleu_tokens": level,
              "dates": None if data is not None else {"seed": seed, "train": train_size, "held_out": held_out_size}}
    limit = TimeLimit(minutes, settings.clock)
    report = EpochReport(held_out[:settings.eval_size], source, target, level, max_length, out_dir / MODEL_FILE, record, say)
    weights = sum(p.numel() for p in model.parameters())
    say(f"Training a {'bidirectional ' if config.bidirectional else ''}{config.cell.upper()}({config.units}) x{config.layers} "
        f"encoder-decoder, attention "
        f"{attention or 'none'}, {weights:,} weights, on {description}; vocabularies {source.vocab_size} / {target.vocab_size} "
        f"({source_tokens} / {target_tokens}); {len(loader)} batches of {batch_size} per epoch"
        + (f"; {minutes:g} minutes" if minutes is not None else f"; {epochs} epochs"))
    stop = EarlyStopping(monitor="val_exact_match", mode="max", patience=settings.patience)  # after the report that scores the epoch
    resumable = SaveResumable(out_dir / RESUME_FILE, lambda: {**record, "task": TASK, "settings": stored_settings(settings)}, [report, stop])
    with run_lock(out_dir):
        initial_epoch = resumable.first_epoch(model, settings.resume, epochs)
        model.fit(loader, epochs=epochs, initial_epoch=initial_epoch, validation_data=validation, verbose=0,
                  callbacks=[limit, report, stop, resumable])

    history = report.history
    stopped_by = "time" if limit.reached else "early stopping" if stop.stopped_epoch else "epochs"
    if history and not math.isfinite(history[-1].get("loss", math.nan)):
        stopped_by = "nan"
    if not (out_dir / MODEL_FILE).exists():
        raise ValueError("no epoch finished with a finite loss, so no model was saved")
    best, source, target, _ = load_seq2seq(out_dir / MODEL_FILE)
    scores, _ = score_pairs(best, source, target, held_out, level, max_length=max_length)
    return TaskRun(out_dir, out_dir / MODEL_FILE, history, best, "val_exact_match", report.best[0], report.best_epoch, stopped_by, {"source": source, "target": target, "scores": scores})


__all__ = ["train"]
