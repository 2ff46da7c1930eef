"""Models: ``Sequential`` stacks and functional ``Model`` graphs, and opening saved ones."""

from ..saving import load_model
from .model import Model
from .seq2seq import Seq2Seq, Seq2SeqConfig
from .sequential import Sequential

__all__ = ["Model", "Seq2Seq", "Seq2SeqConfig", "Sequential", "load_model"]
