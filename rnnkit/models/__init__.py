"""Models: ``Sequential`` stacks and functional ``Model`` graphs."""

from .model import Model
from .sequential import Sequential

__all__ = ["Model", "Sequential"]
