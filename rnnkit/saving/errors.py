"""The error the readers and writers in :mod:`rnnkit.saving` raise for a bad model file.

It is :class:`rnnkit.errors.FileFormatError` under the name these modules have always used.
"""

from __future__ import annotations

from ..errors import FileFormatError as ModelFileError

__all__ = ["ModelFileError"]
