"""End to end through the real command line on recordings made here: tones standing in for characters."""

import json

import numpy as np
import pytest
import soundfile

from rnnkit.cli import main
from rnnkit.tasks.speech.utterances import bundled

TINY = ["--units", "8", "--layers", "1", "--batch-size", "4"]
PITCH = {"a": 500.0, "b": 1500.0, " ": 0.0}  # each character a 150 ms tone ('a' low, 'b' high), a space silence


def speak_tones(text, rate=16000):
    t = np.arange(int(0.15 * rate)) / rate
    return np.concatenate([0.4 * np.sin(2 * np.pi * PITCH[c] * t) for c in text] + [np.zeros(rate // 20)])


def recordings(folder, texts):
    """A folder of WAVs with their transcript TSV; one file at 8 kHz and one in stereo, read like the rest."""
    folder.mkdir()
    lines = ["file\ttext"]
    rng = np.random.default_rng(0)
    for k, text in enumerate(texts):
        name = f"clip{k}.wav"
        samples = speak_tones(text) + 0.01 * rng.normal(size=len(speak_tones(text)))
        if k == 1:
            soundfile.write(folder / name, samples[::2], 8000)
        elif k == 2:
            soundfile.write(folder / name, np.stack([samples, samples], axis=1), 16000)
        else:
            soundfile.write(folder / name, samples, 16000)
        lines.append(f"{name}\t{text.upper()}")
    (folder / "transcripts.tsv").write_text("\n".join(lines) + "\n")
    return folder


def test_train_transcribe_eval_inspect_on_recordings(tmp_path, capsys):
    data = recordings(tmp_path / "rec", ["ab", "ba", "aab", "b a", "abb", "ba b", "a", "bab", "ab a", "bb"])
    out = tmp_path / "run"
    assert main(["train", "ctc", "--data", str(data), "--out", str(out), "--epochs", "2", *TINY]) == 0
    printed = capsys.readouterr().out
    assert "best validation CER" in printed and "alphabet ' ab'" in printed
    assert (out / "model.safetensors").is_file()

    assert main(["transcribe", str(out), str(data / "clip0.wav"), str(data / "clip1.wav"), "--beam", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in lines] == [str(data / "clip0.wav"), str(data / "clip1.wav")]
    assert all(set(line.split("\t")[1]) <= set(" ab") for line in lines)

    assert main(["predict", str(out), str(data / "clip3.wav")]) == 0
    assert set(capsys.readouterr().out.split("\t")[1].strip()) <= set(" ab")

    assert main(["eval", str(out), "--data", str(data)]) == 0
    report = capsys.readouterr().out
    assert report.startswith("cer ") and "\nwer " in report and "utterances 10" in report
    scores = json.loads((out / "eval.json").read_text())
    assert scores["utterances"] == 10 and scores["cer"] >= 0

    assert main(["inspect", str(out), "--input", str(data / "clip0.wav"), "--out", str(tmp_path / "inspect")]) == 0
    assert "2 recurrent layer call(s) traced" in capsys.readouterr().out  # the forward and backward LSTM
    with np.load(tmp_path / "inspect" / "trace.npz") as trace:
        gates = trace["0_forward_lstm_0/i"]
    frames = 1 + (len(speak_tones("ab")) - 400) // 160
    assert gates.shape == (1, -(-frames // 3), 8)  # (batch, model steps: 3 frames each, units)


def test_eval_without_data_needs_a_bundled_model_and_bad_input_is_named(tmp_path, capsys):
    data = recordings(tmp_path / "rec", ["ab", "ba", "ab", "ba"])
    out = tmp_path / "run"
    assert main(["train", "ctc", "--data", str(data), "--out", str(out), "--epochs", "1", *TINY]) == 0
    capsys.readouterr()
    assert main(["eval", str(out)]) == 2
    assert "--data is required to evaluate this model" in capsys.readouterr().err
    (data / "transcripts.tsv").write_text("clip0.wav\tab\nclip1.wav\t \n")
    assert main(["train", "ctc", "--data", str(data), "--out", str(out), *TINY]) == 2
    assert "transcripts.tsv: line 2: empty transcript for 'clip1.wav'" in capsys.readouterr().err
    assert main(["transcribe", str(out), str(tmp_path / "missing.wav")]) == 2
    assert "missing.wav: no such audio file" in capsys.readouterr().err
    assert main(["train", "ctc", "--stride", "0", *TINY]) == 2
    assert "--stride must be a positive integer" in capsys.readouterr().err


def test_the_bundled_digits_test_voices_are_not_training_voices():
    train, config = bundled("train")
    test, _ = bundled("test")
    assert (len(train), len(test)) == (1200, 320) and config.n_mels == 24 and config.hop == 240
    assert not set(train.sources) & set(test.sources)
    accents = lambda part: {voice.split("+")[0] for voice in part.sources}
    variants = lambda part: {voice.split("+")[1] for voice in part.sources}
    assert not accents(train) & accents(test) and not variants(train) & variants(test)
    words = {"zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}
    assert all(3 <= len(text.split()) <= 7 and set(text.split()) <= words for text in train.texts + test.texts)
    assert all(f.shape[1] == 24 and np.isfinite(f).all() for f in train.features[:50])
    with pytest.raises(ValueError, match="parts"):
        bundled("validation")
