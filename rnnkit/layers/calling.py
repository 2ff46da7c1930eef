"""How a layer call reaches ``call``: which arguments its signature takes, and array conversion.

Keras passes ``training`` and ``mask`` to ``call`` only when its signature names them (or takes
``**kwargs``), so ``def call(self, x)`` is a valid layer or model; anything else the caller gives
must fit the signature, or the call fails with an error naming the layer and the argument.

Inputs given as NumPy arrays or Python lists become tensors: floating ones in the layer's float
dtype, integers and booleans keep their kind (Keras's rule: only floats are cast), so ids reach an
``Embedding`` unchanged.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from numbers import Number
from typing import Any

import numpy as np
import torch

from .structure import is_text


@dataclass(frozen=True)
class CallSignature:
    """What a ``call`` method accepts (``self`` left out)."""

    positional: tuple[str, ...]  # positional-or-keyword names, in order, the first being the inputs
    keyword: frozenset[str]  # every name that can be passed by keyword
    required: tuple[str, ...]  # names without a default, after the inputs
    var_positional: bool
    var_keyword: bool
    text: str

    def accepts(self, name: str) -> bool:
        return self.var_keyword or name in self.keyword

    @property
    def reads_argument_masks(self) -> bool:
        """Whether ``call`` takes ``<argument>_mask`` for its tensor arguments (``MultiHeadAttention``'s
        ``query_mask``, ``value_mask``): Keras fills those from the tensors, so such a layer reads them itself."""
        return any(f"{name}_mask" in self.keyword for name in self.positional)

    @property
    def fits_plain_calls(self) -> bool:
        """Whether ``call(inputs)`` (plus mask and training where accepted) needs no other argument."""
        return bool(self.positional) and all(name in ("mask", "training") for name in self.required)


def call_signature(cls: type) -> CallSignature:
    """The signature of ``cls.call``, read once per class and kept on the class itself.

    Not in a dict keyed by class: torch.compile, resuming after a graph break, read such a dict
    back with the wrong class's entry (and it breaks the graph on reading ``cls.__dict__``).
    """
    owner, signature = getattr(cls, "_rnnkit_call_signature", (None, None))  # a subclass sees its base's entry
    if owner is not cls:
        parameters = list(inspect.signature(cls.call).parameters.values())[1:]
        kinds = inspect.Parameter
        positional = tuple(p.name for p in parameters if p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD))
        keyword = frozenset(p.name for p in parameters if p.kind in (kinds.POSITIONAL_OR_KEYWORD, kinds.KEYWORD_ONLY))
        required = tuple(
            p.name for p in parameters[1:] if p.default is kinds.empty and p.kind in (kinds.POSITIONAL_OR_KEYWORD, kinds.KEYWORD_ONLY)
        )
        signature = CallSignature(
            positional, keyword, required,
            any(p.kind == kinds.VAR_POSITIONAL for p in parameters),
            any(p.kind == kinds.VAR_KEYWORD for p in parameters),
            f"call{inspect.signature(cls.call)}",
        )
        setattr(cls, "_rnnkit_call_signature", (cls, signature))
    return signature


def call_arguments(layer: Any, args: tuple, kwargs: dict, mask: Any, training: bool) -> dict[str, Any]:
    """The keyword arguments for ``layer.call(inputs, *args, **result)``; raises if they cannot fit."""
    signature = call_signature(type(layer))
    if not args and not kwargs and signature.fits_plain_calls:
        return {name: value for name, value in (("mask", mask), ("training", training)) if signature.accepts(name)}
    who = f"Layer '{layer.name}' ({type(layer).__name__})"
    if not signature.positional and not signature.var_positional:
        raise ValueError(f"{who}: its {signature.text} takes no inputs argument; define call(self, inputs, ...)")
    if len(args) > len(signature.positional) - 1 and not signature.var_positional:
        raise ValueError(
            f"{who}: {signature.text} takes {len(signature.positional) - 1} argument(s) after the inputs; "
            f"got {len(args)} more positional argument(s)"
        )
    bound = set(signature.positional[1 : 1 + len(args)])
    unknown = sorted(k for k in kwargs if not signature.accepts(k))
    if unknown:
        raise ValueError(f"{who}: {signature.text} does not take argument(s) {unknown}")
    twice = sorted(bound & set(kwargs))
    if twice:
        raise ValueError(f"{who}: argument(s) {twice} given both by position and by keyword to {signature.text}")
    result = dict(kwargs)
    if signature.accepts("mask") and "mask" not in bound:
        result["mask"] = mask
    if signature.accepts("training") and "training" not in bound:
        result["training"] = training
    missing = [name for name in signature.required if name not in bound and name not in result]
    if missing:
        raise ValueError(f"{who}: {signature.text} needs argument(s) {missing}, which the call did not give")
    return result


def inputs_by_name(layer: Any, kwargs: dict) -> tuple[tuple, dict]:
    """``layer(values=v, query=q)`` as ``(v,), {"query": q}``: the first argument of ``call`` is the inputs."""
    signature = call_signature(type(layer))
    name = signature.positional[0] if signature.positional else "inputs"
    if name not in kwargs and "inputs" not in kwargs:
        raise ValueError(
            f"Layer '{layer.name}' ({type(layer).__name__}) was called without inputs; {signature.text} takes "
            f"them as its first argument '{name}'"
        )
    rest = dict(kwargs)
    return (rest.pop(name if name in rest else "inputs"),), rest


def _is_number_list(value: Any) -> bool:
    """A (nested) Python list of plain numbers, which is one array, not a list of inputs."""
    if isinstance(value, (list, tuple)):
        return bool(value) and all(_is_number_list(v) for v in value)
    return isinstance(value, (Number, np.generic)) and not isinstance(value, torch.Tensor)


def array_to_tensor(value: Any, float_dtype: torch.dtype) -> torch.Tensor:
    """One NumPy array (or nested number list) as a tensor: floats in ``float_dtype``, others as they are."""
    array = np.asarray(value)
    if array.dtype.kind not in "fiub":
        raise ValueError(f"expected numbers; got an array of dtype {array.dtype}")
    tensor = torch.from_numpy(np.ascontiguousarray(array))
    if array.dtype.kind == "f":
        return tensor.to(float_dtype)
    if array.dtype.kind in "iu" and array.dtype != np.int32:
        return tensor.to(torch.long)
    return tensor


def convert_arrays(structure: Any, float_dtype: torch.dtype) -> Any:
    """Every NumPy array or number list in a nested structure as a tensor (tensors stay)."""
    if isinstance(structure, (torch.Tensor, str)) or structure is None:
        return structure
    if isinstance(structure, np.ndarray) and is_text(structure):
        return structure  # text stays NumPy (torch has no strings) for a text layer to read
    if isinstance(structure, np.ndarray) or _is_number_list(structure):
        return array_to_tensor(structure, float_dtype)
    if isinstance(structure, list):
        return [convert_arrays(v, float_dtype) for v in structure]
    if isinstance(structure, tuple):
        return tuple(convert_arrays(v, float_dtype) for v in structure)
    if isinstance(structure, dict):
        return {k: convert_arrays(v, float_dtype) for k, v in structure.items()}
    return structure


def cast_inputs(structure: Any, float_dtype: torch.dtype | None, cast_integers: bool) -> Any:
    """Floating tensors cast to ``float_dtype`` (when known); integer ones too if ``cast_integers``."""
    if isinstance(structure, torch.Tensor):
        if structure.is_floating_point():
            return structure if float_dtype is None or structure.dtype == float_dtype else structure.to(float_dtype)
        if cast_integers and not structure.is_complex():
            return structure.to(float_dtype or torch.get_default_dtype())
        return structure
    if isinstance(structure, list):
        return [cast_inputs(v, float_dtype, cast_integers) for v in structure]
    if isinstance(structure, tuple):
        return tuple(cast_inputs(v, float_dtype, cast_integers) for v in structure)
    return structure
