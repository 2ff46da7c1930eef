"""The bundled dates task: reproducible, and every source names the date its target says."""

import datetime
import re

import pytest

from rnnkit.tasks.seq2seq.dates import FORMATS, WEEKDAYS, date_pairs, dates_task, ordinal

# Python's own parser (C locale: English names, any case) as the independent oracle. Two-digit
# years are tried first, so '%Y' never swallows '98' as the year 98.
STRPTIME = ["%d %B %Y", "%d %B, %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%b. %d, %Y", "%a, %b %d, %Y",
            "%A, %B %d, %Y", "%A %d %B %Y", "%A, %d %B %Y", "%a %d %b %Y", "%d-%b-%y", "%d-%b-%Y", "%b %d '%y",
            "%m/%d/%y", "%m/%d/%Y", "%d.%m.%y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d", "%Y%m%d", "%Y-%m-%d"]


def oracle(source):
    text = re.sub(r"^the ", "", source, flags=re.I)
    text = re.sub(r"(, )the ", r"\1", text, flags=re.I)
    text = re.sub(r"(\d+)(st|nd|rd|th)( of)?", r"\1", text, flags=re.I)
    for pattern in STRPTIME:
        try:
            parsed = datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if "%y" in pattern and parsed.year >= 2050:  # the task's window is 1950-2049, Python's 1969-2068
            parsed = parsed.replace(year=parsed.year - 100)
        return parsed
    raise AssertionError(f"the oracle cannot read {source!r}")


def test_every_generated_source_means_its_target():
    pairs = date_pairs(3000, seed=5)
    for source, target in pairs:
        day = datetime.date.fromisoformat(target)
        assert oracle(source) == day, source
        for name in WEEKDAYS:  # a written weekday is the true one
            if re.search(rf"\b{name[:3]}", source, flags=re.I):
                assert WEEKDAYS[day.weekday()][:3].lower() == name[:3].lower(), source
    assert len({s for s, _ in pairs}) > 2900  # varied
    assert {t[:2] for _, t in pairs} == {"19", "20"}


def test_reproducible_and_held_out_never_in_training():
    assert date_pairs(50, seed=1) == date_pairs(50, seed=1)
    assert date_pairs(50, seed=1) != date_pairs(50, seed=2)
    train, held_out = dates_task(5000, 500, seed=0)
    assert len(train) == 5000 and len(held_out) == 500
    assert not {s for s, _ in train} & {s for s, _ in held_out}
    assert dates_task(0, 500, seed=0)[1] == held_out  # eval regenerates the same held-out set


def test_ordinals_and_formats():
    assert [ordinal(d) for d in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "31st"]
    assert len(FORMATS) >= 25
    with pytest.raises(ValueError, match="non-negative"):
        date_pairs(-1)
