"""``rnnkit summary`` and ``rnnkit convert``, run in-process through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rnnkit.cli import main
from rnnkit.models import load_model

FIXTURES = Path(__file__).parents[1] / "fixtures" / "keras"


def test_summary_prints_the_keras_summary_of_a_keras_file(capsys):
    assert main(["summary", str(FIXTURES / "stacked_stock.keras")]) == 0
    out = capsys.readouterr().out
    expected = json.loads((FIXTURES / "stacked_stock.json").read_text())["summary"]
    assert out.startswith(f"{FIXTURES / 'stacked_stock.keras'}: Keras .keras archive\n")
    assert expected.rstrip("\n") in out


def test_summary_of_a_bad_file_is_one_clear_error_line(tmp_path, capsys):
    bad = tmp_path / "bad.h5"
    bad.write_bytes(b"\x00" * 100)
    assert main(["summary", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"rnnkit summary: error: {bad}: not a model file rnnkit knows")
    assert "Traceback" not in err


def test_convert_h5_to_keras_and_rnnkit_format_keeps_predictions(tmp_path, capsys):
    source = FIXTURES / "keras2_lstm_seq_dense.h5"
    data = np.load(FIXTURES / "keras2_lstm_seq_dense.npz")
    for name in ("model.keras", "model.rnnkit"):
        assert main(["convert", str(source), str(tmp_path / name)]) == 0
        assert f"wrote {tmp_path / name} (122 parameters)" in capsys.readouterr().out
        np.testing.assert_allclose(load_model(tmp_path / name).predict(data["x"]), data["y0"], atol=1e-5, rtol=0)


def test_convert_to_weights_file_and_refusals(tmp_path, capsys):
    source = str(FIXTURES / "lstm_last.keras")
    target = tmp_path / "w.weights.h5"
    assert main(["convert", source, str(target)]) == 0
    assert target.exists()
    assert main(["convert", source, str(target)]) == 2  # no --force: the existing file stays
    assert "already exists" in capsys.readouterr().err
    assert main(["convert", source, str(target), "--force"]) == 0
    with pytest.warns(UserWarning, match="legacy HDF5"):
        assert main(["convert", source, str(tmp_path / "legacy.h5")]) == 0  # Keras 3's legacy format, with its warning


def test_a_reader_that_goes_away_stops_the_command_quietly(tmp_path):
    """``rnnkit sample ... | head``: a closed pipe ends the command with 141 and no traceback."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent("""
        import sys
        from rnnkit import cli
        from rnnkit.cli import summary

        def flood(args):
            for _ in range(100_000):
                print("x" * 80)
            return 0

        summary.run = flood
        sys.exit(cli.main(["summary", "anything.keras"]))
    """)
    run = subprocess.run(f"{sys.executable} -c '{script}' | head -c 10; exit ${{PIPESTATUS[0]}}", shell=True,
                         executable="/bin/bash", capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 141 and run.stdout == "x" * 10
    assert "Traceback" not in run.stderr and "BrokenPipe" not in run.stderr
