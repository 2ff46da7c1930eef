"""Atomic writes for the Keras-format writers of :mod:`rnnkit.saving` (``.keras``, ``.weights.h5``).

There is one implementation, :func:`rnnkit.safetensors_file.write_atomically` (temporary file in
the same folder, fsync, rename; missing folders are created); this name keeps the saving modules'
import where it was.
"""

from ..safetensors_file import write_atomically

__all__ = ["write_atomically"]
