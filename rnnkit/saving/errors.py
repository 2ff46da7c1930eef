"""The one error every reader and writer in :mod:`rnnkit.saving` raises for a bad file."""

from __future__ import annotations

import os


class ModelFileError(ValueError):
    """A model file that rnnkit cannot read or write; the message starts with the file's path.

    It is a ``ValueError`` so callers that already catch bad-argument errors catch this too.
    """

    def __init__(self, path: str | os.PathLike, problem: str):
        self.path = os.fspath(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")
