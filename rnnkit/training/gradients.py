"""A weight's gradient as Keras's TensorFlow backend hands it to the optimizer.

TensorFlow gives the gradient of an ``Embedding`` table as ``tf.IndexedSlices``: one row of
values per looked-up id, duplicates kept, (ids, values) with ids ``(n,)`` and values
``(n, output_dim)``. Keras's optimizers then apply their element-wise operations to those
values before the duplicates are summed into the table. Linear operations give the same result
either way, but the squares of RMSprop, Adam, Adagrad, Adadelta and Nadam, Adamax's ``abs``,
``clipvalue`` and the norms of ``clipnorm``/``global_clipnorm`` do not (``global_clipnorm``'s
rescaling, ``IndexedSlices * tensor``, then sums the occurrences into a dense gradient): for an id seen ``k``
times in a batch Keras accumulates ``sum_i g_i^2`` where the dense gradient gives
``(sum_i g_i)^2``. A frequent id (the padding id of pre-padded sequences appears hundreds of
times per batch) therefore takes steps up to ``sqrt(k)`` times larger in Keras than the dense
update rule would give. To train as Keras does, rnnkit records the per-occurrence gradients of
each ``Embedding`` output (:class:`EmbeddingTaps`) and hands them to the update rules as a
:class:`RowGradient`; every other weight gets a :class:`DenseGradient`.
"""

from __future__ import annotations

import weakref
from typing import Any

import torch

from ..layers.core import Embedding


class DenseGradient:
    """An ordinary gradient, shaped as its weight."""

    def __init__(self, value: torch.Tensor):
        self.value = value

    def dense(self) -> torch.Tensor:
        return self.value

    def squares(self) -> torch.Tensor:
        return self.value.square()

    def occurrence_squares(self) -> None:
        """None: the squares are those of :meth:`dense` (what a one-pass update computes itself)."""
        return None

    def absolute(self) -> torch.Tensor:
        return self.value.abs()

    def sum_of_squares(self) -> torch.Tensor:
        return self.value.square().sum()

    def scaled(self, factor: torch.Tensor | float) -> DenseGradient:
        return DenseGradient(self.value * factor)

    def clamped(self, limit: float) -> DenseGradient:
        return DenseGradient(self.value.clamp(-limit, limit))


class RowGradient:
    """A table's gradient as ``tf.IndexedSlices``: ``values[i]`` belongs to row ``ids[i]``, ids may repeat.

    ``ids`` is ``(n,)``, ``values`` is ``(n, *row_shape)`` and the table is ``(rows, *row_shape)``.
    Element-wise operations act on each occurrence; :meth:`dense` sums them into the table's shape.
    """

    def __init__(self, ids: torch.Tensor, values: torch.Tensor, rows: int):
        self.ids = ids
        self.values = values
        self.rows = rows
        self._dense: torch.Tensor | None = None

    def _summed(self, values: torch.Tensor) -> torch.Tensor:
        # nn.Embedding's own backward: the sum nn.Embedding gives ``.grad`` (so the check in
        # EmbeddingTaps usually finds them bit-equal), and no slower than ``index_add_``, whose
        # parallel scatter took 6 ms for 4096 rows of 64 on a busy 2-core Zen 3 (1.5 ms this way).
        flat = values.reshape(len(self.ids), -1)
        table = torch.ops.aten.embedding_dense_backward(flat, self.ids, self.rows, -1, False)
        return table.reshape(self.rows, *values.shape[1:])

    def dense(self) -> torch.Tensor:
        if self._dense is None:  # asked for by the check in EmbeddingTaps and by the update rule
            self._dense = self._summed(self.values)
        return self._dense

    def squares(self) -> torch.Tensor:
        return self._summed(self.values.square())

    def occurrence_squares(self) -> torch.Tensor:
        """The occurrences' squares summed per row: not the square of :meth:`dense` where an id repeats."""
        return self.squares()

    def absolute(self) -> torch.Tensor:
        return self._summed(self.values.abs())

    def sum_of_squares(self) -> torch.Tensor:
        return self.values.square().sum()

    def scaled(self, factor: torch.Tensor | float) -> RowGradient:
        return RowGradient(self.ids, self.values * factor, self.rows)

    def clamped(self, limit: float) -> RowGradient:
        return RowGradient(self.ids, self.values.clamp(-limit, limit), self.rows)


Gradient = DenseGradient | RowGradient


class EmbeddingTaps:
    """Records the per-occurrence gradients of every ``Embedding`` output in a model.

    A forward hook on each ``Embedding`` puts a gradient hook on its output ``(..., output_dim)``;
    during ``backward`` that hook stores the ids and the output's gradient, flattened to
    ``(n,)`` and ``(n, output_dim)``. :meth:`gradient` turns what one step recorded for a table
    into a :class:`RowGradient`, but only if its rows sum to the table's ``.grad`` (anything else
    that moved ``.grad``, such as a tied weight, gradient averaging over processes or a user's
    hook, makes the dense gradient the one to use).
    """

    def __init__(self) -> None:
        self._watched: weakref.WeakSet[Embedding] = weakref.WeakSet()
        self._recorded: dict[int, list[tuple[torch.Tensor, torch.Tensor]]] = {}

    def watch(self, model: torch.nn.Module) -> None:
        """Hook every ``Embedding`` in ``model`` not hooked yet (calling it again is harmless)."""
        for module in model.modules():
            if isinstance(module, Embedding) and module not in self._watched:
                module.register_forward_hook(self._on_forward)
                self._watched.add(module)

    def _on_forward(self, module: Embedding, args: tuple[Any, ...], output: Any) -> None:
        if not (args and isinstance(output, torch.Tensor) and output.requires_grad and torch.is_grad_enabled()):
            return
        ids = torch.as_tensor(args[0]).reshape(-1).long().to(output.device)
        table = module.embeddings
        if ids.numel() * table.shape[-1] != output.numel():
            return

        def record(grad: torch.Tensor) -> None:
            self._recorded.setdefault(id(table), []).append((ids, grad.detach().reshape(ids.numel(), -1)))

        output.register_hook(record)

    def gradient(self, weight: torch.nn.Parameter) -> RowGradient | None:
        """The recorded occurrences of ``weight`` as a :class:`RowGradient`, or None to use ``.grad``."""
        parts = self._recorded.get(id(weight))
        if not parts or weight.grad is None:
            return None
        ids = torch.cat([p[0] for p in parts]) if len(parts) > 1 else parts[0][0]
        values = torch.cat([p[1] for p in parts]) if len(parts) > 1 else parts[0][1]
        rows = RowGradient(ids, values.to(weight.grad.dtype), weight.shape[0])
        return rows if _sums_to(rows, weight.grad) else None

    def clear(self) -> None:
        self._recorded.clear()


def _sums_to(rows: RowGradient, grad: torch.Tensor) -> bool:
    """Whether ``rows`` summed into the table equals ``grad``, up to float32 reordering.

    Usually the two are bit-equal (one pass). Otherwise only the rows some id touched are
    compared, and every other row of ``grad`` must be exactly zero, as ``nn.Embedding``'s
    backward leaves it: one ``count_nonzero`` pass over a large table instead of the several
    full-table temporaries of an ``allclose``.
    """
    if torch.equal(rows.dense(), grad):  # the usual case: one lookup, summed as nn.Embedding sums it
        return True
    touched = torch.unique(rows.ids)
    expected, actual = rows.dense()[touched], grad[touched]
    if grad.count_nonzero() != actual.count_nonzero():
        return False
    scale = actual.abs().max().item() if actual.numel() else 0.0
    return torch.allclose(expected, actual, rtol=1e-4, atol=1e-6 * max(scale, 1e-30))
