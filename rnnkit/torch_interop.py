"""Move weights between ``torch.nn.RNN/GRU/LSTM`` and rnnkit's Keras-layout layers.

torch keeps (G*H, I) matrices with gates i,f,g,o (LSTM) and r,z,n (GRU) and two biases;
Keras keeps (I, G*H) with gates i,f,c,o and z,r,h and one bias (GRU: a (2, 3H) pair).
``from_torch`` turns a (multi-layer, bidirectional) torch module into a ``Sequential`` of
rnnkit layers that gives the same output sequence; ``to_torch`` goes the other way. Which torch
class computes a cell kind, and in which gate order, is in the kind's
:class:`~rnnkit.cells.CellSpec` (``torch_module``, ``torch_gate_order``); a kind torch lacks
(LayerNorm-LSTM) is refused.
"""

from __future__ import annotations

import torch
from torch import nn

from . import cells
from .layers import GRU, LSTM, Bidirectional, Input, SimpleRNN
from .layers.recurrent import RNN
from .models import Sequential


def _blocks(t: torch.Tensor, order: tuple[int, ...]) -> torch.Tensor:
    parts = t.chunk(len(order), dim=0)
    return torch.cat([parts[i] for i in order], dim=0)


def _keras_weights(module: nn.RNNBase, suffix: str) -> list[torch.Tensor]:
    w_ih = getattr(module, f"weight_ih{suffix}").detach()
    w_hh = getattr(module, f"weight_hh{suffix}").detach()
    has_bias = module.bias
    b_ih = getattr(module, f"bias_ih{suffix}").detach() if has_bias else None
    b_hh = getattr(module, f"bias_hh{suffix}").detach() if has_bias else None
    if isinstance(module, nn.GRU):  # two biases kept apart: Keras's reset_after form
        order = cells.GRU.torch_gate_order  # Keras block k is torch block order[k]: z<-z, r<-r, h<-n
        weights = [_blocks(w_ih, order).T, _blocks(w_hh, order).T]
        if has_bias:
            weights.append(torch.stack([_blocks(b_ih, order), _blocks(b_hh, order)]))
        return weights
    weights = [w_ih.T, w_hh.T]
    if has_bias:
        weights.append(b_ih + b_hh)
    return weights


def _layer_like(module: nn.RNNBase, **kwargs) -> RNN:
    if isinstance(module, nn.LSTM):
        return LSTM(module.hidden_size, **kwargs)
    if isinstance(module, nn.GRU):
        return GRU(module.hidden_size, reset_after=True, **kwargs)
    activation = "relu" if module.nonlinearity == "relu" else "tanh"
    return SimpleRNN(module.hidden_size, activation=activation, **kwargs)


def from_torch(module: nn.RNNBase) -> Sequential:
    """A Sequential of rnnkit layers (``return_sequences=True``) equal to ``module``'s output."""
    if not isinstance(module, (nn.RNN, nn.GRU, nn.LSTM)):
        raise ValueError(f"from_torch expects torch.nn.RNN, GRU or LSTM; got {type(module).__name__}")
    if isinstance(module, nn.LSTM) and module.proj_size:
        raise ValueError("from_torch: LSTM with proj_size has no Keras equivalent")
    model = Sequential([Input(shape=(None, module.input_size))])
    for _ in range(module.num_layers):
        layer = _layer_like(module, return_sequences=True, use_bias=module.bias)
        model.add(Bidirectional(layer) if module.bidirectional else layer)
    model.to(module.weight_ih_l0.dtype)
    for k, layer in enumerate(model.layers):
        weights = _keras_weights(module, f"_l{k}")
        if module.bidirectional:
            weights += _keras_weights(module, f"_l{k}_reverse")
        layer.set_weights([w.cpu().numpy() for w in weights])
    return model


def _torch_weights(layer: RNN) -> dict[str, torch.Tensor]:
    cell = layer.cell
    kernel, recurrent = cell.kernel.detach(), cell.recurrent_kernel.detach()
    order = cells.spec(cell.kind).torch_gate_order
    if cell.kind == "gru":
        inverse = tuple(order.index(i) for i in range(3))
        out = {"weight_ih": _blocks(kernel.T, inverse), "weight_hh": _blocks(recurrent.T, inverse)}
        if cell.bias is not None:
            out["bias_ih"] = _blocks(cell.bias[0].detach(), inverse)
            out["bias_hh"] = _blocks(cell.bias[1].detach(), inverse)
        return out
    out = {"weight_ih": kernel.T, "weight_hh": recurrent.T}
    if cell.bias is not None:
        out["bias_ih"] = cell.bias.detach()
        out["bias_hh"] = torch.zeros_like(cell.bias)
    return out


def _check_mappable(layer: RNN) -> None:
    cell = layer.cell
    if cells.spec(cell.kind).torch_module is None:
        raise ValueError(
            f"to_torch: layer '{layer.name}' ({type(layer).__name__}) runs a {cell.kind} cell, which "
            f"torch has no module for (torch has {_torch_kinds()})"
        )
    default_ract = cell.kind == "simple_rnn" or cell.recurrent_activation == "sigmoid"
    activation_ok = cell.activation == "tanh" or (cell.kind == "simple_rnn" and cell.activation == "relu")
    if not (default_ract and activation_ok) or (cell.kind == "gru" and not cell.reset_after):
        raise ValueError(
            f"to_torch: layer '{layer.name}' has no torch equivalent (torch supports the default "
            "activations, SimpleRNN relu, and GRU reset_after=True only)"
        )
    if layer.go_backwards:
        raise ValueError(f"to_torch: layer '{layer.name}' runs backwards on its own, which torch cannot express")


def _torch_kinds() -> str:
    return ", ".join(f"{s.torch_module.__name__} ({kind})" for kind, s in cells.SPECS.items() if s.torch_module)


def to_torch(model: Sequential) -> nn.RNNBase:
    """A batch-first ``torch.nn.RNN/GRU/LSTM`` equal to a stack of like recurrent layers."""
    stack = [layer for layer in model.layers]
    bidirectional = isinstance(stack[0], Bidirectional)
    inner = [(l.forward_layer, l.backward_layer) if bidirectional else (l,) for l in stack]
    first = inner[0][0]
    for group, layer in zip(inner, stack):
        if isinstance(layer, Bidirectional) != bidirectional or (bidirectional and layer.merge_mode != "concat"):
            raise ValueError("to_torch: every layer must be Bidirectional(merge_mode='concat'), or none")
        for sub in group:
            if type(sub) is not type(first) or sub.units != first.units or sub.cell.use_bias != first.cell.use_bias:
                raise ValueError(f"to_torch: layer '{sub.name}' differs in type, units or bias from the first")
            if sub.cell.activation != first.cell.activation:
                raise ValueError(f"to_torch: layer '{sub.name}' has a different activation from the first")
        _check_mappable(group[0])
    kwargs = dict(
        input_size=first.cell.input_dim,
        hidden_size=first.units,
        num_layers=len(stack),
        bias=first.cell.use_bias,
        batch_first=True,
        bidirectional=bidirectional,
        dtype=first.cell.kernel.dtype,
    )
    torch_module = cells.spec(first.cell.kind).torch_module
    if torch_module is nn.RNN:
        kwargs["nonlinearity"] = first.cell.activation
    module: nn.RNNBase = torch_module(**kwargs)
    with torch.no_grad():
        for k, group in enumerate(inner):
            for sub, suffix in zip(group, (f"_l{k}", f"_l{k}_reverse")):
                for name, value in _torch_weights(sub).items():
                    getattr(module, f"{name}{suffix}").copy_(value)
    return module
