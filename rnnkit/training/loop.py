"""``compile``, ``fit``, ``evaluate``, ``train_on_batch``, ``test_on_batch``: the training loop.

``Model`` exposes these as methods; each takes the model first here. One training step is
forward, loss, backward, the optimizer's clipped update; a batch whose loss is NaN or infinite is
not applied (so the weights stay the last good ones) and stops training (see ``TerminateOnNaN``).

Stateful recurrent layers (``stateful=True``) carry their final state from one batch into the
next, detached from the graph: truncated backpropagation through time. Sample ``i`` of each
batch must continue sample ``i`` of the batch before, so ``fit`` requires ``shuffle=False`` and a
sample count that is a multiple of ``batch_size``; call ``model.reset_states()`` (for instance
from a callback) where sequences end. ``fit`` does not reset states itself, as in Keras, and
validation batches move the carried state too (reset in ``on_test_begin`` if that matters).

In a multi-process run (see :mod:`rnnkit.training.distributed`) ``fit`` trains a
``DistributedDataParallel`` wrapper of the model, so gradients are averaged over processes
before each update, and the epoch's logs are means over every process's samples.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import torch
from torch.nn.parallel import DistributedDataParallel

from ..kernels.pool import pooled_allocations
from ..layers.base import Layer, flatten, map_structure
from ..layers.recurrent import RNN
from . import data, distributed, optimizers
from .callbacks import BackupAndRestore, CallbackList, History, TerminateOnNaN
from .compiled import Compiled
from .progress import ProgbarLogger


_SCHEDULING_OPTIONS = ("run_eagerly", "jit_compile", "steps_per_execution", "auto_scale_loss")


def compile(model: Any, optimizer: Any = "rmsprop", loss: Any = None, metrics: Any = None, loss_weights: Any = None,
            weighted_metrics: Any = None, **options: Any) -> None:
    """Fix the optimizer, loss(es) and metrics that ``fit`` and ``evaluate`` use.

    They are kept on the model as ``model.optimizer`` and ``model.compilation``. TensorFlow's
    scheduling options (``run_eagerly``, ``jit_compile``, ``steps_per_execution``,
    ``auto_scale_loss``) change nothing here and are accepted for Keras code's sake.
    """
    unknown = sorted(set(options) - set(_SCHEDULING_OPTIONS))
    if unknown:
        raise TypeError(f"compile() got unexpected keyword argument(s) {unknown}")
    if weighted_metrics is not None:
        raise ValueError("compile: weighted_metrics is not supported; give metrics= (they already use sample_weight)")
    model.optimizer = optimizers.get(optimizer)
    model.compilation = Compiled(model.output_names(), loss, metrics, loss_weights)


def compiled_of(model: Any, caller: str) -> Compiled:
    if model.compilation is None:
        raise RuntimeError(f"{caller}: compile the model first, e.g. model.compile(optimizer='adam', loss='mse')")
    return model.compilation


def stateful_layers(model: Any) -> list[RNN]:
    return [m for m in model.modules() if isinstance(m, RNN) and m.stateful]


def reset_states(model: Any) -> None:
    """Forget the carried state of every stateful recurrent layer in ``model``."""
    for layer in stateful_layers(model):
        layer.reset_states()


def to_model(batch: Any, model: Any) -> Any:
    """Tensors moved to the model's device, floating ones also cast to its dtype (as Keras casts inputs)."""
    weight = next(model.parameters(), None)
    if weight is None:  # a model without weights computes in whatever it is given
        return batch

    def move(t: Any) -> Any:
        if not isinstance(t, torch.Tensor):
            return t
        return t.to(weight.device, weight.dtype) if t.is_floating_point() else t.to(weight.device)

    return map_structure(move, batch)


def prepare_weights(model: Any, first_inputs: Callable[[], Any]) -> None:
    """Build lazily built layers from a first batch, and move the model to this process's device.

    ``first_inputs`` is only called when something is unbuilt, so a built model's run draws
    nothing from the random generators here.
    """
    unbuilt = any(not m.built for m in model.modules() if isinstance(m, Layer) and m is not model)
    if unbuilt or (not model.built and next(model.parameters(), None) is None):
        was_training = model.training
        model.eval()
        dtype = torch.get_default_dtype()  # the dtype the new weights will have
        with torch.no_grad():
            model(map_structure(lambda t: t.to(dtype) if isinstance(t, torch.Tensor) and t.is_floating_point() else t, first_inputs()))
        model.train(was_training)
        for layer in stateful_layers(model):
            layer.reset_states()
    device = distributed.device_for_process()
    if device is not None:
        model.to(device)


def prepare(model: Any, first_inputs: Callable[[], Any]) -> None:
    """:func:`prepare_weights`, then bind the optimizer to the weights (once)."""
    prepare_weights(model, first_inputs)
    if model.optimizer.torch_optimizer is None:
        model.optimizer.bind(model.parameters())
    else:
        model.optimizer.check_built_for(model)
    model.optimizer.watch(model)  # Embedding gradients per occurrence, as Keras's TensorFlow backend has them


def samples_in(x: Any) -> int:
    return len(flatten(x)[0])


def with_class_weight(y: Any, sample_weight: Any, class_weight: dict[int, float] | None, compiled: Compiled) -> Any:
    """``sample_weight`` times each sample's class weight (Keras: one output, one label per sample)."""
    if class_weight is None:
        return sample_weight
    if len(compiled.output_names) > 1:
        raise ValueError("class_weight works for models with one output; pass sample_weight for several")
    if not isinstance(class_weight, dict):
        raise ValueError(f"class_weight must be a dict {{class index: weight}}; got {type(class_weight).__name__}")
    labels = torch.as_tensor(y)
    if labels.is_floating_point() and labels.dim() > 1 and labels.shape[-1] > 1:
        labels = labels.argmax(dim=-1)  # one-hot targets
    elif labels.is_floating_point():
        labels = labels.round()
    labels = labels.reshape(len(labels), -1)
    if labels.shape[1] != 1:
        raise ValueError(f"class_weight needs one label per sample; y has shape {tuple(torch.as_tensor(y).shape)}")
    weights = torch.tensor([float(class_weight.get(int(label), 1.0)) for label in labels[:, 0]])
    return weights if sample_weight is None else torch.as_tensor(sample_weight) * weights


def train_step(model: Any, forward: Any, compiled: Compiled, x: Any, y: Any, sample_weight: Any) -> None:
    """One update on one batch; adds the batch to the epoch's running means. Its large tensors
    come from rnnkit's reuse pool (:mod:`rnnkit.kernels.pool`): no page faults step after step."""
    with pooled_allocations():
        _train_step(model, forward, compiled, x, y, sample_weight)


def _train_step(model: Any, forward: Any, compiled: Compiled, x: Any, y: Any, sample_weight: Any) -> None:
    model.train()
    optimizer = model.optimizer
    y_pred = forward(x)
    loss, parts = compiled.loss(y, y_pred, sample_weight)
    loss = loss + sum(model.losses)  # Keras: regularization and add_loss() penalties count in "loss"
    optimizer.zero_grad()
    loss.backward()
    value = loss.item()
    if distributed.world_size() > 1:  # the same value on every process, so all stop together
        value = distributed.sum_over_processes([value])[0] / distributed.world_size()
    if math.isfinite(value):
        optimizer.step()
        model.apply_weight_constraints()  # Keras applies weight constraints after every update
    compiled.update(y, y_pred, sample_weight, value, parts, samples_in(x))


def test_step(model: Any, compiled: Compiled, x: Any, y: Any, sample_weight: Any) -> None:
    model.eval()
    with torch.no_grad():
        y_pred = model(x)
        loss, parts = compiled.loss(y, y_pred, sample_weight)
        loss = loss + sum(model.losses)
    compiled.update(y, y_pred, sample_weight, loss.item(), parts, samples_in(x))


def run_evaluation(model: Any, compiled: Compiled, batches: Any, callbacks: CallbackList) -> dict[str, float]:
    compiled.reset()
    callbacks.call("on_test_begin", None)
    for step, batch in enumerate(batches):
        callbacks.call("on_test_batch_begin", step, None)
        test_step(model, compiled, *to_model(batch, model))
        callbacks.call("on_test_batch_end", step, compiled.results(over_processes=False))
    logs = compiled.results()
    callbacks.call("on_test_end", logs)
    return logs


def check_stateful(model: Any, batches: Any, shuffle: bool) -> None:
    if not stateful_layers(model):
        return
    if shuffle:
        raise ValueError(
            "shuffle must be False for a model with stateful layers: sample i of each batch continues "
            "sample i of the batch before"
        )
    if isinstance(batches, data.ArrayBatches) and batches.count % batches.batch_size:
        raise ValueError(
            f"x has {batches.count} samples, not a multiple of batch_size={batches.batch_size}: a model "
            "with stateful layers needs every batch the same size"
        )


def fit(
    model: Any,
    x: Any = None,
    y: Any = None,
    batch_size: int | None = None,
    epochs: int = 1,
    verbose: int | str = "auto",
    callbacks: list | None = None,
    validation_split: float = 0.0,
    validation_data: Any = None,
    shuffle: bool = True,
    class_weight: dict[int, float] | None = None,
    sample_weight: Any = None,
    initial_epoch: int = 0,
    steps_per_epoch: int | None = None,
    validation_steps: int | None = None,
) -> History:
    """Train for ``epochs - initial_epoch`` epochs; returns the :class:`History` of logs."""
    compiled = compiled_of(model, "fit")
    if not isinstance(epochs, int) or not isinstance(initial_epoch, int) or not 0 <= initial_epoch <= epochs:
        raise ValueError(f"epochs and initial_epoch must be integers with 0 <= initial_epoch <= epochs; got {initial_epoch} and {epochs}")
    distributed.join_from_environment()
    if validation_split and validation_data is None:
        (x, y, sample_weight), validation_data = data.split_validation(x, y, sample_weight, validation_split)
    if class_weight is not None:
        if data.is_batch_source(x):
            raise ValueError("class_weight needs arrays; with a Dataset, return per-sample weights as a third item")
        y = data.as_tensors(y, "y")
        sample_weight = with_class_weight(y, sample_weight, class_weight, compiled)
    train = data.make_batches(x, y, sample_weight, batch_size, shuffle, steps=steps_per_epoch)
    validation = None
    if validation_data is not None:
        val_x, val_y, val_weight = data.unpack_validation_data(validation_data)
        validation = data.make_batches(val_x, val_y, val_weight, batch_size, False, "validation_data", validation_steps)
    check_stateful(model, train, shuffle)
    if len(train) == 0:
        raise ValueError("x holds no batches to train on")

    prepare(model, train.first_inputs)
    forward = DistributedDataParallel(model) if distributed.world_size() > 1 else model
    history = History()
    user = list(callbacks or [])
    extra = [] if any(isinstance(c, TerminateOnNaN) for c in user) else [TerminateOnNaN()]
    hooks = CallbackList([*user, *extra, *with_progress(user), history], model, {"epochs": epochs, "steps": len(train), "verbose": verbose})

    model.stop_training = False
    hooks.call("on_train_begin", None)
    initial_epoch = max([initial_epoch] + [c.resume_epoch for c in user if isinstance(c, BackupAndRestore)])
    for epoch in range(initial_epoch, epochs):
        compiled.reset()
        train.set_epoch(epoch)
        hooks.call("on_epoch_begin", epoch, None)
        for step, batch in enumerate(train):
            hooks.call("on_train_batch_begin", step, None)
            train_step(model, forward, compiled, *to_model(batch, model))
            hooks.call("on_train_batch_end", step, compiled.results(over_processes=False))
            if model.stop_training:
                break
        logs = compiled.results()
        if validation is not None:
            logs.update({f"val_{key}": value for key, value in run_evaluation(model, compiled, validation, hooks).items()})
        hooks.call("on_epoch_end", epoch, logs)
        if model.stop_training:
            break
    if epochs > initial_epoch:
        model.optimizer.finalize_variable_values()  # use_ema: the averages become the weights, as in Keras
    hooks.call("on_train_end", None)
    return history


def keras_result(logs: dict[str, float], return_dict: bool) -> Any:
    """Keras's return value: the dict, or the loss alone, or ``[loss, *metrics]``."""
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


def evaluate(model: Any, x: Any = None, y: Any = None, batch_size: int | None = None, verbose: int | str = "auto",
             sample_weight: Any = None, steps: int | None = None, callbacks: list | None = None, return_dict: bool = False) -> Any:
    """Loss and metrics over ``x``/``y`` in inference mode."""
    compiled = compiled_of(model, "evaluate")
    distributed.join_from_environment()
    batches = data.make_batches(x, y, sample_weight, batch_size, False, steps=steps)
    prepare(model, batches.first_inputs)
    user = list(callbacks or [])
    hooks = CallbackList([*user, *with_progress(user)], model, {"epochs": 1, "steps": len(batches), "verbose": verbose})
    return keras_result(run_evaluation(model, compiled, batches, hooks), return_dict)


def with_progress(callbacks: list) -> list:
    """A :class:`ProgbarLogger` to add unless ``callbacks`` has one (it honours ``verbose`` itself)."""
    return [] if any(isinstance(c, ProgbarLogger) for c in callbacks) else [ProgbarLogger()]


def predict(model: Any, x: Any, batch_size: int | None = None, verbose: int | str = "auto", callbacks: list | None = None) -> Any:
    """Outputs for ``x`` in inference mode, in batches of ``batch_size`` (32), as numpy.

    One array per model output (a list for several); a torch ``Dataset``/``DataLoader`` or an
    iterable of batches works as in ``fit`` (its targets, if any, are ignored).
    """
    batches = data.make_batches(x, None, None, batch_size, False)
    if len(batches) == 0:
        raise ValueError("predict: x holds no samples")
    prepare_weights(model, batches.first_inputs)
    user = list(callbacks or [])
    hooks = CallbackList([*user, *with_progress(user)], model, {"epochs": 1, "steps": len(batches), "verbose": verbose})
    was_training = model.training
    model.eval()
    chunks: list[list[torch.Tensor]] = []
    hooks.call("on_predict_begin", None)
    try:
        with torch.inference_mode():
            for step, batch in enumerate(batches):
                hooks.call("on_predict_batch_begin", step, None)
                result = model(to_model(batch, model)[0])
                chunks.append(list(result) if isinstance(result, (list, tuple)) else [result])
                hooks.call("on_predict_batch_end", step, None)
    finally:
        model.train(was_training)
    hooks.call("on_predict_end", None)
    outputs = [torch.cat(parts, dim=0).cpu().numpy() for parts in zip(*chunks)]
    return outputs[0] if len(outputs) == 1 else outputs


def predict_on_batch(model: Any, x: Any) -> Any:
    """Outputs for exactly this batch, in inference mode, as numpy (a list for several outputs)."""
    x = data.as_tensors(x, "x")
    prepare_weights(model, lambda: x)
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            result = model(to_model(x, model))
    finally:
        model.train(was_training)
    results = list(result) if isinstance(result, (list, tuple)) else [result]
    arrays = [r.cpu().numpy() for r in results]
    return arrays[0] if len(arrays) == 1 else arrays


def _one_batch(x: Any, y: Any, sample_weight: Any) -> tuple[Any, Any, Any]:
    x = data.as_tensors(x, "x")
    y = None if y is None else data.as_tensors(y, "y")
    weight = None if sample_weight is None else data.as_tensors(sample_weight, "sample_weight")
    data.count_samples(x, y, weight)
    return x, y, weight


def train_on_batch(model: Any, x: Any, y: Any = None, sample_weight: Any = None, class_weight: dict | None = None,
                   return_dict: bool = False) -> Any:
    """One update on exactly this batch; returns the batch's loss (and metrics)."""
    compiled = compiled_of(model, "train_on_batch")
    x, y, weight = _one_batch(x, y, sample_weight)
    weight = with_class_weight(y, weight, class_weight, compiled)
    prepare(model, lambda: x)
    compiled.reset()
    train_step(model, model, compiled, *to_model((x, y, weight), model))
    return keras_result(compiled.results(over_processes=False), return_dict)


def test_on_batch(model: Any, x: Any, y: Any = None, sample_weight: Any = None, return_dict: bool = False) -> Any:
    """Loss (and metrics) on exactly this batch, without updating anything."""
    compiled = compiled_of(model, "test_on_batch")
    x, y, weight = _one_batch(x, y, sample_weight)
    prepare(model, lambda: x)
    compiled.reset()
    test_step(model, compiled, *to_model((x, y, weight), model))
    return keras_result(compiled.results(over_processes=False), return_dict)
