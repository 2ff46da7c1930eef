"""Repeated tunes kept once, a split by whole tunes, and the vocabulary's ids."""

from pathlib import Path

import pytest

from rnnkit.tasks.music.abc_tokens import Tune, read_tunes
from rnnkit.tasks.music.tunes import SEPARATOR, TuneVocabulary, distinct, read_collection, split_tunes

TUNES = Path(__file__).parents[2] / "fixtures" / "music" / "tunes.abc"


def tune(*body, title="t"):
    return Tune(("M:4/4", "K:Gmaj", *body), title, 1)


def test_repeats_are_kept_once_in_their_first_place():
    a, b = tune("G", "|"), tune("A", "|")
    assert distinct([a, b, tune("G", "|", title="another title"), a]) == [a, b]


def test_the_split_is_by_whole_tunes_disjoint_and_fixed_by_its_seed():
    tunes = [tune(note, str(length), "|") for note in "ABCDEFG" for length in range(2, 8)]  # 42 distinct tunes
    parts = split_tunes(tunes, seed=0)
    assert sorted(len(p) for p in parts.values()) == [2, 2, 38]
    every = [t.tokens for p in parts.values() for t in p]
    assert sorted(every) == sorted(t.tokens for t in tunes)  # each tune in exactly one part
    assert split_tunes(tunes, seed=0) == parts and split_tunes(tunes, seed=1) != parts
    with pytest.raises(ValueError, match="at least 3 distinct tunes"):
        split_tunes(tunes[:2])


def test_vocabulary_streams_tunes_between_separators_and_reads_headers():
    tunes, _ = read_collection(TUNES)
    vocabulary = TuneVocabulary.of(tunes)
    assert vocabulary.tokens[0] == SEPARATOR and vocabulary.vocab_size == len(set(vocabulary.tokens))
    ids = vocabulary.stream(tunes[:2])
    assert ids[0] == 0 and ids[-1] == 0 and ids.count(0) == 3
    assert vocabulary.decode(ids[1:3]) == "M:6/8 K:Dmaj"
    assert vocabulary.encode("M:6/8 K:D") == ids[1:3]
    assert TuneVocabulary.from_json(vocabulary.to_json()).tokens == vocabulary.tokens
    with pytest.raises(ValueError, match=r"never saw in training: \['M:5/4'\]"):
        vocabulary.encode("M:5/4 K:D")


def test_a_folder_reads_every_abc_file(tmp_path):
    (tmp_path / "a.abc").write_text(TUNES.read_text())
    (tmp_path / "b.abc").write_text(TUNES.read_text())
    tunes, described = read_collection(tmp_path)
    assert len(tunes) == 8 and len(distinct(tunes)) == 4 == len(read_tunes(TUNES)) and described == str(tmp_path)
