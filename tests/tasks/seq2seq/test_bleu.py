"""BLEU against values worked out by hand."""

import math

import pytest

from rnnkit.tasks.seq2seq.bleu import bleu_tokens, corpus_bleu


def words(*texts):
    return [t.split() for t in texts]


def test_identical_corpus_scores_one():
    assert corpus_bleu(words("a b c d e"), words("a b c d e")) == pytest.approx(1.0)


def test_clipped_unigram_precision_papineni_example():
    # "the" x7 against "the cat is on the mat": "the" counts at most twice -> p1 = 2/7; c=7 > r=6, BP = 1
    assert corpus_bleu(words("the the the the the the the"), words("the cat is on the mat"), max_order=1) == pytest.approx(2 / 7)


def test_brevity_penalty():
    # p1 = 2/2, p2 = 1/1, c = 2, r = 6 -> BP = exp(1 - 6/2) = exp(-2)
    assert corpus_bleu(words("the cat"), words("the cat sat on the mat"), max_order=2) == pytest.approx(math.exp(-2))


def test_precisions_are_summed_over_the_corpus_not_averaged():
    # p1 = (4 + 3) / 8, p2 = (3 + 1) / 6 -> sqrt(7/8 * 4/6)
    score = corpus_bleu(words("a b c d", "a b x d"), words("a b c d", "a b c d"), max_order=2)
    assert score == pytest.approx(math.sqrt(7 / 8 * 4 / 6))


def test_zero_precision_and_smoothing():
    # no bigram matches: BLEU-2 is 0; smoothed: p1 = 3/3, p2 = (0 + 1) / (2 + 1); BP = 1 (c = r = 3)
    assert corpus_bleu(words("a c b"), words("a b c"), max_order=2) == 0.0
    assert corpus_bleu(words("a c b"), words("a b c"), max_order=2, smooth=True) == pytest.approx(math.sqrt(1 / 3))


def test_character_tokens_and_errors():
    assert bleu_tokens("1998-03-03", "char") == list("1998-03-03")
    assert bleu_tokens(" a  b ", "word") == ["a", "b"]
    # 10 characters, one wrong: p1 = 9/10, p2 = 7/9, p3 = 5/8, p4 = 3/7 (the '4' breaks every n-gram through it)
    expected = (9 / 10 * 7 / 9 * 5 / 8 * 3 / 7) ** 0.25
    assert corpus_bleu([bleu_tokens("1998-04-03", "char")], [bleu_tokens("1998-03-03", "char")]) == pytest.approx(expected)
    with pytest.raises(ValueError, match="one reference per hypothesis"):
        corpus_bleu(words("a"), [])
    with pytest.raises(ValueError, match="'word' or 'char'"):
        bleu_tokens("x", "bytes")
