"""Sequence tagging (part of speech, named entities) with bidirectional recurrent networks, end to end.

In a notebook::

    from rnnkit.tasks import tagging
    run = tagging.train("en_ewt-ud-train.conllu", out="runs/pos", epochs=3)
    print(tagging.predict(run.out, ["The cat sat on the mat ."]))      # [[('The', 'DET'), ('cat', 'NOUN'), ...]]
    print(tagging.evaluate(run.out, "en_ewt-ud-dev.conllu").as_text())
"""

from .evaluation import TagReport, eval_text, evaluate, load_tagger, predict, predict_text, tag_sentences
from .features import WordFeatures, word_shape
from .model import Tagger, TaggerConfig
from .settings import TagSettings
from .training import train

load = load_tagger  # every task exports train, load, evaluate and predict under these names (rnnkit.tasks.registry)

__all__ = ["TagReport", "TagSettings", "Tagger", "TaggerConfig", "WordFeatures", "eval_text", "evaluate", "load", "load_tagger",
           "predict", "predict_text", "tag_sentences", "train", "word_shape"]
