"""Classification of texts (sentiment, topics) or numeric sequences with recurrent networks, end to end.

In a notebook::

    from rnnkit.tasks import classification
    run = classification.train("ratings_train.txt", out="runs/nsmc", epochs=3)
    print(classification.predict(run.out, ["최고의 영화", "시간 낭비"]))
    print(classification.evaluate(run.out, "ratings_dev.txt").as_text())

    run = classification.train(sequence_of_features=True, out="runs/vowels")   # bundled Japanese Vowels
    print(classification.evaluate(run.out).accuracy)                            # on its test part
"""

from .commands import eval_text, predict_text
from .evaluation import evaluate, load_classifier, plot_confusion, predict, predict_sequences, probabilities
from .model import ClassifierConfig, build_classifier
from .sequences import JAPANESE_VOWELS, read_feature_sequences, read_sequence_table
from .text import TextEncoder
from .settings import ClassifySettings
from .training import train

load = load_classifier  # every task exports train, load, evaluate and predict under these names (rnnkit.tasks.registry)

__all__ = ["load", "JAPANESE_VOWELS", "ClassifierConfig", "ClassifySettings", "TextEncoder", "build_classifier", "eval_text", "evaluate",
           "load_classifier", "plot_confusion", "predict", "predict_sequences", "predict_text", "probabilities", "read_feature_sequences",
           "read_sequence_table", "train"]
