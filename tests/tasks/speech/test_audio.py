"""Reading recordings: transcript files with bad lines, other sample rates, several channels, broken audio."""

import sys

import numpy as np
import pytest
import soundfile

from rnnkit.errors import FileFormatError
from rnnkit.extras import MissingExtraError
from rnnkit.tasks.speech.audio import read_audio, read_transcripts
from rnnkit.tasks.speech.features import LogMelConfig
from rnnkit.tasks.speech.utterances import features_of_file


def tone(hz, seconds=0.5, rate=16000):
    return 0.5 * np.sin(2 * np.pi * hz * np.arange(int(seconds * rate)) / rate)


def write_folder(folder, lines, files=("a.wav",)):
    folder.mkdir(exist_ok=True)
    for name in files:
        soundfile.write(folder / name, tone(440), 16000)
    (folder / "transcripts.tsv").write_text("\n".join(lines) + "\n")
    return folder


def test_transcripts_are_read_with_an_optional_header_and_normalised(tmp_path):
    folder = write_folder(tmp_path / "rec", ["file\ttext", "a.wav\t  Three  ONE\tfour ", "", "b.wav\tnine"], ("a.wav", "b.wav"))
    recordings = read_transcripts(folder)
    assert [r.text for r in recordings] == ["three one\tfour".replace("\t", " "), "nine"]
    assert recordings[0].path == folder / "a.wav" and recordings[1].source.endswith("transcripts.tsv, line 4")


@pytest.mark.parametrize("lines, message", [
    (["a.wav\t   "], r"transcripts.tsv: line 1: empty transcript for 'a.wav'"),
    (["a.wav\tone", "missing.wav\ttwo"], r"transcripts.tsv: line 2: no such audio file '.*missing.wav'"),
    (["a.wav one two"], r"transcripts.tsv: line 1: expected file<TAB>transcript, found 'a.wav one two'"),
    (["\tone"], r"transcripts.tsv: line 1: no file name before the tab"),
    (["file\ttext"], r"transcripts.tsv: no file<TAB>transcript lines"),
])
def test_bad_transcript_lines_name_the_file_and_line(tmp_path, lines, message):
    folder = write_folder(tmp_path / "rec", lines)
    with pytest.raises(FileFormatError, match=message):
        read_transcripts(folder)


def test_a_folder_needs_exactly_one_transcript_file(tmp_path):
    (tmp_path / "rec").mkdir()
    with pytest.raises(ValueError, match=r"--data .*rec: a folder of recordings needs exactly one transcript .tsv .*found none"):
        read_transcripts(tmp_path / "rec")
    with pytest.raises(ValueError, match="no such file or folder"):
        read_transcripts(tmp_path / "nowhere.tsv")


def test_another_sample_rate_is_resampled_keeping_the_pitch(tmp_path):
    soundfile.write(tmp_path / "slow.wav", tone(1000, 1.0, 8000), 8000)
    samples = read_audio(tmp_path / "slow.wav", 16000)
    assert len(samples) == 16000
    spectrum = np.abs(np.fft.rfft(samples))
    assert np.argmax(spectrum) == 1000  # 1 Hz per bin over one second
    np.testing.assert_allclose(samples[2000:14000], tone(1000, 1.0)[2000:14000], atol=2e-3)


def test_several_channels_are_mixed_down_to_their_mean(tmp_path):
    left, right = tone(440), tone(1200) * 0.5
    soundfile.write(tmp_path / "stereo.wav", np.stack([left, right], axis=1), 16000, subtype="FLOAT")
    np.testing.assert_allclose(read_audio(tmp_path / "stereo.wav", 16000), (left + right) / 2, atol=1e-6)
    assert features_of_file(tmp_path / "stereo.wav", LogMelConfig()).shape == (1 + (8000 - 400) // 160, 40)


def test_a_file_that_is_not_audio_is_named(tmp_path):
    (tmp_path / "notes.wav").write_text("not a recording")
    with pytest.raises(FileFormatError, match=r"notes.wav: not an audio file soundfile can read"):
        read_audio(tmp_path / "notes.wav", 16000)
    soundfile.write(tmp_path / "empty.wav", np.zeros(0), 16000)
    with pytest.raises(FileFormatError, match=r"empty.wav: the recording holds no samples"):
        read_audio(tmp_path / "empty.wav", 16000)


def test_without_scipy_another_rate_is_refused_naming_the_file_and_both_rates(tmp_path, monkeypatch):
    soundfile.write(tmp_path / "slow.wav", tone(1000, 0.2, 8000), 8000)
    monkeypatch.setitem(sys.modules, "scipy.signal", None)  # an import of it now fails as if scipy were not installed
    with pytest.raises(MissingExtraError, match=r"resampling .*slow.wav from 8000 Hz to 16000 Hz needs scipy.*rnnkit\[speech\]"):
        read_audio(tmp_path / "slow.wav", 16000)
    assert len(read_audio(tmp_path / "slow.wav", 8000)) == 1600  # at its own rate it needs no resampling
