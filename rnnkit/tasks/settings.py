"""Settings of a task: one dataclass per task is the single source of its defaults, help and checks.

Each field is declared with :func:`setting`: its default, a help text for users, and the rule a
value must follow (``choices``, ``minimum``, ``below``, ``positive``). ``__post_init__`` calls
:func:`check_settings`, so a bad value fails when the settings are made, with an error naming
the field (``units must be a positive integer; got 0``), never a command-line flag. The command
line builds its flags from the same fields (:mod:`rnnkit.cli.settings_flags`) and shows the same
errors under the flag's name.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, TypeVar

Settings = TypeVar("Settings")
MISSING = dataclasses.MISSING


class SettingError(ValueError):
    """A setting's value breaks its rule; ``field`` is the setting's name, ``problem`` the rest of the message."""

    def __init__(self, field: str, problem: str):
        self.field = field
        self.problem = problem
        super().__init__(f"{field} {problem}")


def setting(default: Any = MISSING, help: str = "", *, choices: tuple | None = None, minimum: float | None = None,
            below: float | None = None, above: float | None = None, positive: bool = False, flag: str | None = None,
            cli: bool = True, yes_no: bool = False) -> Any:
    """A dataclass field with its help text and rule.

    ``positive``: an integer >= 1. ``minimum``/``below``: a number in ``[minimum, below)``;
    ``above``: a number > ``above``.
    ``None`` always passes (it means "not given"; the task picks). ``flag`` names the command-line
    flag when it is not ``--`` + the field name with dashes; ``cli=False`` keeps a field off the
    command line (a library-only knob); ``yes_no`` spells a bool flag ``--x yes|no`` instead of
    ``--x/--no-x``.
    """
    metadata = {"help": help, "choices": choices, "minimum": minimum, "below": below, "above": above, "positive": positive,
                "flag": flag, "cli": cli, "yes_no": yes_no}
    return dataclasses.field(default=default, metadata=metadata)


def check_value(name: str, value: Any, rule: dict[str, Any]) -> None:
    """Raise :class:`SettingError` when ``value`` breaks ``rule`` (a :func:`setting`'s metadata)."""
    if value is None:
        return
    if rule.get("choices") is not None and value not in rule["choices"]:
        raise SettingError(name, f"must be one of {', '.join(map(str, rule['choices']))}; got {value!r}")
    if rule.get("positive") and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
        raise SettingError(name, f"must be a positive integer; got {value!r}")
    low, high, above = rule.get("minimum"), rule.get("below"), rule.get("above")
    if low is None and high is None and above is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise SettingError(name, f"must be a number; got {value!r}")
    if above is not None and not value > above:
        raise SettingError(name, f"must be > {above}; got {value!r}")
    if low is None and high is None:
        return
    if (low is not None and value < low) or (high is not None and value >= high):
        span = f"[{low}, {high})" if low is not None and high is not None else (f">= {low}" if low is not None else f"< {high}")
        raise SettingError(name, f"must be {'in ' if low is not None and high is not None else ''}{span}; got {value!r}")


def check_settings(settings: Any) -> None:
    """Check every field of a settings dataclass against its rule."""
    for field in dataclasses.fields(settings):
        check_value(field.name, getattr(settings, field.name), field.metadata)


def settings_of(cls: type[Settings], args: tuple, fields: dict[str, Any]) -> Settings:
    """``train(settings)`` or ``train(data, out=..., units=...)``: the settings either way.

    A task's ``train`` takes one settings object, or the settings' fields as arguments (the first
    may be given by position), so a notebook line stays short.
    """
    if len(args) == 1 and isinstance(args[0], cls) and not fields:
        return args[0]
    if any(isinstance(a, cls) for a in args):
        raise TypeError(f"give a {cls.__name__} alone, or its fields as arguments; not both")
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(fields) - names)
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {', '.join(map(repr, unknown))}; its fields are {', '.join(sorted(names))}")
    return cls(*args, **fields)

