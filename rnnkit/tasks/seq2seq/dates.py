"""The bundled task: dates as people write them -> ISO 8601 (``"the 3rd of March 1998"`` -> ``"1998-03-03"``).

Generated with the standard library only (English names are spelled out here, not taken from the
locale, so every machine makes the same pairs), reproducibly from a seed. Conventions, so that
every source has exactly one answer:

- slashes are American, month first (``3/4/98`` is March 4); dots and most dashes are European,
  day first (``4.3.1998``, ``04-03-1998``); ``1998/03/04`` and ``19980304`` are year first;
- two-digit years mean 1950-2049 (``98`` -> 1998, ``07`` -> 2007), and only dates in that range
  are written with two digits; four-digit years span 1900-2099;
- weekdays, when written, are the true ones.
"""

from __future__ import annotations

import datetime
import random

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
FIRST, LAST = datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)
SHORT_FIRST, SHORT_LAST = datetime.date(1950, 1, 1), datetime.date(2049, 12, 31)


def ordinal(day: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th``, ..., ``11th``, ``12th``, ``13th``, ``21st``, ..."""
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _fields(d: datetime.date) -> dict[str, str]:
    month, weekday = MONTHS[d.month - 1], WEEKDAYS[d.weekday()]
    return {
        "d": str(d.day), "dd": f"{d.day:02d}", "dth": ordinal(d.day),
        "m": str(d.month), "mm": f"{d.month:02d}", "month": month, "mon": month[:3],
        "yyyy": str(d.year), "yy": f"{d.year % 100:02d}", "weekday": weekday, "wkd": weekday[:3],
    }


# (format, whether it writes the year with two digits)
FORMATS: list[tuple[str, bool]] = [
    ("the {dth} of {month} {yyyy}", False),
    ("the {dth} of {month}, {yyyy}", False),
    ("{dth} {month} {yyyy}", False),
    ("{d} {month} {yyyy}", False),
    ("{d} {mon} {yyyy}", False),
    ("{dd} {mon} {yyyy}", False),
    ("{month} {d}, {yyyy}", False),
    ("{month} {dth}, {yyyy}", False),
    ("{mon} {d}, {yyyy}", False),
    ("{mon}. {d}, {yyyy}", False),
    ("{wkd}, {mon} {d}, {yyyy}", False),
    ("{weekday}, {month} {d}, {yyyy}", False),
    ("{weekday} {d} {month} {yyyy}", False),
    ("{weekday}, the {dth} of {month} {yyyy}", False),
    ("{wkd} {d} {mon} {yyyy}", False),
    ("{dd}-{mon}-{yyyy}", False),
    ("{d}-{mon}-{yy}", True),
    ("{mon} {d} '{yy}", True),
    ("{m}/{d}/{yy}", True),
    ("{mm}/{dd}/{yy}", True),
    ("{m}/{d}/{yyyy}", False),
    ("{mm}/{dd}/{yyyy}", False),
    ("{d}.{m}.{yyyy}", False),
    ("{dd}.{mm}.{yyyy}", False),
    ("{dd}.{mm}.{yy}", True),
    ("{dd}-{mm}-{yyyy}", False),
    ("{yyyy}/{mm}/{dd}", False),
    ("{yyyy}{mm}{dd}", False),
    ("{yyyy}-{mm}-{dd}", False),
]


def _case(text: str, rng: random.Random) -> str:
    roll = rng.random()
    return text.lower() if roll < 0.2 else text.upper() if roll < 0.3 else text


def random_date(rng: random.Random, short_year: bool) -> datetime.date:
    first, last = (SHORT_FIRST, SHORT_LAST) if short_year else (FIRST, LAST)
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


def date_pair(rng: random.Random) -> tuple[str, str]:
    """One ``(human-written date, ISO date)`` pair drawn from ``rng``."""
    template, short_year = FORMATS[rng.randrange(len(FORMATS))]
    d = random_date(rng, short_year)
    return _case(template.format(**_fields(d)), rng), d.isoformat()


def date_pairs(count: int, seed: int = 0, exclude: set[str] | frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """``count`` pairs, the same for the same seed; sources in ``exclude`` are skipped (for held-out sets)."""
    if not isinstance(count, int) or count < 0:
        raise ValueError(f"count must be a non-negative integer; got {count!r}")
    rng = random.Random(f"rnnkit-dates-{seed}")
    pairs: list[tuple[str, str]] = []
    while len(pairs) < count:
        source, target = date_pair(rng)
        if source not in exclude:
            pairs.append((source, target))
    return pairs


def dates_task(train_count: int = 50_000, held_out_count: int = 2_000, seed: int = 0) -> tuple[list, list]:
    """``(training pairs, held-out pairs)``; no held-out source string ever appears in training."""
    held_out = date_pairs(held_out_count, seed=seed + 1_000_003)
    return date_pairs(train_count, seed=seed, exclude={s for s, _ in held_out}), held_out
