"""Sequence to sequence end to end: train on pairs of texts (or generated dates), translate, evaluate.

In a notebook::

    from rnnkit.tasks import seq2seq
    run = seq2seq.train(out="runs/dates", minutes=5)            # the bundled dates task
    print(seq2seq.translate(run.out, ["the 3rd of March 1998"], beam=4)[0][0].text)   # 1998-03-03
"""

from .bleu import bleu_tokens, corpus_bleu
from .checkpoint import load_seq2seq
from .data import Side, read_pairs
from .dates import date_pairs, dates_task
from .evaluation import Seq2SeqReport, Translation, eval_text, evaluate, predict, score_pairs, translate
from .settings import Seq2SeqSettings
from .training import train

load = load_seq2seq  # every task exports train, load, evaluate and predict under these names (rnnkit.tasks.registry)

__all__ = [
    "Seq2SeqReport", "Seq2SeqSettings", "Side", "Translation", "bleu_tokens", "corpus_bleu", "date_pairs", "dates_task", "eval_text",
    "evaluate", "load", "load_seq2seq", "predict", "read_pairs", "score_pairs", "train", "translate",
]
