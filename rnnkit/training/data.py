"""What ``fit``/``evaluate``/``predict`` accept as data, checked and cut into batches of tensors.

Three sources: arrays (numpy arrays, tensors or lists of numbers; lists or dicts of them for models
with several inputs or outputs), cut into batches of ``batch_size`` in order or reshuffled every
epoch with torch's global generator (so a checkpoint that restores that generator resumes the
same order); a torch ``Dataset`` or ``DataLoader`` whose items are ``(x, y)`` or
``(x, y, sample_weight)``; or any other iterable of such ready batches, as Keras takes a
``tf.data.Dataset``, a ``PyDataset`` or a generator: ``timeseries_dataset_from_array``'s
dataset, a ``keras.utils.PyDataset`` subclass, any object with ``__iter__`` and ``__len__``, or a
generator (one-shot: each epoch draws ``steps_per_epoch`` more batches from it).
In a multi-process run each process takes its share of every epoch through a ``DistributedSampler``.
"""

from __future__ import annotations

import itertools
import math
from typing import Any, Iterator

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, DistributedSampler

from ..layers.base import flatten, is_text, map_structure, to_tensor
from . import distributed

Batch = tuple[Any, Any, Any]  # (x, y, sample_weight); y and sample_weight may be None


def as_tensors(value: Any, argument: str) -> Any:
    """``value`` (nested lists/dicts of arrays) as tensors; numeric data only, finite floats only."""

    def convert(leaf: Any) -> torch.Tensor:
        if isinstance(leaf, torch.Tensor):
            tensor = leaf
        else:
            array = np.asarray(leaf)
            if is_text(array):  # text stays NumPy (torch has no strings) for a TextVectorization/StringLookup
                return array
            if array.dtype.kind not in "biuf":
                raise ValueError(f"{argument} must hold numbers or text; got an array of dtype {array.dtype}")
            tensor = to_tensor(array)
        if tensor.is_complex() or not (tensor.is_floating_point() or tensor.dtype in _INTEGER_TYPES):
            raise ValueError(f"{argument} must hold real numbers; got dtype {tensor.dtype}")
        if tensor.dim() == 0:
            raise ValueError(f"{argument} must have a batch axis; got a scalar")
        if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all()):
            where = torch.nonzero(~torch.isfinite(tensor))[0].tolist()
            raise ValueError(f"{argument} contains NaN or infinity (first at index {tuple(where)})")
        return tensor

    if isinstance(value, (list, tuple)) and value and all(isinstance(v, (np.ndarray, torch.Tensor)) for v in value):
        return type(value)(convert(v) for v in value)  # several inputs or outputs
    if isinstance(value, dict):
        return {key: convert(v) for key, v in value.items()}
    return convert(value)


_INTEGER_TYPES = (torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64, torch.bool)


def count_samples(x: Any, y: Any, sample_weight: Any, names: tuple[str, str, str] = ("x", "y", "sample_weight")) -> int:
    """The common number of samples; a clear error naming the argument (``names``) that disagrees."""
    counts = {f"{names[0]}{_where(x, i)}": len(t) for i, t in enumerate(flatten(x))}
    counts.update({f"{names[1]}{_where(y, i)}": len(t) for i, t in enumerate(flatten(y)) if t is not None})
    if sample_weight is not None:
        counts[names[2]] = len(sample_weight)
    first_name, first = next(iter(counts.items()))
    for name, count in counts.items():
        if count != first:
            raise ValueError(
                f"{first_name} has {first} samples but {name} has {count}; every input, target and "
                "weight needs the same number of samples (the first axis)"
            )
    if first == 0:
        raise ValueError(f"{names[0]} holds no samples")
    return first


def _where(structure: Any, index: int) -> str:
    return f"[{index}]" if isinstance(structure, (list, tuple, dict)) else ""


def take(structure: Any, index: Any) -> Any:
    """The samples ``index`` (a slice or a tensor of positions) of every array in ``structure``."""

    def pick(t: Any) -> Any:
        if t is None:
            return None
        if isinstance(t, np.ndarray) and isinstance(index, torch.Tensor):
            return t[index.numpy()]
        return t[index]

    return map_structure(pick, structure)


class ArrayBatches:
    """Batches of in-memory samples; ``set_epoch`` before each pass picks that epoch's order."""

    def __init__(self, x: Any, y: Any, sample_weight: Any, batch_size: int, shuffle: bool, names: tuple[str, str, str]):
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self.count = count_samples(x, y, sample_weight, names)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.sampler = DistributedSampler(range(self.count), shuffle=shuffle) if distributed.world_size() > 1 else None
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch
        if self.sampler is not None:
            self.sampler.set_epoch(epoch)

    def __len__(self) -> int:
        per_process = len(self.sampler) if self.sampler is not None else self.count
        return math.ceil(per_process / self.batch_size)

    def first_inputs(self) -> Any:
        return take(self.x, slice(0, self.batch_size))

    def __iter__(self) -> Iterator[Batch]:
        if self.sampler is not None:
            order = torch.tensor(list(iter(self.sampler)))
        else:
            order = torch.randperm(self.count) if self.shuffle else torch.arange(self.count)
        for index in order.split(self.batch_size):
            yield take(self.x, index), take(self.y, index), take(self.sample_weight, index)


class LoaderBatches:
    """Batches from a torch ``DataLoader`` whose items are ``(x, y)`` or ``(x, y, sample_weight)``."""

    def __init__(self, loader: DataLoader, argument: str):
        self.loader = loader
        self.argument = argument

    def set_epoch(self, epoch: int) -> None:
        sampler = self.loader.sampler
        if isinstance(sampler, DistributedSampler):
            sampler.set_epoch(epoch)

    def __len__(self) -> int:
        return len(self.loader)

    def first_inputs(self) -> Any:
        return next(iter(self))[0]

    def __iter__(self) -> Iterator[Batch]:
        for item in self.loader:
            if not isinstance(item, (list, tuple)) or len(item) not in (2, 3):
                raise ValueError(
                    f"{self.argument}: each batch must be (x, y) or (x, y, sample_weight); got "
                    f"{type(item).__name__}{'' if not isinstance(item, (list, tuple)) else f' of {len(item)}'}"
                )
            x, y, *weight = item
            yield x, y, weight[0] if weight else None


def loader_batches(data: Dataset | DataLoader, batch_size: int | None, shuffle: bool, argument: str) -> LoaderBatches:
    """Batches from a ``Dataset`` (batched here) or a ready ``DataLoader`` (taken as it is)."""
    if isinstance(data, DataLoader):
        if distributed.world_size() > 1 and not isinstance(data.sampler, DistributedSampler):
            raise ValueError(
                f"{argument}: in a multi-process run a DataLoader needs sampler=DistributedSampler(dataset) "
                "so each process reads its own share; or pass the Dataset and let fit batch it"
            )
        return LoaderBatches(data, argument)
    sampler = DistributedSampler(data, shuffle=shuffle) if distributed.world_size() > 1 else None
    loader = DataLoader(data, batch_size=batch_size or 32, shuffle=shuffle and sampler is None, sampler=sampler)
    return LoaderBatches(loader, argument)


def is_torch_data(value: Any) -> bool:
    return isinstance(value, (Dataset, DataLoader))


def is_batch_iterable(value: Any) -> bool:
    """An iterable of ready batches (a dataset object or a generator), not array-like data.

    Lists, tuples and dicts are structures of inputs, and anything NumPy can read (arrays,
    tensors, pandas frames) is data to cut into batches, so none of them counts.
    """
    if isinstance(value, (list, tuple, dict, str, bytes, np.ndarray, torch.Tensor)) or is_torch_data(value):
        return False
    return not hasattr(value, "__array__") and (hasattr(value, "__iter__") or hasattr(value, "__next__"))


def is_batch_source(value: Any) -> bool:
    """Data that carries its own batches and targets: a torch Dataset/DataLoader or an iterable of batches."""
    return is_torch_data(value) or is_batch_iterable(value)


def split_batch(item: Any, argument: str, step: int) -> tuple[Any, Any, Any]:
    """A batch as ``(x, y, sample_weight)``: Keras reads a tuple as ``(x,)``, ``(x, y)`` or ``(x, y, w)``."""
    if isinstance(item, (list, tuple)):
        if not 1 <= len(item) <= 3:
            raise ValueError(f"{argument}: batch {step} is a {type(item).__name__} of {len(item)}; expected (x, y) or (x, y, sample_weight)")
        x, y, weight = (*item, None, None)[:3]
        return x, y, weight
    return item, None, None


class IterableBatches:
    """Batches that an iterable already holds; ``steps`` caps each epoch at that many batches.

    A re-iterable source (a dataset object) is read afresh every epoch; a one-shot
    iterator (a generator) goes on where the last epoch stopped and must not run dry.
    """

    def __init__(self, source: Any, steps: int | None, argument: str):
        if distributed.world_size() > 1:
            raise ValueError(
                f"{argument}: a dataset or generator cannot be shared out among the processes of a "
                "multi-process run; pass arrays or a torch Dataset, which fit splits with a DistributedSampler"
            )
        self.source = source
        self.argument = argument
        self.one_shot = iter(source) is source
        if steps is None and not hasattr(source, "__len__"):
            raise ValueError(
                f"{argument} is a {type(source).__name__} without a length: pass steps_per_epoch to fit "
                "(steps to evaluate/predict) to say how many batches make an epoch"
            )
        self.steps = steps
        self.pending: list[Any] = []  # batches drawn early (by first_inputs), given out first

    def set_epoch(self, epoch: int) -> None:
        """Nothing to do: the source orders its own batches (a dataset reshuffles itself)."""

    def __len__(self) -> int:
        return self.steps if self.steps is not None else len(self.source)

    def first_inputs(self) -> Any:
        if self.one_shot:
            self.pending.append(next(iter(self.source)))
            item = self.pending[0]
        else:
            item = next(iter(self.source))
        return as_tensors(split_batch(item, self.argument, 0)[0], f"{self.argument} batch 0 x")

    def _items(self) -> Iterator[Any]:
        """This epoch's raw batches: a full pass (or ``steps``) of a re-iterable, ``len(self)`` more of an iterator."""
        if not self.one_shot:  # a full pass lets the source finish its epoch (PyDataset.on_epoch_end)
            iterator = iter(self.source)
            yield from iterator if self.steps is None else itertools.islice(iterator, self.steps)
            return
        for step in range(len(self)):
            if self.pending:
                yield self.pending.pop(0)
                continue
            try:
                yield next(self.source)
            except StopIteration:
                raise ValueError(
                    f"{self.argument} ran out of batches after {step} of the epoch's {len(self)}: a generator "
                    "must yield steps_per_epoch batches for every epoch (loop with `while True:`)"
                ) from None

    def __iter__(self) -> Iterator[Batch]:
        for step, item in enumerate(self._items()):
            x, y, weight = split_batch(item, self.argument, step)
            if y is None:
                raise ValueError(f"{self.argument}: batch {step} has no targets; each batch must be (x, y) or (x, y, sample_weight)")
            name = f"{self.argument} batch {step}"
            yield (as_tensors(x, f"{name} x"), as_tensors(y, f"{name} y"),
                   None if weight is None else as_tensors(weight, f"{name} sample_weight"))


def predict_inputs(source: Any, steps: int | None) -> Any:
    """The inputs of every batch of ``source`` (``x`` or the ``x`` of ``(x, y)``) joined along the batch axis.

    They come back as NumPy arrays, which ``predict`` converts as it converts any array input.
    """
    if isinstance(source, Dataset) and not isinstance(source, DataLoader):
        source = DataLoader(source, batch_size=32)
    if steps is None and not hasattr(source, "__len__"):
        raise ValueError(f"predict: x is a {type(source).__name__} without a length: pass steps")
    parts = []
    for step, item in enumerate(source):
        if steps is not None and step >= steps:
            break
        inputs = as_tensors(split_batch(item, "x", step)[0], f"x batch {step}")
        parts.append(map_structure(lambda t: t.detach().cpu().numpy(), inputs))
    if not parts:
        raise ValueError("predict: x holds no batches")
    if isinstance(parts[0], (list, tuple)):
        return type(parts[0])(np.concatenate(pieces) for pieces in zip(*parts))
    if isinstance(parts[0], dict):
        return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    return np.concatenate(parts)


def make_batches(x: Any, y: Any, sample_weight: Any, batch_size: int | None, shuffle: bool, argument: str = "x",
                 steps: int | None = None) -> ArrayBatches | LoaderBatches | IterableBatches:
    """Batches for ``fit``/``evaluate`` from arrays, a torch ``Dataset``/``DataLoader`` or an iterable of batches.

    ``steps`` (``steps_per_epoch``, ``validation_steps``, ``steps``) applies to an iterable of batches.
    """
    if batch_size is not None and (not isinstance(batch_size, int) or batch_size <= 0):
        raise ValueError(f"batch_size must be a positive integer; got {batch_size!r}")
    if steps is not None and (isinstance(steps, bool) or not isinstance(steps, int) or steps <= 0):
        raise ValueError(f"the number of steps for {argument} must be a positive integer; got {steps!r}")
    if is_batch_source(x) and (y is not None or sample_weight is not None):
        raise ValueError(f"{argument} is a dataset or generator, which carries the targets: leave y and sample_weight unset")
    if is_batch_iterable(x):
        return IterableBatches(x, steps, argument)
    if steps is not None:
        raise ValueError(f"steps apply to a dataset or generator in {argument}; with arrays, batch_size sets the batches")
    if is_torch_data(x):
        return loader_batches(x, batch_size, shuffle, argument)
    if x is None:
        raise ValueError(f"{argument} is required")
    names = ("x", "y", "sample_weight") if argument == "x" else tuple(f"{argument}[{i}]" for i in range(3))
    x = as_tensors(x, names[0])
    y = None if y is None else as_tensors(y, names[1])
    weights = None if sample_weight is None else as_tensors(sample_weight, names[2])
    return ArrayBatches(x, y, weights, batch_size or 32, shuffle, names)


def split_validation(x: Any, y: Any, sample_weight: Any, validation_split: float) -> tuple[tuple, tuple]:
    """Keras's ``validation_split``: the last fraction of the samples, before any shuffling."""
    if not 0.0 < validation_split < 1.0:
        raise ValueError(f"validation_split must be between 0 and 1; got {validation_split}")
    if is_batch_source(x):
        raise ValueError("validation_split needs arrays; with a dataset, DataLoader or generator pass validation_data instead")
    x = as_tensors(x, "x")
    y = None if y is None else as_tensors(y, "y")
    sample_weight = None if sample_weight is None else as_tensors(sample_weight, "sample_weight")
    count = count_samples(x, y, sample_weight)
    cut = int(math.floor(count * (1.0 - validation_split)))
    if cut == 0 or cut == count:
        raise ValueError(f"validation_split={validation_split} of {count} samples leaves one of the two parts empty")
    train = (take(x, slice(0, cut)), take(y, slice(0, cut)), take(sample_weight, slice(0, cut)))
    held_out = (take(x, slice(cut, None)), take(y, slice(cut, None)), take(sample_weight, slice(cut, None)))
    return train, held_out


def unpack_validation_data(validation_data: Any) -> tuple[Any, Any, Any]:
    """``validation_data`` as ``(x, y, sample_weight)``; a dataset, DataLoader or generator stays in ``x``."""
    if is_batch_source(validation_data):
        return validation_data, None, None
    if isinstance(validation_data, (list, tuple)) and len(validation_data) in (2, 3):
        x, y, *weight = validation_data
        return x, y, weight[0] if weight else None
    raise ValueError(
        "validation_data must be (x_val, y_val), (x_val, y_val, sample_weight), a dataset of batches "
        f"or a torch Dataset/DataLoader; got {type(validation_data).__name__}"
    )
