"""Task settings: one dataclass per task holds defaults, help and checks; the CLI's flags are made from it."""

import argparse
import dataclasses
from pathlib import Path

import pytest

from rnnkit.cli import main, train
from rnnkit.cli.settings_flags import FLAGS, flag_name, settings_from
from rnnkit.tasks import classification, forecasting, language_model, seq2seq, speech, tagging
from rnnkit.tasks.classification.settings import SEQUENCE_RECIPE, TEXT_RECIPE, TEXT_TOKENS
from rnnkit.tasks.language_model.settings import LONG_RECIPE, LONG_RUN_MINUTES, SHORT_RECIPE
from rnnkit.tasks.settings import SettingError, check_value, settings_of

SETTINGS = {
    "classify": classification.ClassifySettings,
    "tag": tagging.TagSettings,
    "forecast": forecasting.ForecastSettings,
    "lm": language_model.LMSettings,
    "seq2seq": seq2seq.Seq2SeqSettings,
}
REQUIRED = {"tag": {"data": "x.conllu"}}

# What `rnnkit train TASK` parsed with no flags before the settings dataclasses (main at f9ab356), by flag.
OLD_DEFAULTS = {
    "classify": {"--batch-size": 64, "--bidirectional": True, "--cell": "lstm", "--class-weights": "none", "--data": None,
                 "--dropout": 0.3, "--embedding": 64, "--epochs": None, "--features": None, "--freeze-vectors": False,
                 "--id-col": None, "--label-col": None, "--layers": 1, "--lr": 0.002, "--lr-schedule": "constant",
                 "--max-len": 100, "--max-vocab": 20000, "--min-frequency": 1, "--minutes": None, "--out": "runs/classify",
                 "--pooling": "last", "--seed": 0, "--sequence-of-features": False, "--text-col": None, "--time-col": None,
                 "--token-dropout": 0.0, "--tokens": "word", "--units": 64, "--val": None, "--vectors": None},
    "forecast": {"--batch-size": 32, "--cell": "lstm", "--data": None, "--dataset": "co2", "--epochs": 200, "--features": None,
                 "--horizon": 12, "--layers": 1, "--lr": 0.003, "--minutes": None, "--out": "runs/forecast", "--output": "last",
                 "--patience": 20, "--relative": True, "--season": None, "--seed": 0, "--target": None, "--train": 0.7,
                 "--units": 32, "--val": 0.15, "--window": 24},
    "lm": {"--batch-size": 32, "--cell": "lstm", "--clipnorm": 5.0, "--data": None, "--dropout": 0.0, "--embedding": 64,
           "--epochs": None, "--layers": 1, "--lr": 0.004, "--lr-schedule": "cosine", "--max-vocab": None, "--min-frequency": 1,
           "--minutes": None, "--out": "runs/lm", "--precision": "float32", "--resume": False, "--samples": 2, "--seed": 0,
           "--seq-len": 128, "--steps-per-epoch": None, "--tokens": "char", "--units": 256},
    "seq2seq": {"--attention": "general", "--batch-size": 64, "--bidirectional": True, "--cell": "lstm", "--clock": "wall",
                "--data": None, "--dropout": 0.0, "--embedding": 32, "--epochs": None, "--eval-size": 500, "--held-out": 2000,
                "--layers": 1, "--lr": 0.003, "--max-vocab": None, "--minutes": None, "--out": "runs/seq2seq", "--seed": 0,
                "--shared-vocabulary": False, "--source-tokens": "char", "--steps-per-epoch": None, "--target-tokens": "char",
                "--threads": None, "--train-size": 50000, "--units": 128},
    "tag": {"--batch-size": 32, "--bidirectional": True, "--cell": "lstm", "--char-units": 0, "--column": "upos", "--data": "x.conllu",
            "--dropout": 0.3, "--embedding": 100, "--epochs": 5, "--format": "auto", "--freeze-vectors": False, "--layers": 1,
            "--lr": 0.002, "--max-vocab": 50000, "--minutes": None, "--out": "runs/tag", "--seed": 0, "--units": 128, "--val": None,
            "--vectors": None, "--word-dropout": 0.05},
}
for added_since in ("classify", "forecast", "seq2seq", "tag"):  # --resume, which lm already had
    OLD_DEFAULTS[added_since]["--resume"] = False
# Issue 17 changed these on purpose: early stopping everywhere, precision chosen by the CPU, the measured NSMC recipe for texts
# (network fields None: filled per kind of data by ClassifySettings.for_data).
for task, patience in (("classify", 2), ("tag", 3), ("lm", 5), ("seq2seq", 3)):
    OLD_DEFAULTS[task]["--patience"] = patience
OLD_DEFAULTS["lm"]["--precision"] = "auto"
OLD_DEFAULTS["lm"].update({"--cell": "gru", "--lr": 0.006})  # the best of the 3-minute trials in benchmarks/RESULTS.md
# ...and the network's size, dropout and patience by the time budget (LMSettings.for_budget).
OLD_DEFAULTS["lm"].update({"--units": None, "--dropout": None, "--patience": None})
OLD_DEFAULTS["tag"].update({"--char-units": 32, "--epochs": 30, "--dropout": 0.5, "--word-dropout": 0.25})
OLD_DEFAULTS["classify"].update({"--tokens": None, "--max-vocab": 16000, "--max-len": 140, "--token-dropout": 0.3, "--cell": None,
                                 "--units": None, "--dropout": None, "--pooling": None, "--batch-size": None, "--lr": None,
                                 "--lr-schedule": None})
OLD_DEFAULTS["classify"]["--ensemble"] = 1  # issue 17: one model unless asked for more
OLD_DEFAULTS["lm"]["--windows"] = "random"  # issue 17: how training reads the text
OLD_DEFAULTS["tag"]["--crf"] = False  # issue 17: a CRF output when asked


def parser_for(task):
    parser = argparse.ArgumentParser()
    train.add_parser(parser.add_subparsers(dest="command"))
    tasks = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices["train"]
    return next(a for a in tasks._actions if isinstance(a, argparse._SubParsersAction)).choices[task]


def parse(task, argv=()):
    required = ["--data", REQUIRED[task]["data"]] if task in REQUIRED else []
    return parser_for(task).parse_args([*required, *argv])


@pytest.mark.parametrize("task", sorted(SETTINGS))
def test_the_flags_names_and_defaults_are_the_ones_the_cli_had(task):
    parser = parser_for(task)
    args = parse(task)
    by_flag = {action.option_strings[0]: action.dest for action in parser._actions if action.option_strings[0] != "-h"}
    assert set(by_flag) == set(OLD_DEFAULTS[task])
    for flag, old in OLD_DEFAULTS[task].items():
        assert getattr(args, by_flag[flag]) == old, flag


@pytest.mark.parametrize("task", sorted(SETTINGS))
def test_parsed_flags_give_the_dataclass_defaults(task):
    cls = SETTINGS[task]
    assert settings_from(parse(task), cls) == cls(**REQUIRED.get(task, {}))


@pytest.mark.parametrize("task", sorted(SETTINGS))
def test_every_help_text_says_its_default_once(task):
    cls = SETTINGS[task]
    for field in dataclasses.fields(cls):
        assert field.metadata["help"], f"{cls.__name__}.{field.name} has no help"
    actions = {a.dest: a for a in parser_for(task)._actions}
    for field in dataclasses.fields(cls):
        if field.name in actions and field.default not in (None, False, dataclasses.MISSING):
            assert actions[field.name].help.count("(default") == 1, field.name


def _bad_value(rule):
    if rule["choices"] is not None:
        return "bogus"
    if rule["positive"]:
        return 0
    if rule["minimum"] is not None:
        return rule["minimum"] - 1
    if rule["above"] is not None:
        return rule["above"]
    return None


CHECKED = [(task, field.name, _bad_value(field.metadata)) for task, cls in sorted(SETTINGS.items())
           for field in dataclasses.fields(cls) if _bad_value(field.metadata) is not None]


@pytest.mark.parametrize("task, name, value", CHECKED, ids=[f"{t}.{n}" for t, n, _ in CHECKED])
def test_a_bad_value_names_the_field_not_a_flag(task, name, value):
    with pytest.raises(SettingError) as raised:
        SETTINGS[task](**{**REQUIRED.get(task, {}), name: value})
    assert raised.value.field == name and str(raised.value).startswith(f"{name} must be ")
    assert "--" not in str(raised.value)


def test_model_configs_name_fields_too():
    with pytest.raises(ValueError, match=r"^units must be a positive integer; got 0$"):
        classification.ClassifierConfig(10, 2, units=0)
    with pytest.raises(ValueError, match=r"^dropout must be in \[0, 1\); got 1.5$"):
        tagging.TaggerConfig([5, 5, 5], 3, dropout=1.5)
    with pytest.raises(ValueError, match=r"^cell must be one of gru, layer_norm_lstm, lstm, simple, simple_rnn; got 'rnn'$"):
        language_model.ModelConfig(10, cell="rnn")


def test_rules_across_fields_name_a_field():
    with pytest.raises(SettingError, match="val_fraction leaves no test part"):
        forecasting.ForecastSettings(train_fraction=0.8, val_fraction=0.3)
    with pytest.raises(SettingError, match="shared_vocabulary needs the same source_tokens and target_tokens"):
        seq2seq.Seq2SeqSettings(shared_vocabulary=True, source_tokens="word")


def test_the_cli_shows_a_bad_setting_under_its_flag(capsys, tmp_path):
    assert main(["train", "classify", "--data", str(tmp_path / "x.tsv"), "--units", "0"]) == 2
    assert capsys.readouterr().err == "rnnkit train classify: error: --units must be a positive integer; got 0\n"
    assert main(["train", "forecast", "--train", "0.9", "--val", "0.2"]) == 2
    assert "error: --val leaves no test part" in capsys.readouterr().err
    args = parse("forecast")
    assert getattr(args, FLAGS)["train_fraction"] == "--train"


def test_train_takes_settings_or_their_fields():
    settings = settings_of(classification.ClassifySettings, ("a.tsv",), {"units": 8})
    assert settings == classification.ClassifySettings(data="a.tsv", units=8)
    assert settings_of(classification.ClassifySettings, (settings,), {}) is settings
    with pytest.raises(TypeError, match="ClassifySettings has no field 'unitz'"):
        settings_of(classification.ClassifySettings, (), {"unitz": 8})
    with pytest.raises(TypeError, match="alone"):
        settings_of(classification.ClassifySettings, (settings,), {"units": 8})


def test_check_value_rules():
    check_value("x", None, {"positive": True})  # None: not given
    with pytest.raises(SettingError, match=r"^x must be a positive integer; got True$"):
        check_value("x", True, {"positive": True})
    with pytest.raises(SettingError, match=r"^x must be > 0; got 0$"):
        check_value("x", 0, {"above": 0})
    with pytest.raises(SettingError, match=r"^x must be a number; got 'a'$"):
        check_value("x", "a", {"minimum": 0})
    with pytest.raises(SettingError, match=r"^x must be >= 0; got -1$"):
        check_value("x", -1, {"minimum": 0})


def test_an_error_about_the_data_names_the_field_in_python_and_the_flag_on_the_command_line(tmp_path, capsys):
    series = tmp_path / "s.csv"
    series.write_text("t,y\n" + "".join(f"{i},{i % 5}\n" for i in range(60)))
    with pytest.raises(SettingError, match=f"^target COLUMN is required with data {series}$"):
        forecasting.train(data=str(series), out=str(tmp_path / "o"), say=lambda line: None)
    with pytest.raises(SettingError, match="^features 'z': "):
        forecasting.train(data=str(series), target="y", features=["z"], out=str(tmp_path / "o"), say=lambda line: None)
    assert main(["train", "forecast", "--data", str(series), "--out", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err == f"rnnkit train forecast: error: --target COLUMN is required with data {series}\n"


README = Path(__file__).resolve().parents[2] / "README.md"
ALL_SETTINGS = {**SETTINGS, "ctc": speech.CTCSettings}


def documented_defaults(task):
    """The README line of ``rnnkit train TASK``'s defaults, made from its settings dataclass: every flag that has a value by default."""
    fields = {field.name: field for field in dataclasses.fields(ALL_SETTINGS[task])}
    shown = [f"`{flag_name(field)} {'yes' if field.default is True else field.default}`" for field in fields.values()
             if field.metadata.get("cli", True) and not any(field.default is skip for skip in (None, False, dataclasses.MISSING))]
    line = f"- `rnnkit train {task}`: " + ", ".join(shown)
    if task == "lm":  # the network's size, dropout and patience: one recipe per time budget
        for kind, recipe in ((f"under {LONG_RUN_MINUTES} minutes", SHORT_RECIPE), (f"from --minutes {LONG_RUN_MINUTES}", LONG_RECIPE)):
            line += f"; {kind} " + ", ".join(f"`{flag_name(fields[name])} {value}`" for name, value in recipe.items())
    if task == "classify":  # the network's fields: one recipe for texts (word tokens with --vectors), one for numeric sequences
        for kind, recipe in (("texts", {"tokens": TEXT_TOKENS, **TEXT_RECIPE}), ("numeric sequences", SEQUENCE_RECIPE)):
            line += f"; for {kind} " + ", ".join(f"`{flag_name(fields[name])} {value}`" for name, value in recipe.items())
    return line


def test_the_readme_states_the_defaults_the_cli_and_the_python_api_use():
    block = README.read_text(encoding="utf-8").split("<!-- defaults: made from the settings dataclasses -->\n")[1].split("\n\n")[0]
    assert block.splitlines() == [documented_defaults(task) for task in ("lm", "classify", "tag", "forecast", "seq2seq", "ctc")]


def test_the_language_model_takes_the_recipe_of_its_time_budget_and_given_values_win():
    LMSettings = language_model.LMSettings
    assert {name: getattr(LMSettings().for_budget(), name) for name in SHORT_RECIPE} == SHORT_RECIPE
    assert {name: getattr(LMSettings(minutes=3).for_budget(), name) for name in SHORT_RECIPE} == SHORT_RECIPE
    assert {name: getattr(LMSettings(minutes=LONG_RUN_MINUTES).for_budget(), name) for name in LONG_RECIPE} == LONG_RECIPE
    given = LMSettings(minutes=30, units=128, dropout=0.0).for_budget()
    assert (given.units, given.dropout, given.patience) == (128, 0.0, LONG_RECIPE["patience"])
