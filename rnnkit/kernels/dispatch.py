"""Choose, per call, which implementation runs a recurrent sequence.

Every path takes the arguments of the reference functions in :mod:`rnnkit.recurrence`
(``x, *initial_states, kernel, recurrent_kernel, bias`` plus keyword options) and returns
``(y, final_states)``. The reference path always runs; faster paths register here and must
agree with it. Forcing a path that cannot run the call raises: nothing falls back silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import torch

from .. import recurrence

REFERENCE = {
    "simple_rnn": recurrence.simple_rnn_sequence,
    "lstm": recurrence.lstm_sequence,
    "gru": recurrence.gru_sequence,
}

IMPLEMENTATIONS = ("auto", "reference")


@dataclass(frozen=True)
class Choice:
    """The path a call will take, and why."""

    implementation: str
    function: Callable[..., Any]
    reason: str


def choose(cell: str, implementation: str, x: torch.Tensor, options: dict[str, Any]) -> Choice:
    """Pick the path for one call of ``cell`` ('simple_rnn', 'lstm' or 'gru')."""
    if cell not in REFERENCE:
        raise ValueError(f"Unknown recurrent cell kind {cell!r}; expected one of {sorted(REFERENCE)}")
    if implementation not in IMPLEMENTATIONS:
        raise ValueError(
            f"implementation={implementation!r} is not available; expected one of {IMPLEMENTATIONS}"
        )
    if implementation == "reference":
        return Choice("reference", REFERENCE[cell], "forced by implementation='reference'")
    return Choice("reference", REFERENCE[cell], "the plain-torch reference is the only path built")


def run_sequence(
    cell: str,
    implementation: str,
    x: torch.Tensor,
    states: tuple[torch.Tensor, ...],
    weights: tuple[torch.Tensor | None, ...],
    **options: Any,
) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
    """Run a whole sequence through the chosen path: returns ``(y, final_states)``."""
    choice = choose(cell, implementation, x, options)
    return choice.function(x, *states, *weights, **options)


def explain(layer: Any, x: torch.Tensor) -> str:
    """Say which path ``layer`` (a built-in recurrent layer) would take for input ``x`` and why."""
    cell = layer.cell
    choice = choose(cell.kind, layer.implementation, x, cell.sequence_options())
    return f"{layer.name}: {choice.implementation} ({choice.reason})"
