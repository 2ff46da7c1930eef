"""Models: the abstract ``Model``, functional graphs, ``Sequential`` stacks, and opening saved ones."""

from ..saving import load_model
from .functional import Functional
from .model import Model
from .seq2seq import Seq2Seq, Seq2SeqConfig
from .sequential import Sequential

from_pretrained = Model.from_pretrained  # a folder written by model.save_pretrained

__all__ = ["Functional", "Model", "Seq2Seq", "Seq2SeqConfig", "Sequential", "from_pretrained", "load_model"]
