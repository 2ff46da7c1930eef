"""Sampled tunes always open with one meter and one key (the prime's, else the model's pick among those), and bad primes fail."""

from pathlib import Path

import pytest

from rnnkit.tasks.language_model.model import LanguageModel, ModelConfig
from rnnkit.tasks.music.sampling import sample_tokens
from rnnkit.tasks.music.tunes import TuneVocabulary, read_collection

TUNES = Path(__file__).parents[2] / "fixtures" / "music" / "tunes.abc"


@pytest.fixture(scope="module")
def untrained():
    vocabulary = TuneVocabulary.of(read_collection(TUNES)[0])
    return LanguageModel(ModelConfig(vocabulary.vocab_size, units=8, embedding=4)), vocabulary


def test_every_tune_has_one_meter_then_one_key(untrained):
    model, vocabulary = untrained
    for seed in range(5):
        tokens = sample_tokens(model, vocabulary, seed=seed, max_tokens=20)
        assert tokens[0].startswith("M:") and tokens[1].startswith("K:")
    assert sample_tokens(model, vocabulary, "M:6/8", seed=0, max_tokens=5)[0] == "M:6/8"
    assert sample_tokens(model, vocabulary, "M:3/4 K:Em", seed=0, max_tokens=5)[:2] == ["M:3/4", "K:Emin"]
    assert sample_tokens(model, vocabulary, seed=7, max_tokens=30) == sample_tokens(model, vocabulary, seed=7, max_tokens=30)


@pytest.mark.parametrize("prime", ["K:D", "M:6/8 A", "M:6/8 K:D K:G"])
def test_a_prime_is_an_abc_header(untrained, prime):
    model, vocabulary = untrained
    with pytest.raises(ValueError, match="give an ABC header"):
        sample_tokens(model, vocabulary, prime)
