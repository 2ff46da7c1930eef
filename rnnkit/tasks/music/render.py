"""A sampled tune as files, and whether it is a well-formed tune: music21 reads the ABC, and its bars fit its meter.

music21 (the 'music' extra) is the independent judge: its ABC parser reads the text rnnkit wrote,
and its measures give each bar's length. A bar is right when it fills the meter, or when it is
shorter and starts or ends a section: the first bar (a pickup), the last, or one next to a repeat,
double or final bar line (a section's last bar and the next one's pickup, as folk tunes write
them). A bar longer than the meter is always wrong.
The MIDI file is music21's own translation of that parse; the piano roll is drawn from the same
notes with matplotlib (the 'plots' extra).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from ...atomic_files import write_atomically, write_figure_atomically, write_text_atomically
from ...extras import require

MIDI_TEMPO = 120  # quarter notes per minute: music21's default, said in the README


@dataclass(frozen=True)
class TuneCheck:
    """What music21 made of a tune: whether it parsed (``problem`` says why not), and its bars' lengths in quarter notes."""

    parsed: bool
    bars: tuple[Fraction, ...] = ()
    bar_length: Fraction | None = None
    problem: str = ""
    section_edges: tuple[bool, ...] = ()  # per bar: first, last, or beside a repeat/double/final bar line

    @property
    def bars_fit(self) -> bool:
        """Every bar fills the meter, or is shorter at a section's edge (see the module docstring)."""
        if not self.parsed or not self.bars or self.bar_length is None:
            return False
        return all(length == self.bar_length or (length < self.bar_length and edge) for length, edge in zip(self.bars, self.section_edges))

    @property
    def valid(self) -> bool:
        return self.parsed and self.bars_fit


def parse_abc(text: str) -> Any:
    """music21's score of an ABC tune; ValueError (music21's own message) when it cannot read it."""
    music21 = require("music21", "reading ABC tunes")
    try:
        return music21.converter.parse(text, format="abc")
    except Exception as error:  # music21 raises many kinds (ABCHandlerException, IndexError, ...) for text it cannot read
        raise ValueError(f"music21 cannot read it: {type(error).__name__}: {error}") from None


def check_tune(text: str) -> TuneCheck:
    """Parse ``text`` with music21 and measure its bars (of its first part)."""
    try:
        score = parse_abc(text)
    except ValueError as error:
        return TuneCheck(False, problem=str(error))
    part = score.parts[0] if getattr(score, "parts", None) else score
    meter = part.recurse().getElementsByClass("TimeSignature").first()
    if meter is None:
        return TuneCheck(True, problem="no meter")
    measures = list(part.getElementsByClass("Measure"))
    bars = tuple(Fraction(m.duration.quarterLength).limit_denominator(96) for m in measures)
    lines = [m.leftBarline is not None for m in measures[1:]] + [True]  # a special bar line after bar i
    lines = [a or m.rightBarline is not None for a, m in zip(lines, measures)]
    edges = tuple(i == 0 or lines[i] or lines[i - 1] for i in range(len(measures)))
    return TuneCheck(True, bars, Fraction(meter.barDuration.quarterLength).limit_denominator(96), section_edges=edges)


def notes_of(score: Any) -> list[tuple[float, float, int]]:
    """``(start, length, MIDI pitch)`` in quarter notes of every sounding note (chords give one row per pitch)."""
    rows = []
    for element in score.flatten().notes:
        for pitch in getattr(element, "pitches", ()):
            rows.append((float(element.offset), float(element.duration.quarterLength), int(pitch.midi)))
    return rows


def write_midi(score: Any, path: str | os.PathLike) -> None:
    """music21's MIDI translation of ``score``, written atomically."""
    translate = require("music21.midi.translate", "writing MIDI")
    try:
        data = translate.music21ObjectToMidiFile(score).writestr()
    except Exception as error:  # music21 reads some tunes it cannot translate (a meter change it files twice): say so, write nothing
        raise ValueError(f"music21 cannot write it as MIDI: {type(error).__name__}: {error}") from None
    write_atomically(path, lambda stream: stream.write(data))


def write_piano_roll(notes: list[tuple[float, float, int]], path: str | os.PathLike, title: str) -> None:
    """A piano roll PNG: one bar per note, time (quarter notes) across, pitch up."""
    Figure = require("matplotlib.figure", "the piano roll").Figure
    end = max((start + length for start, length, _ in notes), default=1.0)
    figure = Figure(figsize=(min(16.0, 2.0 + end / 4), 3.5), dpi=100)
    axes = figure.subplots()
    axes.broken_barh([(start, length) for start, length, _ in notes], (0, 0.8), facecolors="none")  # sets the x range
    for start, length, pitch in notes:
        axes.broken_barh([(start, length * 0.95)], (pitch - 0.4, 0.8), facecolors="tab:blue")
    if notes:
        pitches = [p for _, _, p in notes]
        axes.set_ylim(min(pitches) - 2, max(pitches) + 2)
    axes.set_xlim(0, end)
    axes.set_xlabel("time (quarter notes)")
    axes.set_ylabel("MIDI pitch")
    axes.set_title(title)
    axes.grid(alpha=0.3)
    figure.tight_layout()
    write_figure_atomically(figure, path)


def write_tune_files(text: str, folder: str | os.PathLike, stem: str) -> tuple[list[Path], TuneCheck]:
    """``stem.abc`` always; ``stem.png`` when music21 reads the tune, and ``stem.mid`` when it can also translate it to MIDI.

    Returns the files and the check (whose ``problem`` says why there is no MIDI file).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / f"{stem}.abc"]
    write_text_atomically(written[0], text)
    check = check_tune(text)
    if check.parsed:
        score = parse_abc(text)
        try:
            write_midi(score, folder / f"{stem}.mid")
            written.append(folder / f"{stem}.mid")
        except ValueError as error:
            check = replace(check, problem=str(error))
        write_piano_roll(notes_of(score), folder / f"{stem}.png", stem)
        written.append(folder / f"{stem}.png")
    return written, check
