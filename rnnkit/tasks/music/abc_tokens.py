"""ABC tunes as folk-rnn's tokens (Sturm et al. 2016): one token per meter, key, pitch, duration and bar symbol.

A tune ``M:6/8 / L:1/16 / K:D / f2-g2 a3b|`` becomes ``M:6/8 K:Dmaj f - g a 3/2 b /2 |``: the
header's meter and key (normalised: ``C`` is ``4/4``, ``G`` is ``Gmaj``, ``Em`` is ``Emin``), then
the body as pitches (with their accidental and octave marks: ``^c'``, ``_B,``), durations in eighth
notes (every tune is rewritten to ``L:1/8``, so ``2`` always means a quarter note; a duration of
one eighth has no token), rests ``z``, ties ``-``, broken rhythm ``>``/``<``, tuplets ``(3``, chords
``[`` ... ``]``, bar lines (``|``, ``||``, ``|]``, ``|:``, ``:|``, ``::``) and repeat endings
(``[1``, ``[2``). What does not change the notes is dropped: spacing, slurs, grace notes,
ornaments and decorations, chord names and annotations in quotes, comments, and header fields
other than ``M``, ``L`` and ``K``.

:func:`tune_tokens` reads one tune's lines; anything it cannot read is an :class:`ABCError`
naming the line (and the file, when :func:`read_tunes` reads one). :func:`tune_text` writes
tokens back as an ABC tune that music21 (and any ABC reader) plays.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from ...errors import FileFormatError

EIGHTH = Fraction(1, 8)
BARS = ("|", "||", "|]", "[|", "|:", ":|", "::")
ENDINGS = ("[1", "[2")
MODES = {"": "maj", "maj": "maj", "major": "maj", "ion": "maj", "m": "min", "min": "min", "minor": "min", "aeo": "min",
         "mix": "mix", "dor": "dor", "phr": "phr", "lyd": "lyd", "loc": "loc"}

_BODY = re.compile(r"""
    (?P<field>\[[KLMP]:[^\]]*\])
  | (?P<bar>:*\[?\|[|\]]?:*|::)(?P<ending>\[?[12](?![/\d]))?
  | (?P<ending_alone>\[[12](?![/\d]))
  | (?P<tuplet>\([2-9](?::\d*){0,2})
  | (?P<note>(?:\^\^|\^|__|_|=)?[A-Ga-g][,']*|[zx])(?P<length>\d*(?:/+\d*)?)
  | (?P<chord_end>\])(?P<chord_length>\d*(?:/+\d*)?)
  | (?P<chord>\[)
  | (?P<broken>[<>]+)
  | (?P<tie>-)
  | (?P<dropped>\s+|[()\\~.`!*]|[HIJLMNOPRSTUVWXYhijklmnopqrstuvwy]|\{[^}]*\}|"[^"]*"|![^!]*!|\+[^+]*\+)
""", re.VERBOSE)
_METER = re.compile(r"^\s*(?:(C\|?)|(\d+)\s*/\s*(\d+))\s*$")
_KEY = re.compile(r"^\s*([A-G])([#b]?)\s*([A-Za-z]*)")
_UNIT = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


class ABCError(ValueError):
    """ABC text that is not a tune this tokenizer reads; ``line`` is 1-based in its text (or file)."""

    def __init__(self, line: int, problem: str):
        self.line, self.problem = line, problem
        super().__init__(f"line {line}: {problem}")


def meter_token(value: str, line: int = 0) -> str:
    """``M:6/8`` for ``6/8``; ``C`` is ``M:4/4`` and ``C|`` is ``M:2/2``."""
    found = _METER.match(value)
    if not found:
        raise ABCError(line, f"meter {value.strip()!r}: expected N/M, C or C|")
    common, top, bottom = found.groups()
    return {"C": "M:4/4", "C|": "M:2/2"}[common] if common else f"M:{int(top)}/{int(bottom)}"


def key_token(value: str, line: int = 0) -> str:
    """``K:Gmaj`` for ``G``, ``K:Emin`` for ``Em``, ``K:Ador`` for ``ADor``: tonic and a three-letter mode."""
    found = _KEY.match(value)
    mode = found and found.group(3).lower()
    if not found or (mode not in MODES and mode[:3] not in MODES):
        raise ABCError(line, f"key {value.strip()!r}: expected a tonic A-G (with # or b) and a mode (m, mix, dor, ...)")
    return f"K:{found.group(1)}{found.group(2)}{MODES.get(mode) or MODES[mode[:3]]}"


def unit_of(value: str, line: int = 0) -> Fraction:
    """The default note length of an ``L:`` field (``1/16``)."""
    found = _UNIT.match(value)
    if not found or int(found.group(1)) == 0 or int(found.group(2)) == 0:
        raise ABCError(line, f"unit note length {value.strip()!r}: expected a fraction such as 1/8")
    return Fraction(int(found.group(1)), int(found.group(2)))


def default_unit(meter: str) -> Fraction:
    """ABC's default ``L`` for a meter token: 1/16 below 3/4, else 1/8."""
    top, bottom = meter.removeprefix("M:").split("/")
    return Fraction(1, 16) if Fraction(int(top), int(bottom)) < Fraction(3, 4) else EIGHTH


def length_token(text: str, unit: Fraction, line: int) -> str | None:
    """The duration token of a note's length text (``3``, ``/2``, ``//``, ``3/2``) in eighths; None for one eighth."""
    if "/" in text:
        top, _, rest = text.partition("/")
        slashes = 1 + len(rest) - len(rest.lstrip("/"))
        bottom = rest.lstrip("/")
        value = Fraction(int(top or 1), int(bottom) if bottom else 2 ** slashes)
    else:
        value = Fraction(int(text or 1))
    if value == 0:
        raise ABCError(line, f"note length {text!r} is zero")
    eighths = value * unit / EIGHTH
    if eighths == 1:
        return None
    return str(eighths.numerator) if eighths.denominator == 1 else f"{'' if eighths.numerator == 1 else eighths.numerator}/{eighths.denominator}"


def _bar_token(text: str) -> str:
    if text.count(":") >= 2 or text in ("::",):
        return "::"
    if text.startswith(":"):
        return ":|"
    if text.endswith(":"):
        return "|:"
    return {"||": "||", "|]": "|]", "[|": "[|"}.get(text, "|")


def body_tokens(text: str, unit: Fraction, line: int) -> tuple[list[str], Fraction]:
    """The tokens of one body line and the unit length after it (an inline ``[L:...]`` changes it)."""
    tokens: list[str] = []
    position = 0
    text = text.split("%", 1)[0]
    while position < len(text):
        found = _BODY.match(text, position)
        if not found:
            raise ABCError(line, f"column {position + 1}: {text[position]!r} is not ABC this tokenizer reads (in {text.strip()[:60]!r})")
        groups = found.groupdict()
        if groups["field"]:
            name, value = groups["field"][1], groups["field"][3:-1]
            if name == "L":
                unit = unit_of(value, line)
            elif name in "KM":
                tokens.append(key_token(value, line) if name == "K" else meter_token(value, line))
        elif groups["bar"]:
            tokens.append(_bar_token(groups["bar"]))
            if groups["ending"]:
                tokens.append("[" + groups["ending"].lstrip("["))
        elif groups["ending_alone"]:
            tokens.append(groups["ending_alone"])
        elif groups["tuplet"]:
            tokens.append(groups["tuplet"][:2])
        elif groups["note"]:
            tokens.append("z" if groups["note"] in "zx" else groups["note"])
            length = length_token(groups["length"], unit, line)
            tokens += [length] if length else []
        elif groups["chord_end"]:
            tokens.append("]")  # a chord's own length multiplies its notes' lengths, whatever the unit
            length = length_token(groups["chord_length"], EIGHTH, line)
            tokens += [length] if length else []
        elif groups["chord"]:
            tokens.append("[")
        elif groups["broken"]:
            tokens.append(groups["broken"])
        elif groups["tie"]:
            tokens.append("-")
        position = found.end()
    return tokens, unit


@dataclass(frozen=True)
class Tune:
    """One tune: its tokens (meter and key first), its title and the line its ``X:`` field is on."""

    tokens: tuple[str, ...]
    title: str
    line: int


def tune_tokens(lines: list[str], first_line: int = 1) -> Tune:
    """The tokens of one tune's lines (from ``X:`` to before the next tune); ``first_line`` numbers them."""
    meter = key = None
    unit: Fraction | None = None
    title = ""
    body: list[str] = []
    for number, raw in enumerate(lines, first_line):
        line = raw.rstrip("\n")
        field = re.match(r"^([A-Za-z]):(.*)$", line)
        if field and (key is None or field.group(1) in "KLMPWwNTRZ"):
            name, value = field.groups()
            value = value.split("%", 1)[0]
            if name in ("M", "K"):  # in the header they set the tune's meter and key; in the body they change them
                token = meter_token(value, number) if name == "M" else key_token(value, number)
                if key is not None:
                    body.append(token)
                elif name == "M":
                    meter = token
                else:
                    key = token
            elif name == "L":
                unit = unit_of(value, number)
            elif name == "T" and not title:
                title = value.strip()
            continue
        if key is None:
            if line.strip() and not line.startswith("%"):
                raise ABCError(number, f"{line.strip()[:40]!r} before the tune's K: field (the header ends with K:)")
            continue
        if meter is None:
            meter = "M:4/4"  # ABC's default when a tune has no M:
        tokens, unit = body_tokens(line, unit if unit is not None else default_unit(meter), number)
        body += tokens
    if key is None:
        raise ABCError(first_line, "a tune without a K: field (ABC's header ends with K:)")
    if not any(t not in BARS for t in body):
        raise ABCError(first_line, "a tune without notes")
    return Tune((meter or "M:4/4", key, *body), title, first_line)


def split_tunes(text: str) -> list[tuple[int, list[str]]]:
    """``(line of X:, lines)`` of each tune in an ABC text (a tune runs from its ``X:`` to the next one)."""
    tunes: list[tuple[int, list[str]]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("X:"):
            tunes.append((number, []))
        elif tunes:
            tunes[-1][1].append(line)
    return tunes


def read_tunes(path: str | os.PathLike, skipped: list[str] | None = None) -> list[Tune]:
    """Every tune of an ABC file; a :class:`FileFormatError` naming the file and line for one it cannot read.

    With a ``skipped`` list, such a tune is left out and its error message appended there instead
    (for a published collection with a few typing slips, such as O'Neill's ``Z`` for ``z``).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FileFormatError(path, f"cannot read it as UTF-8 text ({error})") from None
    tunes = []
    for line, lines in split_tunes(text):
        try:
            tunes.append(tune_tokens(lines, line + 1))
        except ABCError as error:
            problem = FileFormatError(path, error.problem, field=f"line {error.line}")
            if skipped is None:
                raise problem from None
            skipped.append(str(problem))
    if not tunes:
        raise FileFormatError(path, "holds no ABC tune (each starts with an X: line)")
    return tunes


def tune_text(tokens: list[str] | tuple[str, ...], title: str = "", number: int = 1) -> str:
    """An ABC tune of ``tokens`` (meter and key first, as :func:`tune_tokens` gives them), eight bars a line."""
    if len(tokens) < 2 or not tokens[0].startswith("M:") or not tokens[1].startswith("K:"):
        raise ValueError(f"a tune's tokens start with its meter and key (M:..., K:...); got {list(tokens[:2])}")
    lines = [f"X:{number}", f"T:{title or f'rnnkit tune {number}'}", tokens[0], "L:1/8", tokens[1]]
    body, bars = [], 0
    for index, token in enumerate(tokens[2:], 2):
        if token.startswith(("M:", "K:")):
            body.append(f"[{token}]")
        elif token in BARS:
            bars += 1
            following = tokens[index + 1] if index + 1 < len(tokens) else ""
            body.append(token + ("" if following in ENDINGS else "\n" if bars % 8 == 0 else " "))
        else:
            body.append(token)
    return "\n".join(lines) + "\n" + "".join(body).rstrip() + "\n"
