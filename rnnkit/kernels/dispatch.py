"""Choose, per call, which implementation runs a recurrent sequence.

Every path takes the arguments of the reference functions in :mod:`rnnkit.recurrence`
(``x, *initial_states, kernel, recurrent_kernel, bias`` plus keyword options) and returns
``(y, final_states)``:

- ``reference``: the plain-torch loop over :mod:`rnnkit.cells`; runs every kind in
  :data:`rnnkit.cells.SPECS`; the oracle.
- ``fused``: whole-sequence C++ kernels (:mod:`rnnkit.kernels.fused`), compiled on first use.
- ``native``: torch's own ``torch.lstm/gru/rnn_*`` (oneDNN for LSTM), exact only for the default
  configuration without masks (:mod:`rnnkit.kernels.native`).
- ``auto``: the fastest path that can run the call: by the rules in :func:`preference` where they
  are certain, and where they are not (LSTM: fused against oneDNN) by timing the candidates on the
  first call of the shape class (:mod:`rnnkit.kernels.autotune`); ``Choice.reason`` says which.

The fast paths declare the kinds they cover (their ``SEQUENCES``); for any other kind they give
an ordinary "unsupported" reason, so ``auto`` runs the reference and a forced path says why.

Forcing a path that cannot run the call raises with the reason: nothing falls back silently.
``auto`` falls back by design, and :func:`explain` (or ``Choice.reason``) says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import torch

from .. import cells, recurrence
from . import autotune, build, fused, native

IMPLEMENTATIONS = ("auto", "reference", "fused", "native")


@dataclass(frozen=True)
class Choice:
    """The path a call will take, and why."""

    implementation: str
    function: Callable[..., Any]
    reason: str
    measure: tuple[str, ...] = ()  # paths to time before the first call of this shape class
    shape_class: str = ""


class UnsupportedImplementation(ValueError):
    """A forced implementation cannot run this call; the message says why."""


def preference(cell: str, x: torch.Tensor, training: bool) -> tuple[str, ...]:
    """Paths in order of measured speed for this cell, mode and shape (benchmarks/RESULTS.md).

    SimpleRNN and GRU: the fused kernels beat torch's per-step ATen loops at every benchmark
    shape on the AVX-512 machines (1.1x at large to 10x at tiny-stream); on an AVX2-only Zen 3
    they ran at 0.1-0.2x before their AVX2 code generation was fixed (1.3-1.5x at large now),
    which is why autotune measures every cell rather than trusting these rules. LSTM, against torch's
    oneDNN kernel (two threads): the fused kernel trains as fast or faster at every shape measured
    (batch 4-128, 128-512 units: 1.0-1.3x), and infers faster up to batch 8 (1.0-1.3x); from
    batch 16 oneDNN's inference is up to 1.25x ahead.
    """
    if torch.compiler.is_compiling():  # torch.compile / torch.export: one path for every batch size, no shape guard
        return ("fused", "native", "reference")
    batch = x.shape[0] if x.dim() == 3 else 1
    if cell == "lstm" and not training and batch > 8:
        return ("native", "fused", "reference")
    return ("fused", "native", "reference")


def _unsupported(path: str, cell: str, x: torch.Tensor, options: dict[str, Any]) -> str | None:
    if path == "fused":
        return fused.unsupported_reason(cell, x, options) or build.unavailable_reason()
    if path == "native":
        return native.unsupported_reason(cell, x, options)
    return None


def sequence_function(path: str, cell: str) -> Callable[..., Any]:
    """The function of ``path`` for ``cell``; call it only for a kind the path covers."""
    if path == "reference":
        return recurrence.reference(cell)
    return {"fused": fused.SEQUENCES, "native": native.SEQUENCES}[path][cell]


def choose(cell: str, implementation: str, x: torch.Tensor, options: dict[str, Any],
           units: int | None = None) -> Choice:
    """Pick the path for one call of ``cell`` (a kind in :data:`rnnkit.cells.SPECS`); ``units``
    (H) completes the shape class of a measured choice (without it the rules decide)."""
    cells.spec(cell)  # an unknown kind is an error here, before any path is asked
    if implementation not in IMPLEMENTATIONS:
        raise ValueError(
            f"implementation={implementation!r} is not available; expected one of {IMPLEMENTATIONS}"
        )
    if implementation != "auto":
        reason = _unsupported(implementation, cell, x, options)
        if reason is not None:
            raise UnsupportedImplementation(
                f"implementation={implementation!r} cannot run this {cell} call: {reason}"
            )
        return Choice(implementation, sequence_function(implementation, cell),
                      f"forced by implementation={implementation!r}")
    training = torch.is_grad_enabled()
    runnable, skipped = [], []
    for path in preference(cell, x, training):
        reason = _unsupported(path, cell, x, options)
        if reason is None:
            runnable.append(path)
        else:
            skipped.append(f"{path}: {reason}")
    skipped_text = "; skipped " + "; ".join(skipped) if skipped else ""
    candidates = tuple(p for p in runnable if p in autotune.CANDIDATES)
    if (len(candidates) > 1 and units is not None
            and autotune.enabled() and not torch.compiler.is_compiling()):
        key = autotune.shape_class(cell, x, training, units)
        found = autotune.decision(key)
        if found is not None:
            times = ", ".join(f"{p} {ms:.3f} ms" for p, ms in sorted(found["ms"].items()))
            return Choice(found["path"], sequence_function(found["path"], cell),
                          f"measured for {key}: {times}{skipped_text}", shape_class=key)
        path = runnable[0]
        return Choice(path, sequence_function(path, cell),
                      f"ruled ({_rule(cell, training, x)}) until this shape class ({key}) is "
                      f"measured: its first call times {', '.join(candidates)}{skipped_text}",
                      measure=candidates, shape_class=key)
    path = runnable[0]
    return Choice(path, sequence_function(path, cell),
                  f"ruled: {_rule(cell, training, x)}{skipped_text}")


def _rule(cell: str, training: bool, x: torch.Tensor) -> str:
    return (f"fastest measured path for {cell} {'training' if training else 'inference'} at "
            f"batch {x.shape[0] if x.dim() == 3 else 1}")


def _measure(choice: Choice, cell: str, x: torch.Tensor, states: tuple[torch.Tensor, ...],
             weights: tuple[torch.Tensor | None, ...], options: dict[str, Any]) -> str:
    """Time the candidate paths on detached copies of this call's tensors; the fastest path."""
    def copy(t):
        return None if t is None else t.detach().clone().requires_grad_(t.requires_grad)

    xs, ss, ws = copy(x), tuple(map(copy, states)), tuple(map(copy, weights))
    leaves = [t for t in (xs, *ss, *ws) if t is not None and t.requires_grad]
    train = torch.is_grad_enabled() and bool(leaves)

    def call(path):
        function = sequence_function(path, cell)

        def run():
            y, final = function(xs, *ss, *ws, **options)
            if train:
                torch.autograd.grad([y.sum(), *(s.sum() for s in final)], leaves)
        return run

    return autotune.measure(choice.shape_class, {p: call(p) for p in choice.measure})["path"]


def run_sequence(
    cell: str,
    implementation: str,
    x: torch.Tensor,
    states: tuple[torch.Tensor, ...],
    weights: tuple[torch.Tensor | None, ...],
    **options: Any,
) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
    """Run a whole sequence through the chosen path: returns ``(y, final_states)``."""
    choice = choose(cell, implementation, x, options, states[0].shape[-1] if states else None)
    if choice.measure:
        return sequence_function(_measure(choice, cell, x, states, weights, options), cell)(
            x, *states, *weights, **options)
    return choice.function(x, *states, *weights, **options)


def explain(layer: Any, x: torch.Tensor, **call_options: Any) -> str:
    """Say which path ``layer`` (a built-in recurrent layer) would take for input ``x`` and why.

    ``call_options`` are per-call options such as ``mask=...`` that change the answer.
    """
    cell = layer.cell
    if getattr(cell, "kind", None) not in cells.SPECS:  # a user's cell or a StackedRNNCells
        return (f"{layer.name}: reference ({type(cell).__name__} is not one of rnnkit's cell kinds (rnnkit.cells.SPECS), "
                "so it runs one cell call per time step in rnnkit.recurrence's Python loop)")
    options = {**cell.sequence_options(), **call_options}
    choice = choose(cell.kind, layer.implementation, x, options, cell.units)
    return f"{layer.name}: {choice.implementation} ({choice.reason})"
