"""Tiny models for the serve tests: a language model trained for a few steps, a classifier and a tagger."""

from pathlib import Path

import pytest
import torch

import rnnkit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(scope="session")
def lm_run(tmp_path_factory):
    """A run directory of 'rnnkit train lm': a 16-unit character LSTM after five batches of tiny.txt (a few seconds)."""
    from rnnkit.tasks import language_model

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        rnnkit.clear_session()
        run = language_model.train(str(FIXTURES / "lm" / "tiny.txt"), out=str(tmp_path_factory.mktemp("lm")), cell="lstm", units=16,
                                   embedding=8, seq_len=32, batch_size=8, epochs=1, steps_per_epoch=5, samples=0, eval_tokens=200,
                                   say=lambda line: None)
    finally:
        torch.set_num_threads(threads)
    return Path(run.out)


@pytest.fixture
def classifier_file(tmp_path):
    """A character classifier (bidirectional LSTM, random weights) saved as 'train classify' saves it."""
    from rnnkit.data import CharTokenizer
    from rnnkit.tasks.classification import ClassifierConfig, TextEncoder, build_classifier
    from rnnkit.tasks.classification.text import CHAR_SPECIALS
    from rnnkit.training.task_files import save_task_model

    torch.manual_seed(0)
    encoder = TextEncoder(CharTokenizer(CHAR_SPECIALS + list("abc ")), max_len=20)
    config = ClassifierConfig(vocab_size=6, classes=2, units=3, embedding=4, dropout=0.0)
    path = tmp_path / "classifier.safetensors"
    save_task_model(path, build_classifier(config), {"task": "classify", "config": config.to_json(), "encoder": encoder.to_json(),
                                                     "classes": ["neg", "pos"]})
    return path


@pytest.fixture
def tagger_file(tmp_path):
    """A word tagger (bidirectional GRU, random weights) saved as 'train tag' saves it."""
    from rnnkit.tasks.tagging import Tagger, TaggerConfig, WordFeatures
    from rnnkit.training.task_files import save_task_model

    torch.manual_seed(0)
    features = WordFeatures.train([["the", "cat", "sat"], ["a", "dog", "ran"]])
    config = TaggerConfig(vocab_sizes=features.sizes, tags=3, cell="gru", units=4, embedding=8, dropout=0.0)
    path = tmp_path / "tagger.safetensors"
    save_task_model(path, Tagger(config), {"task": "tag", "config": config.to_json(), "features": features.to_json(),
                                           "tags": ["DET", "NOUN", "VERB"]})
    return path
