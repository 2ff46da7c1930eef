"""``--ensemble N``: several classifiers trained one after another, scored by their mean class probabilities.

Members differ only in their seed (initial weights, batch order, token dropout): averaging their
probabilities cancels part of each one's variance, the cheapest gain once a single model's recipe
has stopped improving. Every member keeps the same validation split (it is seeded with the run's
``seed``), so the ensemble's validation accuracy is measured on texts no member trained on.

An ensemble's run folder ``OUT`` holds ``ensemble.json`` (``{"task": "classify", "members": N}``,
read by :func:`rnnkit.training.task_files.ensemble_members`) and one ordinary run folder per member, ``OUT/member-1`` ... ``OUT/member-N``: each is a complete
classifier (``rnnkit eval OUT/member-2`` scores one alone) and resumes alone (``--resume --out
OUT/member-2``). The manifest is written before the first member trains, so ``eval OUT`` names an
unfinished member instead of guessing. It holds a count only, never paths: reading an ensemble
never opens files outside ``OUT``'s own ``member-K`` folders.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch

from ...atomic_files import write_text_atomically
from ...training.task_files import ENSEMBLE_FILE, ensemble_member, ensemble_members
from ..runs import TaskRun
from ..settings import SettingError
from .settings import ClassifySettings


def checkpoints_of(checkpoint: str | os.PathLike) -> list[Path | str | os.PathLike]:
    """The member folders when ``checkpoint`` is an ensemble's run folder, else ``[checkpoint]``."""
    return ensemble_members(checkpoint) or [checkpoint]


def validation_scores(model: Any, val_data: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(probabilities (N, classes), targets (N,))`` of ``model`` over ``val_data`` in its (unshuffled) batch order."""
    scores, targets = [], []
    model.eval()
    with torch.inference_mode():
        for x, y, *_ in val_data:
            scores.append(torch.softmax(model(x), dim=-1).numpy())
            targets.append(y.numpy())
    return np.concatenate(scores), np.concatenate(targets)


def train_ensemble(settings: ClassifySettings, train_member: Callable[[ClassifySettings], TaskRun],
                   say: Callable[[str], None]) -> TaskRun:
    """Train ``settings.ensemble`` members with ``train_member`` and score them together on the validation split.

    ``--minutes`` is one budget for all: each member gets an equal share of what the members
    before it left. The returned run's ``model`` is the list of member models, ``best`` the
    ensemble's validation accuracy, ``details["members"]`` the members' own runs.
    """
    if settings.resume:
        raise SettingError("resume", f"an ensemble resumes member by member: rnnkit train classify --resume --out "
                                     f"{ensemble_member(settings.out, 1)} (the member whose training was cut off)")
    if settings.member is not None:
        raise SettingError("member", "is set by the ensemble for its members; give ensemble or member, not both")
    out, count = Path(settings.out), settings.ensemble
    out.mkdir(parents=True, exist_ok=True)
    write_text_atomically(out / ENSEMBLE_FILE, json.dumps({"task": "classify", "members": count}))
    started, runs = time.monotonic(), []
    for k in range(1, count + 1):
        minutes = None
        if settings.minutes is not None:
            left = settings.minutes - (time.monotonic() - started) / 60
            minutes = max(left, 1e-3) / (count - k + 1)
        member = dataclasses.replace(settings, ensemble=1, member=k, out=str(ensemble_member(out, k)), minutes=minutes)
        say(f"Ensemble member {k} of {count} (seed {settings.seed + k - 1}"
            f"{'' if minutes is None else f', {minutes:.1f} minutes'}) into {member.out}:")
        runs.append(train_member(member))
    accuracy = ensemble_accuracy([run.details["validation"] for run in runs])
    say(f"Ensemble of {count}: validation accuracy {accuracy:.4f} "
        f"(members {', '.join(f'{run.best:.4f}' for run in runs)})")
    return TaskRun(out, out / ENSEMBLE_FILE, [], [run.model for run in runs], "val_accuracy", accuracy, None,
                   runs[-1].stopped_by, {**runs[0].details, "members": runs})


def ensemble_accuracy(scored: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """Accuracy of the mean probabilities of members scored on the same validation texts in the same order."""
    targets = scored[0][1]
    if any(not np.array_equal(each, targets) for _, each in scored):
        raise ValueError("the ensemble's members were validated on different texts; they must share the validation split")
    mean = np.mean([probabilities for probabilities, _ in scored], axis=0)
    return float((mean.argmax(axis=1) == targets).mean())
