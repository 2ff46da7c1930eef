"""What ``compile`` fixes: the loss and metrics of each model output, and the epoch's running means.

With one output the logs hold ``loss`` and each metric by its name (``accuracy``). With several,
``loss`` is the weighted sum ``sum_i loss_weights[i] * loss_i``, and the logs add
``<output>_loss`` and ``<output>_<metric>`` for each output, named after the layer that makes it.
"""

from __future__ import annotations

from typing import Any

import torch

from . import distributed, losses
from . import metrics as metrics_module
from .losses import Loss
from .metrics import MeanMetric


def per_output(value: Any, names: list[str], argument: str) -> list[Any]:
    """``value`` given once for all outputs, as a list in output order, or as a dict by output name."""
    if isinstance(value, dict):
        unknown = sorted(set(value) - set(names))
        if unknown:
            raise ValueError(f"{argument}: no model output is named {unknown}; the outputs are {names}")
        return [value.get(name) for name in names]
    if isinstance(value, (list, tuple)) and len(names) > 1:
        if len(value) != len(names):
            raise ValueError(f"{argument}: the model has {len(names)} outputs {names}; got {len(value)} entries")
        return list(value)
    return [value] * len(names)


class Compiled:
    """Losses and metrics per output, with the running means an epoch reports."""

    def __init__(self, output_names: list[str], loss: Any, metrics: Any, loss_weights: Any):
        if loss is None:
            raise ValueError("compile: loss is required, e.g. loss='sparse_categorical_crossentropy'")
        self.output_names = output_names
        self.arguments = {"loss": loss, "metrics": metrics, "loss_weights": loss_weights}  # as given, for saving
        self.losses: list[Loss | None] = [None if l is None else losses.get(l) for l in per_output(loss, output_names, "loss")]
        if all(l is None for l in self.losses):
            raise ValueError("compile: loss gives no loss for any output")
        weights = per_output(1.0 if loss_weights is None else loss_weights, output_names, "loss_weights")
        self.loss_weights = [1.0 if w is None else float(w) for w in weights]
        if metrics is not None and not isinstance(metrics, (list, tuple, dict)):
            raise ValueError(f"compile: metrics must be a list such as ['accuracy'] (or a dict by output); got {metrics!r}")
        if isinstance(metrics, dict):
            by_output = per_output(metrics, output_names, "metrics")
            self.metric_ids = [list(m) if isinstance(m, (list, tuple)) else [] if m is None else [m] for m in by_output]
        else:
            self.metric_ids = [list(metrics or [])] * len(output_names)
        self.metrics: list[list[MeanMetric]] | None = None  # resolved on the first batch
        self.trackers = {"loss": [0.0, 0.0]}
        if len(output_names) > 1:
            self.trackers.update({f"{name}_loss": [0.0, 0.0] for name, l in zip(output_names, self.losses) if l is not None})

    # ----- per batch --------------------------------------------------------------------
    def targets(self, y: Any) -> list[Any]:
        if len(self.output_names) == 1:
            return [y]
        if isinstance(y, dict):
            return per_output(y, self.output_names, "y")
        if not isinstance(y, (list, tuple)) or len(y) != len(self.output_names):
            raise ValueError(
                f"y: the model has {len(self.output_names)} outputs {self.output_names}, so y must be a "
                "list (or a dict by output name) with one target array for each"
            )
        return list(y)

    def loss(self, y: Any, y_pred: Any, sample_weight: Any) -> tuple[torch.Tensor, dict[str, float]]:
        """The total loss to differentiate, and each output's own loss for the logs."""
        outputs = y_pred if isinstance(y_pred, (list, tuple)) else [y_pred]
        total: torch.Tensor | None = None
        parts: dict[str, float] = {}
        for name, fn, weight, target, output in zip(self.output_names, self.losses, self.loss_weights, self.targets(y), outputs):
            if fn is None:
                continue
            if target is None:
                raise ValueError(f"y: no target given for output '{name}', which has a loss")
            value = fn(target, output, sample_weight)
            parts[f"{name}_loss"] = value.item()
            total = weight * value if total is None else total + weight * value
        return total, parts

    def update(self, y: Any, y_pred: Any, sample_weight: Any, loss_value: float, parts: dict[str, float], batch: int) -> None:
        """Add one batch (``batch`` samples) to the running means."""
        outputs = y_pred if isinstance(y_pred, (list, tuple)) else [y_pred]
        targets = self.targets(y)
        if self.metrics is None:
            self.metrics = [
                [metrics_module.get(m, torch.as_tensor(t), o, l) for m in ids]
                for ids, t, o, l in zip(self.metric_ids, targets, outputs, self.losses)
            ]
        self.trackers["loss"][0] += loss_value * batch
        self.trackers["loss"][1] += batch
        if len(self.output_names) > 1:
            for key, value in parts.items():
                self.trackers[key][0] += value * batch
                self.trackers[key][1] += batch
        for metrics, target, output in zip(self.metrics, targets, outputs):
            for metric in metrics:
                # not detached: update_state runs under no_grad, and the output's mask must reach it
                metric.update_state(torch.as_tensor(target, device=output.device), output, sample_weight)

    # ----- per epoch ----------------------------------------------------------------------
    def _named_metrics(self) -> list[tuple[str, MeanMetric]]:
        several = len(self.output_names) > 1
        return [
            (f"{name}_{metric.name}" if several else metric.name, metric)
            for name, metrics in zip(self.output_names, self.metrics or [])
            for metric in metrics
        ]

    def results(self, over_processes: bool = True) -> dict[str, float]:
        """The epoch's means so far, over all processes in a multi-process run unless told not to."""
        named = self._named_metrics()
        sums = [v for total, count in self.trackers.values() for v in (total, count)]
        sums += [v for _, metric in named for v in (metric.total, metric.count)]
        if over_processes:
            sums = distributed.sum_over_processes(sums)
        keys = list(self.trackers) + [name for name, _ in named]
        return {key: sums[2 * i] / sums[2 * i + 1] if sums[2 * i + 1] else 0.0 for i, key in enumerate(keys)}

    def reset(self) -> None:
        for tracker in self.trackers.values():
            tracker[0] = tracker[1] = 0.0
        for _, metric in self._named_metrics():
            metric.reset_state()
