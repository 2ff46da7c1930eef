"""Keras-layout weights in torch's layout for the native path, laid out once per weight change.

torch's ``torch.lstm/gru/rnn_*`` take ``[w_ih (G*H, I), w_hh (G*H, H), b_ih (G*H,), b_hh (G*H,)]``
where a Keras cell keeps ``kernel (I, G*H)``, ``recurrent_kernel (H, G*H)`` and ``bias (G*H,)``
(GRU: ``(2, 3H)``, gate blocks z, r, h where torch wants r, z, n). Re-laying them out on every
call cost the native path 9-12% of an LSTM training step against ``nn.LSTM``, so the copy is kept
per set of weight tensors and rebuilt only when one of them changes: a different tensor, or the
same one after an in-place change (its ``_version`` counter: optimizer steps, ``set_weights`` and
``load_state_dict`` copy in place under ``no_grad``), new storage or dtype (``.to(dtype)``
swaps ``param.data``). The cached tensors enter autograd through :class:`_CachedLayout`, whose
backward maps their gradients back to the Keras-layout tensors (:func:`layout_gradients`, checked
against autograd through :func:`layout` in the tests).

Under ``torch.compile``/``torch.export`` the layout is traced as plain ops (no cache).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import torch

from .. import cells

MAX_ENTRIES = 256  # sets of weights kept; the oldest is dropped beyond this


def _blocks(w: torch.Tensor, order: tuple[int, ...]) -> torch.Tensor:
    if not order:
        return w
    chunks = w.chunk(len(order), dim=-1)
    return torch.cat([chunks[i] for i in order], dim=-1)


def layout(cell: str, kernel: torch.Tensor, recurrent_kernel: torch.Tensor,
           bias: torch.Tensor | None) -> list[torch.Tensor]:
    """The torch parameter list for ``cell`` (differentiable; the uncached reference)."""
    order = cells.spec(cell).torch_gate_order  # () where torch keeps the Keras order
    params = [_blocks(kernel, order).t(), _blocks(recurrent_kernel, order).t()]
    if bias is None:
        return params
    if cell == "gru":  # (2, 3H): input bias, recurrent bias
        return params + [_blocks(bias[0], order), _blocks(bias[1], order)]
    return params + [bias, torch.zeros_like(bias)]  # Keras has one bias; torch adds two


def _stamp(t: torch.Tensor) -> tuple:
    return (t._version, t.data_ptr(), t.dtype, t.device, tuple(t.shape), tuple(t.stride()))


@dataclass
class _Entry:
    refs: tuple[weakref.ref, ...]
    stamps: tuple[tuple, ...]
    params: list[torch.Tensor]  # contiguous, no autograd history


_cache: dict[tuple, _Entry] = {}


def _forget(key: tuple) -> None:
    _cache.pop(key, None)


def _cached(cell: str, weights: tuple[torch.Tensor, ...]) -> list[torch.Tensor]:
    key = (cell, *map(id, weights))
    entry = _cache.get(key)
    stamps = tuple(map(_stamp, weights))
    if entry is not None and entry.stamps == stamps and all(
            ref() is w for ref, w in zip(entry.refs, weights)):
        return entry.params
    # Built outside inference mode: a cache filled by a predict() call serves training later.
    with torch.inference_mode(False), torch.no_grad():
        params = [p.contiguous() for p in layout(cell, *(w.detach() for w in weights[:2]),
                                                  weights[2].detach() if len(weights) > 2 else None)]
    _cache.pop(key, None)
    if len(_cache) >= MAX_ENTRIES:
        _cache.pop(next(iter(_cache)))
    _cache[key] = _Entry(tuple(weakref.ref(w, lambda _, k=key: _forget(k)) for w in weights),
                         stamps, params)
    return params


def _unblocks(g: torch.Tensor, order: tuple[int, ...]) -> torch.Tensor:
    """The inverse of :func:`_blocks`: gate blocks back from torch's order to Keras's."""
    return _blocks(g, tuple(order.index(i) for i in range(len(order))))


def layout_gradients(cell: str, weights: tuple[torch.Tensor, ...],
                     grads: tuple[torch.Tensor | None, ...]) -> list[torch.Tensor | None]:
    """The gradients of the Keras-layout ``weights`` for the gradients ``grads`` of
    :func:`layout`'s outputs: :func:`layout`'s vector-Jacobian product, written out (it only
    moves blocks and transposes), so backward builds no graph. None where nothing flowed."""
    order = cells.spec(cell).torch_gate_order
    kernel_grad = None if grads[0] is None else _unblocks(grads[0].t(), order)
    recurrent_grad = None if grads[1] is None else _unblocks(grads[1].t(), order)
    if len(weights) == 2:
        return [kernel_grad, recurrent_grad]
    if cell != "gru":  # torch's b_hh is a constant zero here: only b_ih reaches the Keras bias
        return [kernel_grad, recurrent_grad, grads[2]]
    if grads[2] is None and grads[3] is None:
        return [kernel_grad, recurrent_grad, None]
    rows = [torch.zeros_like(weights[2][0]) if g is None else _unblocks(g, order) for g in grads[2:4]]
    return [kernel_grad, recurrent_grad, torch.stack(rows)]


class _CachedLayout(torch.autograd.Function):
    """Returns the cached torch-layout tensors; backward is :func:`layout_gradients`."""

    @staticmethod
    def forward(ctx, cell, cached, *weights):
        ctx.cell = cell
        ctx.save_for_backward(*weights)
        return tuple(p.detach() for p in cached)

    @staticmethod
    def backward(ctx, *grads):
        found = layout_gradients(ctx.cell, ctx.saved_tensors, grads)
        return (None, None, *(g if need else None for g, need in zip(found, ctx.needs_input_grad[2:])))


def torch_params(cell: str, kernel: torch.Tensor, recurrent_kernel: torch.Tensor,
                 bias: torch.Tensor | None) -> list[torch.Tensor]:
    """``layout(...)``'s tensors, from the cache while the weights are unchanged."""
    weights = (kernel, recurrent_kernel) if bias is None else (kernel, recurrent_kernel, bias)
    if torch.compiler.is_compiling() or any(w.is_inference() for w in weights):
        return layout(cell, kernel, recurrent_kernel, bias)
    cached = _cached(cell, weights)
    if torch.is_grad_enabled() and any(w.requires_grad for w in weights):
        return list(_CachedLayout.apply(cell, cached, *weights))
    return list(cached)
