"""``Model``: what every Keras model can do, whichever way it was built.

Keras has three ways to make a model, and rnnkit has the same three:

* ``Model(inputs, outputs)``: a graph of layer calls; ``Model.__new__`` returns a
  :class:`~rnnkit.models.functional.Functional`, as in Keras;
* ``Sequential([...])``: a stack (:class:`~rnnkit.models.sequential.Sequential`);
* ``class MyModel(keras.Model)`` with layers as attributes and a ``call(self, x)``: a subclassed
  model, which this class is the base of.

``Model`` holds what they share: ``compile``/``fit``/``evaluate``/``predict`` (the work is in
:mod:`rnnkit.training.loop`), ``summary``, ``get_layer``, ``layers``, and the file methods. It
also declares what ``compile`` and ``fit`` keep on the model: ``optimizer``, ``compilation`` (the
losses and metrics, :class:`~rnnkit.training.compiled.Compiled`) and ``stop_training``.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from ..layers.base import Layer
from ..naming import snake_case, unique_name
from ..training import data as training_data
from ..training import loop as training_loop
from ..training.compiled import Compiled
from ..training.optimizers import Optimizer
from . import summary as summary_table

_CONTAINERS = (nn.ModuleList, nn.ModuleDict, nn.Sequential)


class Model(Layer):
    """The base of every model (see the module docstring); subclass it to write ``call`` yourself."""

    accepts_text = True

    def __new__(cls, *args: Any, **kwargs: Any) -> "Model":
        if cls is Model and (args or "inputs" in kwargs or "outputs" in kwargs):
            # Keras's rule: Model(inputs, outputs) is a functional model. functional.py subclasses
            # this module's Model, so it can only be imported once this module has loaded.
            from .functional import Functional

            return super().__new__(Functional)
        return super().__new__(cls)

    def __init__(self, *args: Any, name: str | None = None, **kwargs: Any):
        if args:
            raise TypeError(
                f"{type(self).__name__}: a subclassed model takes keyword arguments only (name=, trainable=); "
                f"got positional arguments {args!r}. Build a functional model with keras.Model(inputs, outputs)"
            )
        super().__init__(name=name or unique_name(snake_case(type(self).__name__)), **kwargs)
        self.optimizer: Optimizer | None = None  # set by compile()
        self.compilation: Compiled | None = None  # set by compile(): losses, metrics, what to save
        self.stop_training = False  # a callback sets it to end fit() after the current batch

    def __setattr__(self, name: str, value: Any) -> None:
        """Lists and dicts of layers given as attributes are tracked (their weights are the model's), as Keras does."""
        if isinstance(value, (list, tuple)) and value and all(isinstance(v, Layer) for v in value):
            value = nn.ModuleList(value)
        elif isinstance(value, dict) and value and all(isinstance(k, str) and isinstance(v, Layer) for k, v in value.items()):
            value = nn.ModuleDict(value)
        super().__setattr__(name, value)

    # ----- running ----------------------------------------------------------------------
    def call(self, inputs: Any, training: bool = False) -> Any:
        raise NotImplementedError(
            f"Model '{self.name}' ({type(self).__name__}) has no call(): a subclassed model defines "
            "call(self, inputs); for a graph of layers use keras.Model(inputs, outputs)"
        )

    def expects_several_inputs(self) -> bool:
        """Whether a list ``x`` is several inputs (a subclassed ``call`` gets whatever ``x`` is)."""
        return True

    def output_names(self) -> list[str]:
        """Names of the outputs, as the training logs and losses given by name use them."""
        return ["output"]

    # ----- layers -------------------------------------------------------------------------
    @property
    def layers(self) -> list[Layer] | nn.ModuleList:
        """The layers the model tracks, in the order they were assigned (lists of layers flattened).

        Functional and Sequential models hold theirs as the ``layers`` ModuleList, which is returned
        itself: torch (``torch.export``) reaches ``layers.0.kernel`` through this attribute.
        """
        registered = self._modules.get("layers")
        if isinstance(registered, nn.ModuleList) and all(isinstance(layer, Layer) for layer in registered):
            return registered
        found: dict[int, Layer] = {}

        def collect(module: nn.Module) -> None:
            for child in module.children():
                if isinstance(child, Layer):
                    found.setdefault(id(child), child)
                elif isinstance(child, _CONTAINERS):
                    collect(child)

        collect(self)
        return list(found.values())

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """The layer called ``name``, or the one at ``index`` in ``model.layers`` (Keras: give one of them)."""
        if (name is None) == (index is None):
            raise ValueError(f"Model '{self.name}': get_layer takes exactly one of name= and index=; got name={name!r}, index={index!r}")
        layers = self.layers
        if index is not None:
            if not isinstance(index, int) or not -len(layers) <= index < len(layers):
                raise ValueError(f"Model '{self.name}': get_layer(index={index!r}) is out of range; the model has {len(layers)} layers")
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(f"Model '{self.name}' has no layer named {name!r}; it has {[l.name for l in layers]}")

    def summary(self, line_length: int | None = None, positions: Any = None, print_fn: Any = None, **kwargs: Any) -> None:
        """Print Keras's table of layers, output shapes and parameter counts (``0 (unbuilt)`` before a first call)."""
        table = summary_table.format_summary(self.name, *self.summary_rows(), self.parameters())
        if print_fn is None:
            print(table, end="")  # the table ends its last line, as Keras's print does
        else:
            print_fn(table)

    def summary_rows(self) -> tuple[list[list[str]], bool]:
        """The table's rows (layer, output shape, params) and whether it has a 'Connected to' column."""
        return summary_table.tracked_rows(self.layers), False

    def count_params(self) -> int:
        self._check_built("is not built yet")
        return sum(p.numel() for p in self.parameters())

    def _check_built(self, what: str) -> None:
        """Built: called once, or every tracked layer built (a model may build its layers in __init__)."""
        layers = self.layers
        if not self.built and (not layers or not all(layer.built for layer in layers)):
            raise ValueError(f"Model '{self.name}' {what}: call it on a batch (or fit it) first, as in Keras")

    # ----- training (the work is in rnnkit.training.loop) -------------------------------------
    @property
    def compiled(self) -> bool:
        return self.compilation is not None

    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, metrics: Any = None, loss_weights: Any = None,
                **kwargs: Any) -> None:
        """Keras's ``compile``: optimizer, loss(es) and metrics for ``fit``/``evaluate``.

        It takes the place of ``nn.Module.compile``; call ``torch.compile(model)`` for that one.
        ``run_eagerly``, ``jit_compile`` and ``steps_per_execution`` are TensorFlow's scheduling
        options and are accepted and ignored.
        """
        training_loop.compile(self, optimizer, loss, metrics, loss_weights, **kwargs)

    def fit(self, x: Any = None, y: Any = None, *args: Any, **kwargs: Any) -> Any:
        """Train with Keras's arguments (see :func:`rnnkit.training.loop.fit`); returns a ``History``."""
        return training_loop.fit(self, x, y, *args, **kwargs)

    def evaluate(self, x: Any = None, y: Any = None, *args: Any, **kwargs: Any) -> Any:
        """Loss (and metrics) on ``x``/``y`` in inference mode (see :func:`rnnkit.training.loop.evaluate`)."""
        return training_loop.evaluate(self, x, y, *args, **kwargs)

    def predict(self, x: Any, batch_size: int | None = None, verbose: Any = "auto", steps: Any = None, callbacks: Any = None) -> Any:
        """Outputs for ``x`` in inference mode, in batches, as numpy (a list for several outputs)."""
        if training_data.is_batch_source(x):  # a dataset or generator: predict on the inputs of its batches
            x = training_data.predict_inputs(x, steps)
        return training_loop.predict(self, x, batch_size, verbose, callbacks)

    def predict_on_batch(self, x: Any) -> Any:
        """Outputs for exactly this batch, as numpy (a list for several outputs)."""
        return training_loop.predict_on_batch(self, x)

    def train_on_batch(self, x: Any, y: Any = None, *args: Any, **kwargs: Any) -> Any:
        return training_loop.train_on_batch(self, x, y, *args, **kwargs)

    def test_on_batch(self, x: Any, y: Any = None, *args: Any, **kwargs: Any) -> Any:
        return training_loop.test_on_batch(self, x, y, *args, **kwargs)

    def reset_states(self) -> None:
        """Forget the state carried by every ``stateful=True`` recurrent layer."""
        training_loop.reset_states(self)

    # ----- files --------------------------------------------------------------------------
    # rnnkit.saving builds models when it reads a file, so it imports this package; these methods
    # reach it when called (as Keras's Model.save does), not when this module loads.
    def save(self, filepath: Any, overwrite: bool = True, optimizer: torch.optim.Optimizer | None = None) -> None:
        """Config, weights and compile state: ``*.keras`` (Keras 3), ``*.h5`` (legacy HDF5), else rnnkit's format."""
        from ..saving import save_model

        save_model(self, filepath, overwrite=overwrite, optimizer=optimizer)

    def save_weights(self, filepath: Any, overwrite: bool = True) -> None:
        """Weights only: ``*.weights.h5`` in Keras 3's layout, any other name as rnnkit safetensors."""
        from ..saving import save_weights

        save_weights(self, filepath, overwrite=overwrite)

    def save_pretrained(self, folder: Any, training_record: dict[str, Any] | None = None) -> None:
        """A model folder: ``config.json``, ``model.safetensors`` and a ``README.md`` card (see rnnkit.export.pretrained)."""
        from ..export.pretrained import save_pretrained

        save_pretrained(self, folder, training_record)

    @classmethod
    def from_pretrained(cls, folder: Any) -> "Model":
        """The model in a folder written by ``save_pretrained``, in inference mode."""
        from ..export.pretrained import from_pretrained

        model = from_pretrained(folder)
        if not isinstance(model, cls):
            raise ValueError(f"{folder}: holds a {type(model).__name__} model, not a {cls.__name__}")
        return model

    def load_weights(self, filepath: Any) -> None:
        """Weights from a Keras (.weights.h5, .h5, .keras) or rnnkit file into this built model."""
        from ..saving import load_weights

        load_weights(self, filepath)

