"""Sequence to sequence: an encoder-decoder network, attention, and greedy and beam search.

::

    model = Seq2Seq(Seq2SeqConfig(source_vocab_size=40, target_vocab_size=14, attention="general"))
    logits = model([source_ids, shift_right(target_ids)])     # teacher forcing, (B, T, 14)
    best = beam_search(model, source_ids, beam_width=4)[0][0].tokens
"""

from .attention import Attention
from .model import END, PAD, START, Memory, Seq2Seq, Seq2SeqConfig, select_states, shift_right
from .search import Hypothesis, beam_search, greedy_search, length_penalty

__all__ = [
    "END", "PAD", "START", "Attention", "Hypothesis", "Memory", "Seq2Seq", "Seq2SeqConfig",
    "beam_search", "greedy_search", "length_penalty", "select_states", "shift_right",
]
