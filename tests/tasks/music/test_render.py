"""music21's verdict on tunes (parses; bars fit the meter, pickups and section ends allowed), and the files written."""

import pytest

music21 = pytest.importorskip("music21")

from rnnkit.tasks.music.render import check_tune, write_tune_files  # noqa: E402

JIG = "X:1\nT:j\nM:6/8\nL:1/8\nK:D\nA|d2f afd|B2d gdB|A2F DFA|c3 A2:|\n|:e|f2d g2e|f>ed cBA|1 e3 d2:|2 e3 d3|]\n"


def test_a_tune_with_pickups_and_endings_is_valid():
    check = check_tune(JIG)
    assert check.parsed and check.bars_fit and check.valid
    assert check.bar_length == 3 and check.bars[0] == 0.5  # a pickup of one eighth, in quarter notes


@pytest.mark.parametrize("body", ["d2f afd|B2d gdBc|A2F DFA|d6|]",  # an inner bar one eighth too long
                                  "d2f afd|B2d g|A2F DFA|d6|]"])      # an inner bar too short, not at a section's edge
def test_bars_that_do_not_fit_the_meter(body):
    check = check_tune(f"X:1\nT:j\nM:6/8\nL:1/8\nK:D\n{body}\n")
    assert check.parsed and not check.bars_fit and not check.valid


def test_files_of_a_tune_abc_midi_that_music21_reads_back_and_a_png(tmp_path):
    files, check = write_tune_files(JIG, tmp_path, "tune_1")
    assert [f.name for f in files] == ["tune_1.abc", "tune_1.mid", "tune_1.png"] and check.valid
    assert (tmp_path / "tune_1.abc").read_text() == JIG
    midi = music21.midi.MidiFile()
    midi.open(str(tmp_path / "tune_1.mid"))
    midi.read()
    midi.close()
    pitches = [e.pitch for track in midi.tracks for e in track.events if e.type == music21.midi.ChannelVoiceMessages.NOTE_ON
               and e.velocity]
    assert pitches[:4] == [69, 74, 78, 81]  # A d f a
    assert (tmp_path / "tune_1.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
