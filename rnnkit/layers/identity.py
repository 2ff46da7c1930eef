"""``Identity``: returns its input unchanged (mask included), a placeholder in a model."""

from __future__ import annotations

from typing import Any

from .base import Layer


class Identity(Layer):
    """Any input, returned as it is; a mask on it stays on it, as in Keras."""

    accepts_text = True

    supports_masking = True

    def call(self, inputs: Any, mask: Any = None, training: bool = False) -> Any:
        return inputs
