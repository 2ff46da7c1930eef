"""The folk-rnn tokens of hand-written tunes, their round trip through ABC text, and clear errors for ABC that is not a tune."""

import re
from fractions import Fraction
from pathlib import Path

import pytest

from rnnkit.errors import FileFormatError
from rnnkit.tasks.music.abc_tokens import ABCError, key_token, length_token, meter_token, read_tunes, tune_text, tune_tokens

TUNES = Path(__file__).parents[2] / "fixtures" / "music" / "tunes.abc"


def tokens_of(text):
    return list(tune_tokens(text.strip().splitlines()).tokens)


def test_a_jig_by_hand():
    tune = 'T:x\nM:6/8\nL:1/8\nK:D\nA|"D"d2f {g}a>fd|(3Bcd ~B2 z2:|\n|:^c/2=c/2 _B,3-B,2 c\'|1 [df]3 d2:|2 e3 d3|]'
    assert tokens_of(tune) == ["M:6/8", "K:Dmaj", "A", "|", "d", "2", "f", "a", ">", "f", "d", "|", "(3", "B", "c", "d", "B", "2",
                               "z", "2", ":|", "|:", "^c", "/2", "=c", "/2", "_B,", "3", "-", "B,", "2", "c'", "|", "[1", "[", "d",
                               "f", "]", "3", "d", "2", ":|", "[2", "e", "3", "d", "3", "|]"]


def test_durations_are_counted_in_eighths_whatever_the_unit():
    assert length_token("", Fraction(1, 8), 1) is None
    assert length_token("3", Fraction(1, 16), 1) == "3/2"
    assert length_token("/", Fraction(1, 8), 1) == "/2"
    assert length_token("//", Fraction(1, 8), 1) == "/4"
    assert length_token("2", Fraction(1, 4), 1) == "4"
    assert tokens_of("M:2/4\nL:1/16\nK:G\nG2A2 B4|") == ["M:2/4", "K:Gmaj", "G", "A", "B", "2", "|"]


def test_headers_are_normalised():
    assert [meter_token("C"), meter_token("C|"), meter_token(" 9/8")] == ["M:4/4", "M:2/2", "M:9/8"]
    assert [key_token("G"), key_token("Em"), key_token("ADor"), key_token("Bbmix"), key_token("F#m")] == \
        ["K:Gmaj", "K:Emin", "K:Ador", "K:Bbmix", "K:F#min"]
    assert tokens_of("M:3/4\nK:G\nG2 A|[M:2/4] B2|\nK:Em\nE2|")[:9] == ["M:3/4", "K:Gmaj", "G", "2", "A", "|", "M:2/4", "B", "2"]


def test_hand_written_tunes_round_trip_through_abc_text():
    tunes = read_tunes(TUNES)
    assert [t.title for t in tunes] == ["Test Jig", "Test Reel", "Test Waltz", "Test Polka"]
    for tune in tunes:
        again = tune_tokens(tune_text(tune.tokens, tune.title).splitlines()[1:])
        assert again.tokens == tune.tokens and again.title == tune.title


@pytest.mark.parametrize("text, problem", [
    ("M:6/8\nK:D\nA2 $B|", "'$' is not ABC"),
    ("M:6/8\nK:Dx7\nA2B|", "key 'Dx7'"),
    ("M:six\nK:D\nA2B|", "meter 'six'"),
    ("M:6/8\nA2B|", "before the tune's K: field"),
    ("M:6/8\nK:D\n| |", "without notes"),
])
def test_abc_that_is_not_a_tune_is_an_error_naming_the_line(text, problem):
    with pytest.raises(ABCError, match=re.escape(problem)):
        tune_tokens(text.splitlines())


def test_a_file_with_a_bad_tune_names_the_file_and_line(tmp_path):
    path = tmp_path / "bad.abc"
    path.write_text(TUNES.read_text() + "\nX:5\nT:Broken\nM:3/4\nK:G\nGAB|c2 # d|\n")
    with pytest.raises(FileFormatError, match=r"bad\.abc: line 39: column 8: '#'"):
        read_tunes(path)
    skipped = []
    assert len(read_tunes(path, skipped)) == 4 and "line 39" in skipped[0]
