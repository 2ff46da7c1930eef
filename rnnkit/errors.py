"""The errors rnnkit raises for a file or an input it will not use: one type per kind of failure.

Every loader raises one of these for a malformed, hostile or oversized file, so a caller (and the
``rnnkit`` command, which prints it as one line and exits with status 2) never sees a library's own
exception. Each names the file, the place in it (``field``: a zip member, an HDF5 dataset, a JSON
key, a line) and says what was expected and what was found.

They are ``ValueError`` subclasses, so code that already catches bad-argument errors catches these.
"""

from __future__ import annotations

import os
from typing import Any


class FileFormatError(ValueError):
    """A file that is not what it claims to be, or whose content rnnkit cannot use.

    ``FileFormatError(path, problem)`` or ``FileFormatError(path, field=..., expected=..., found=...)``;
    the message is ``PATH: FIELD: PROBLEM`` (``PROBLEM`` is ``expected E, found F`` when not given).
    """

    def __init__(
        self,
        path: str | os.PathLike,
        problem: str | None = None,
        *,
        field: str | None = None,
        expected: Any = None,
        found: Any = None,
    ):
        self.path = os.fspath(path)
        self.field = field
        self.expected = expected
        self.found = found
        if problem is None:
            problem = f"expected {expected}" + (f", found {found}" if found is not None else "")
        self.problem = problem
        where = f"{self.path}: {field}" if field else self.path
        super().__init__(f"{where}: {problem}")


class FileLimitError(FileFormatError):
    """A file that declares more than it holds, or more than the documented cap (:mod:`rnnkit.limits`).

    Raised before anything of the declared size is allocated.
    """


class ForeignReferenceError(FileFormatError):
    """A file that points outside itself: HDF5 external storage, external or leaving soft links,
    virtual datasets, a path to another file. rnnkit reads only the bytes of the file it was given."""
