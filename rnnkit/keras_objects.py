"""Keras's ``get``/``serialize`` for the small configurable objects layers take (regularizers, constraints).

A Keras argument such as ``kernel_regularizer=`` accepts None, a name (``"l2"``), a Keras config
dict (what a file stores: ``{"module": "keras.regularizers", "class_name": "L2", "config": ...}``),
an instance, or a plain function of the weight. Files only ever reach the classes of the given
table: nothing named by a config is imported.
"""

from __future__ import annotations

from typing import Any


def get(identifier: Any, base: type, names: dict[str, type], classes: dict[str, type], what: str, example: str) -> Any:
    """The object ``identifier`` stands for; a ValueError naming ``what`` and the choices otherwise."""
    if identifier is None or isinstance(identifier, base):
        return identifier
    if isinstance(identifier, str):
        cls = names.get(identifier) or classes.get(identifier)
        if cls is not None:
            return cls()
    elif isinstance(identifier, dict):
        cls = classes.get(str(identifier.get("class_name")))
        if cls is not None and str(identifier.get("module") or "keras").startswith("keras"):
            return cls.from_config(dict(identifier.get("config") or {}))
    elif callable(identifier):
        return identifier
    raise ValueError(
        f"Unknown {what} {identifier!r}; expected None, one of {sorted(names)}, a {example}, or a function of the weight"
    )


def serialize(value: Any, module: str, classes: dict[str, type]) -> Any:
    """Keras's file form of a built-in object of ``classes``; a user's own object is returned as it is."""
    if classes.get(type(value).__name__) is not type(value):
        return value
    config = {k: list(v) if isinstance(v, tuple) else v for k, v in value.get_config().items()}
    return {"module": module, "class_name": type(value).__name__, "config": config, "registered_name": None}
