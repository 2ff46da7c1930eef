"""Models: ``Sequential`` stacks and functional ``Model`` graphs, and opening saved ones."""

from ..saving import load_model
from .model import Model
from .sequential import Sequential

__all__ = ["Model", "Sequential", "load_model"]
