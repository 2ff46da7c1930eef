"""Weights in Keras's two HDF5 layouts, read into and written from rnnkit models.

Keras 3 (``model.weights.h5`` inside a ``.keras`` archive, and ``.weights.h5`` files): one group
per top-level layer under ``layers/``, named by the snake_case class name made unique in model
order (``lstm``, ``lstm_1``, ...), never by ``layer.name``. Inside it, each object that owns
variables has a ``vars`` group of numbered datasets ``0..n-1``: ``layers/lstm/cell/vars/0`` is an
LSTM's kernel, ``layers/bidirectional/forward_layer/cell/vars`` holds one direction.

Legacy (full-model ``.h5`` under ``model_weights``, and Keras 2 ``save_weights`` files at the
root): attribute ``layer_names`` lists the layers; each layer's group has ``weight_names``, the
dataset paths in weight order (Keras 2 names end in ``:0``).
"""

from __future__ import annotations

from typing import Any

import h5py
import numpy as np
import torch
from torch import nn

from .. import layers as L
from ..layers.base import Layer
from ..models.model import Model
from ..naming import snake_case
from .errors import ModelFileError
from .hdf5_read import Hdf5Dataset, Hdf5Group

VarsGroup = tuple[str, str, list[nn.Parameter]]  # (path inside the layer's group, name attr, weights)


def vars_groups(layer: Layer) -> list[VarsGroup]:
    """The ``vars`` groups Keras 3 writes for ``layer``, in ``get_weights()`` order."""
    if isinstance(layer, L.RNN) and isinstance(layer.cell, L.StackedRNNCells):  # cell/cells/<class name>_<n>/vars
        cells = [(f"cell/cells/{group}/vars", cell.name, list(cell.parameters())) for group, cell in _class_named(layer.cell.cells)]
        return [("vars", layer.name, []), ("cell/vars", layer.cell.name, []), *cells]
    if isinstance(layer, L.RNN):
        return [("vars", layer.name, []), ("cell/vars", layer.cell.name, list(layer.cell.parameters()))]
    if isinstance(layer, L.Bidirectional):
        return [
            ("vars", layer.name, []),
            *_nested("forward_layer/", layer.forward_layer),
            *_nested("backward_layer/", layer.backward_layer),
        ]
    if isinstance(layer, L.TimeDistributed):
        return [("vars", layer.name, []), *_nested("layer/", layer.layer)]
    if isinstance(layer, L.MultiHeadAttention):  # Keras keeps its projections in sub-layers
        return [
            ("vars", layer.name, []),
            *((f"{where}/vars", name, params) for where, name, params in layer.parameter_groups()),
            ("_softmax/vars", "softmax", []),
            ("_dropout_layer/vars", "dropout", []),
        ]
    return [("vars", layer.name, list(layer.parameters()))]


def _nested(prefix: str, layer: Layer) -> list[VarsGroup]:
    return [(prefix + where, name, params) for where, name, params in vars_groups(layer)]


def keras3_layer_groups(model: Model) -> list[tuple[str, Layer]]:
    """``(group name under layers/, layer)`` for each of the model's layers, in model order."""
    return _class_named(model.layers)


def _class_named(layers: Any) -> list[tuple[str, Layer]]:
    """Keras 3's group names for a list of layers: snake_case class names made unique (``x``, ``x_1``)."""
    seen: dict[str, int] = {}
    groups = []
    for layer in layers:
        base = snake_case(type(layer).__name__)
        count = seen.get(base, 0)
        seen[base] = count + 1
        groups.append((base if count == 0 else f"{base}_{count}", layer))
    return groups


# ----- Keras 3 layout ------------------------------------------------------------------------
def read_keras3(path: str, root: Hdf5Group, model: Model) -> None:
    """Copy the weights under ``root`` (a file or the archive's weights file) into ``model``."""
    stored = root.get("layers")
    if not isinstance(stored, Hdf5Group):
        raise ModelFileError(path, "the weights file has no 'layers' group (is it a Keras 3 weights file?)")
    used, checked = set(), []
    for group_name, layer in keras3_layer_groups(model):
        used.add(group_name)
        for where, _, params in vars_groups(layer):
            if not params:
                continue
            location = f"layers/{group_name}/{where}"
            group = root.get(location)
            if not isinstance(group, Hdf5Group):
                raise ModelFileError(path, f"no weights group '{location}' for layer '{layer.name}' ({type(layer).__name__})")
            datasets = [stored_weight(path, group, str(i)) for i in range(len(group))]
            checked += _checked(path, layer, location, datasets, params)
    extra = sorted(name for name in stored if name not in used and _holds_data(stored.get(name)))
    if extra:
        raise ModelFileError(path, f"the file holds weights for layers {extra} that this model does not have")
    _assign(path, model, checked)


def write_keras3(root: h5py.Group, model: Model) -> None:
    """Write ``model``'s weights in the layout Keras 3 reads (see the module docstring)."""
    layers = root.create_group("layers")
    for group_name, layer in keras3_layer_groups(model):
        for where, name, params in vars_groups(layer):
            group = layers.require_group(f"{group_name}/{where}")
            group.attrs["name"] = name
            for i, param in enumerate(params):
                group.create_dataset(str(i), data=param.detach().cpu().numpy())
    root.create_group("vars").attrs["name"] = model.name


def _holds_data(item: Hdf5Group | Hdf5Dataset | None) -> bool:
    return isinstance(item, Hdf5Dataset) or (isinstance(item, Hdf5Group) and item.has_datasets())


# ----- legacy layout -------------------------------------------------------------------------
def read_legacy(path: str, group: Hdf5Group, model: Model, by_name: bool) -> None:
    """Copy weights from a legacy ``model_weights`` group (or a Keras 2 weights file's root).

    ``by_name`` matches layers by name (a model rebuilt from the same file); otherwise the layers
    that have weights are matched in order, as Keras's ``load_weights`` does.
    """
    stored = []
    for layer_name in string_list(path, group, "layer_names"):
        layer_group = group.get(layer_name)
        if not isinstance(layer_group, Hdf5Group):
            raise ModelFileError(path, f"layer_names lists {layer_name!r}, but the file has no group for it")
        names = string_list(path, layer_group, "weight_names")
        if names:
            stored.append((layer_name, [stored_weight(path, layer_group, name) for name in names]))
    targets = [layer for layer in model.layers if list(layer.parameters())]
    if by_name:
        by = {layer.name: layer for layer in targets}
        missing = [name for name, _ in stored if name not in by]
        if missing or len(stored) != len(targets):
            raise ModelFileError(
                path, f"the file has weights for layers {[n for n, _ in stored]}; the model has {sorted(by)}"
            )
        pairs = [(by[name], name, datasets) for name, datasets in stored]
    else:
        if len(stored) != len(targets):
            raise ModelFileError(
                path,
                f"the file has weights for {len(stored)} layers {[n for n, _ in stored]}; the model has "
                f"{len(targets)} layers with weights {[layer.name for layer in targets]}",
            )
        pairs = [(layer, name, datasets) for layer, (name, datasets) in zip(targets, stored)]
    checked = []
    for layer, name, datasets in pairs:
        params = [p for _, _, group_params in vars_groups(layer) for p in group_params]
        checked += _checked(path, layer, f"{group.name}/{name}", datasets, params)
    _assign(path, model, checked)


def string_list(path: str, group: Hdf5Group, attr: str) -> list[str]:
    """A list-of-strings attribute; Keras 2 splits long ones into ``attr0``, ``attr1``, ..."""
    attrs = group.attrs
    if attr in attrs:
        parts = [attrs[attr]]
    elif f"{attr}0" in attrs:
        parts, chunk = [], 0
        while f"{attr}{chunk}" in attrs:
            parts.append(attrs[f"{attr}{chunk}"])
            chunk += 1
    else:
        raise ModelFileError(path, f"HDF5 group '{group.name}' has no '{attr}' attribute")
    values = []
    for part in parts:
        if not isinstance(part, np.ndarray) or part.ndim != 1 or (part.size and part.dtype.kind not in "SUO"):
            raise ModelFileError(path, field=f"{group.name} attribute {attr!r}", expected="a list of names", found=f"{type(part).__name__} {getattr(part, 'dtype', '')}")
        values.extend(part.tolist())
    return [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in values]


# ----- shared --------------------------------------------------------------------------------
def stored_weight(path: str, group: Hdf5Group, key: str) -> Hdf5Dataset:
    """The dataset ``key`` under ``group``, not read yet: its shape is checked first."""
    item = group.get(key)
    if not isinstance(item, Hdf5Dataset):
        raise ModelFileError(path, f"weight '{group.name.rstrip('/')}/{key}' is missing")
    return item


def _checked(
    path: str, layer: Layer, where: str, datasets: list[Hdf5Dataset], params: list[nn.Parameter]
) -> list[tuple[Hdf5Dataset, nn.Parameter]]:
    """Pairs of (dataset, parameter) once count and shapes are known to match (nothing read yet)."""
    who = f"layer '{layer.name}' ({type(layer).__name__})"
    if len(datasets) != len(params):
        raise ModelFileError(path, f"'{where}' holds {len(datasets)} weights; {who} has {len(params)}")
    for i, (dataset, param) in enumerate(zip(datasets, params)):
        if dataset.shape != tuple(param.shape):
            raise ModelFileError(
                path, f"weight {i} of '{where}' has shape {dataset.shape}; {who} needs {tuple(param.shape)}"
            )
    return list(zip(datasets, params))


def _assign(path: str, model: Model, pairs: list[tuple[Hdf5Dataset, nn.Parameter]]) -> None:
    """Read and copy only after every weight was checked, so a bad file leaves the model untouched.

    A model built by a loader has its parameters on the meta device (see
    :func:`~rnnkit.saving.keras_models.model_from_config`): they get memory only now, once the
    file is known to hold a value of the right shape for every one of them.
    """
    names = {id(param): name for name, param in model.named_parameters()}
    filled = {names[id(param)] for _, param in pairs}
    if any(param.is_meta for param in model.parameters()):
        empty = sorted(set(names.values()) - filled)
        if empty:
            raise ModelFileError(path, f"the file holds no values for the model's weights {empty}")
    arrays = [(dataset.read(), param) for dataset, param in pairs]
    if any(param.is_meta for param in model.parameters()):
        model.to_empty(device="cpu")
    params = dict(model.named_parameters())
    with torch.no_grad():
        for array, param in arrays:
            target = params[names[id(param)]]
            target.copy_(torch.from_numpy(array).to(target.dtype))
