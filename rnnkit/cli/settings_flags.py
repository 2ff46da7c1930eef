"""Command-line flags made from a task's settings dataclass (:mod:`rnnkit.tasks.settings`), in one place.

Each field becomes ``--field-name`` (or its ``flag``), with the field's default and help; the
help says the default once, taken from the field. Types come from the annotations: ``bool``
fields defaulting to True get ``--x/--no-x``, those defaulting to False are switches, a
``list[str]`` is given comma-separated, and ``choices`` become argparse choices. A field
without a default is a required flag. :func:`settings_from` turns the parsed flags back into
the settings; :data:`FLAGS` on the namespace lets the error handler name a bad setting by the
flag the user typed.
"""

from __future__ import annotations

import argparse
import dataclasses
import types
import typing
from typing import Any, TypeVar

Settings = TypeVar("Settings")
FLAGS = "setting_flags"  # attribute of the parsed namespace: field name -> flag


def flag_name(field: dataclasses.Field) -> str:
    return field.metadata.get("flag") or "--" + field.name.replace("_", "-")


def comma_list(text: str) -> list[str]:
    """``"a, b,c"`` -> ``["a", "b", "c"]``."""
    return [part.strip() for part in text.split(",") if part.strip()]


def yes_or_no(text: str) -> bool:
    if text not in ("yes", "no"):
        raise argparse.ArgumentTypeError(f"invalid choice: {text!r} (choose from yes, no)")
    return text == "yes"


def _plain_type(annotation: Any) -> Any:
    """``int | None`` -> ``int``; other annotations as they are."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        return options[0] if len(options) == 1 else str
    return annotation


def _shown(value: Any) -> str:
    if value is True:
        return "yes"
    return str(value)


def add_setting_flags(parser: argparse.ArgumentParser, cls: type) -> None:
    """Add one flag per command-line field of the settings dataclass ``cls``."""
    hints = typing.get_type_hints(cls)
    flags = {}
    for field in dataclasses.fields(cls):
        if not field.metadata.get("cli", True):
            continue
        flag = flag_name(field)
        flags[field.name] = flag
        kind = _plain_type(hints[field.name])
        help_text = field.metadata.get("help", "").replace("%", "%%")
        options: dict[str, Any] = {"dest": field.name}
        required = field.default is dataclasses.MISSING
        if required:
            options["required"] = True
        else:
            options["default"] = field.default
            if field.default not in (None, False) and "(default" not in help_text:
                help_text += f" (default {_shown(field.default)})"
        if kind is bool and field.metadata.get("yes_no"):
            options.update(type=yes_or_no, metavar="{yes,no}")
        elif kind is bool:
            options["action"] = argparse.BooleanOptionalAction if field.default is True else "store_true"
        else:
            options["type"] = comma_list if typing.get_origin(kind) is list else kind
        if field.metadata.get("choices") is not None:
            options["choices"] = list(field.metadata["choices"])
        elif kind is not bool:
            options["metavar"] = flag.lstrip("-").replace("-", "_").upper()
        parser.add_argument(flag, help=help_text, **options)
    parser.set_defaults(**{FLAGS: flags})


def settings_from(args: argparse.Namespace, cls: type[Settings]) -> Settings:
    """The settings the parsed flags ``args`` give (fields kept off the command line keep their defaults)."""
    values = {f.name: getattr(args, f.name) for f in dataclasses.fields(cls) if f.metadata.get("cli", True)}
    return cls(**values)
