"""Smoke test of the README's main job: the demo command runs and its loss goes down."""

from rnnkit.cli import main
from rnnkit.tasks.demo import train_forecaster


def test_demo_command_runs(capsys):
    assert main(["demo", "--epochs", "2"]) == 0
    out = capsys.readouterr().out
    assert "Total params: 42 (168.00 B)" in out and "Total params: 8,875,649" in out


def test_forecaster_learns_the_next_value():
    losses = train_forecaster(epochs=3, samples=512, log=lambda _: None)
    assert losses[-1] < losses[0] / 2
