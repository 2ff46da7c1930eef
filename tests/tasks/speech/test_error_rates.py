"""Character and word error rates against counts worked out by hand."""

import pytest

from rnnkit.tasks.speech import character_error_rate, word_error_rate


def test_character_error_rate_is_edits_over_reference_characters():
    # "abc" -> "abd": 1 substitution; "de" -> "d": 1 deletion; 5 reference characters
    assert character_error_rate(["abc", "de"], ["abd", "d"]) == pytest.approx(2 / 5)
    # spaces are characters: "one two" (7) -> "onetwo" is one deletion
    assert character_error_rate(["one two"], ["onetwo"]) == pytest.approx(1 / 7)
    # insertions can take the rate past 1: "a" -> "abc" is 2 insertions over 1 character
    assert character_error_rate(["a"], ["abc"]) == pytest.approx(2.0)
    assert character_error_rate(["seven"], [""]) == pytest.approx(1.0)


def test_word_error_rate_is_edits_over_reference_words():
    # "too" for "two" (1 substitution), "five" inserted (1 insertion), 4 reference words
    assert word_error_rate(["one two three", "four"], ["one too three", "four five"]) == pytest.approx(2 / 4)
    # "one three" for "one two three": 1 deletion over 3 words
    assert word_error_rate(["one two three"], ["one three"]) == pytest.approx(1 / 3)


def test_mismatched_or_empty_references_are_refused():
    with pytest.raises(ValueError, match="2 reference transcripts but 1 hypotheses"):
        word_error_rate(["a", "b"], ["a"])
    with pytest.raises(ValueError, match="at least one character"):
        character_error_rate([""], ["a"])
