"""Paths that run a whole recurrent sequence, and the dispatcher that picks one per call.

``reference`` (plain torch), ``fused`` (C++ kernels compiled on first use, see :mod:`.build`),
``native`` (torch's own RNN functions) and ``auto``. ``explain(layer, x)`` says which runs and why;
``fused_unavailable_reason()`` says whether the fused kernels can run here (building them first
if needed), and ``fused_is_built()`` whether that would need no compile.
"""

from .build import FusedUnavailable
from .build import is_built as fused_is_built
from .build import unavailable_reason as fused_unavailable_reason
from .dispatch import (
    IMPLEMENTATIONS,
    Choice,
    UnsupportedImplementation,
    choose,
    explain,
    run_sequence,
)

__all__ = [
    "IMPLEMENTATIONS",
    "Choice",
    "FusedUnavailable",
    "UnsupportedImplementation",
    "choose",
    "explain",
    "fused_is_built",
    "fused_unavailable_reason",
    "run_sequence",
]
