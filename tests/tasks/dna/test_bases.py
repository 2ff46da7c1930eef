"""Bases as ids, reverse complements, deduplication before the split, the stratified split, and bad letters named by line."""

import pytest

from rnnkit.errors import FileFormatError
from rnnkit.tasks.dna.bases import (BUNDLED, BaseEncoder, Row, bundled, checked_sequence, deduplicated, encode, read_rows,
                                    reverse_complement, stratified_split)
from rnnkit.tasks.dna.training import augmented


def test_ids_and_reverse_complement():
    assert encode("ACGTDNSR") == [1, 2, 3, 4, 5, 6, 7, 8]
    assert BaseEncoder().tokens()[1:5] == ["A", "C", "G", "T"] and BaseEncoder().encode("acg") == [1, 2, 3]
    assert reverse_complement("AACGTN") == "NACGTT"
    assert reverse_complement("ACGD") is None  # D's complement (H) is not in the alphabet


def test_letters_outside_the_alphabet_are_errors():
    with pytest.raises(ValueError, match=r"sequence 2: letters 'UX' are not DNA bases"):
        checked_sequence("ACGUX", "sequence 2")


def test_a_file_with_a_bad_letter_names_file_and_line(tmp_path):
    path = tmp_path / "splice.data"
    path.write_text("EI, ONE, ACGTACGT\n\nN,  TWO, ACGTQCGT\n")
    with pytest.raises(FileFormatError, match=r"splice\.data: line 3: letters 'Q' are not DNA bases"):
        read_rows(path)
    path.write_text("EI, ONE\n")
    with pytest.raises(FileFormatError, match=r"splice\.data: line 1: expected label, name, sequence"):
        read_rows(path)


def test_repeats_are_kept_once_and_a_sequence_with_two_labels_is_dropped():
    rows = [Row("EI", "a", "AAAA"), Row("N", "b", "CCCC"), Row("EI", "c", "AAAA"), Row("IE", "d", "GGGG"), Row("N", "e", "GGGG"),
            Row("N", "f", "TTTT")]
    assert [r.name for r in deduplicated(rows)] == ["a", "b", "f"]


def test_the_split_is_stratified_disjoint_and_seeded():
    rows = [Row(label, f"{label}{i}", encode_free(i)) for label, n in (("EI", 40), ("N", 80)) for i in range(n)]
    split = stratified_split(rows, (0.1, 0.1), seed=0)
    count = lambda part, label: sum(r.split == part and r.label == label for r in split)
    assert [count(p, "EI") for p in ("train", "val", "test")] == [32, 4, 4]
    assert [count(p, "N") for p in ("train", "val", "test")] == [64, 8, 8]
    assert [r.split for r in stratified_split(rows, (0.1, 0.1), seed=0)] == [r.split for r in split]


def encode_free(i):
    return "".join("ACGT"[(i >> (2 * k)) & 3] for k in range(6))


def test_the_bundled_data_is_deduplicated_and_split_by_label():
    rows = read_rows(BUNDLED)
    assert len(rows) == 3004 and len({r.sequence for r in rows}) == 3004
    parts = {name: bundled(name) for name in ("train", "val", "test")}
    assert [len(parts[n]) for n in ("train", "val", "test")] == [2404, 300, 300]
    assert sorted({r.label for r in parts["test"]}) == ["EI", "IE", "N"]
    assert all(len(r.sequence) == 60 for r in rows)


def test_reverse_complements_join_as_neither():
    rows = [Row("EI", "a", "AACG"), Row("N", "b", "ACGD")]
    assert augmented(rows, "none") == rows
    assert [(r.label, r.sequence) for r in augmented(rows, "as-neither")[2:]] == [("N", "CGTT")]
