"""FarmHash Fingerprint64 against TensorFlow's own buckets (tests/fixtures/keras_text/fingerprint.json,
``tf.strings.to_hash_bucket_fast`` on ASCII and Korean strings of 0 to 200 characters, which covers
every length branch of the algorithm: 0-16, 17-32, 33-64 bytes and the 64-byte block loop)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rnnkit.preprocessing.fingerprint import fingerprint64

CASES = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "keras_text" / "fingerprint.json")
                   .read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("buckets", list(CASES["buckets"]))
def test_buckets_match_tensorflow(buckets: str) -> None:
    expected = CASES["buckets"][buckets]
    got = [fingerprint64(s.encode("utf-8")) % int(buckets) for s in CASES["strings"]]
    assert got == expected
    assert {len(s.encode()) // 64 for s in CASES["strings"]} >= {0, 1, 2, 3}  # the block loop runs up to 5 times


def test_fingerprint_is_64_bit() -> None:
    assert all(0 <= fingerprint64(s.encode()) < 2**64 for s in CASES["strings"])
