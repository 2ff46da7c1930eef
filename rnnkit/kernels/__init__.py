"""Paths that run a whole recurrent sequence, and the dispatcher that picks one per call."""

from .dispatch import IMPLEMENTATIONS, Choice, choose, explain, run_sequence

__all__ = ["IMPLEMENTATIONS", "Choice", "choose", "explain", "run_sequence"]
