"""Typed reading of the JSON records in rnnkit's files: every field checked, every failure naming it.

A record read from a file (a header, a task's config, an optimizer's settings) is data from
anywhere: a field may be missing, of another type, or absurd. :func:`record_field` is the one
accessor every loader reads such a field with; it returns the value when it has the asked type
(and bounds), and raises :class:`~rnnkit.errors.FileFormatError` naming the file and the field's
path (``record.config.units``) otherwise. :func:`config_from_record` applies it to every field of
a config dataclass, typed by the dataclass's own annotations, before the config is made.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import types
import typing
from typing import Any, Callable, TypeVar

from .errors import FileFormatError

T = TypeVar("T")
REQUIRED: Any = object()  # the default of record_field: the field must be there

_TYPE_NAMES = {int: "an integer", float: "a number", str: "a string", bool: "true or false", dict: "a JSON object",
               list: "a JSON list", type(None): "null"}


def describe(value: Any) -> str:
    """A short description of a JSON value for an error: its type and, when short, the value."""
    shown = repr(value)
    return f"{type(value).__name__} {shown}" if len(shown) <= 40 else f"{type(value).__name__} of {len(shown)} characters"


def is_kind(value: Any, kind: type) -> bool:
    """``value`` is of JSON kind ``kind``; an integer is not a bool, a number is finite (int or float).

    ``abs(value) <= float max`` is false for NaN and the infinities (which Python's JSON parser reads).
    """
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is float:  # an integer too large for a float is not a number rnnkit can use either
        return isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) <= sys.float_info.max
    return isinstance(value, kind)


def as_object(path: str | os.PathLike, value: Any, where: str) -> dict[str, Any]:
    """``value`` (the part of the file at ``where``) if it is a JSON object; else an error naming it."""
    if not isinstance(value, dict):
        raise FileFormatError(path, field=where, expected="a JSON object", found=describe(value))
    return value


def record_field(
    path: str | os.PathLike, record: Any, name: str, kind: type[T] | tuple[type, ...], *, where: str = "", default: Any = REQUIRED,
    minimum: float | None = None, maximum: float | None = None, choices: tuple[Any, ...] | None = None,
) -> T:
    """``record[name]`` if it is of ``kind`` (one type or a tuple of them) and within the bounds given.

    ``where`` is the path of ``record`` in the file (``"record.config"``), for the error's field;
    ``record`` itself must be a JSON object. A missing field is ``default``, or an error without one.
    """
    field = f"{where}.{name}" if where else name
    as_object(path, record, where or "record")
    if name not in record:
        if default is REQUIRED:
            raise FileFormatError(path, field=field, expected=_expected(kind), found="nothing (the field is missing)")
        return default
    return checked_value(path, field, record[name], kind, minimum=minimum, maximum=maximum, choices=choices)


def checked_value(
    path: str | os.PathLike, field: str, value: Any, kind: type[T] | tuple[type, ...], *,
    minimum: float | None = None, maximum: float | None = None, choices: tuple[Any, ...] | None = None,
) -> T:
    """``value`` (the file's ``field``) if it is of ``kind`` and within the bounds; the check behind :func:`record_field`."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not any(is_kind(value, k) for k in kinds):
        raise FileFormatError(path, field=field, expected=_expected(kind), found=describe(value))
    if choices is not None and value not in choices:
        raise FileFormatError(path, field=field, expected=f"one of {list(choices)}", found=describe(value))
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if minimum is not None and number and value < minimum:
        raise FileFormatError(path, field=field, expected=f"at least {minimum}", found=describe(value))
    if maximum is not None and number and value > maximum:
        raise FileFormatError(path, field=field, expected=f"at most {maximum}", found=describe(value))
    return value


def record_items(path: str | os.PathLike, items: list, kind: type[T], where: str, **bounds: Any) -> list[T]:
    """Every item of the JSON list ``items`` (the field ``where``) checked as :func:`checked_value` checks one."""
    return [checked_value(path, f"{where}.{i}", item, kind, **bounds) for i, item in enumerate(items)]


def _expected(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in kinds)


def config_from_record(path: str | os.PathLike, config_class: type[T], record: Any, where: str) -> T:
    """A config dataclass from the JSON object at ``where``, every field type-checked first.

    The types are the dataclass's annotations (``int``, ``float``, ``str``, ``bool``, ``str |
    None``, ``tuple[int, ...]``); a field it lacks takes the dataclass's default, an unknown one
    is refused. The dataclass's own checks (ranges, choices) become errors naming the field too.
    """
    fields = {f.name: f for f in dataclasses.fields(config_class)}
    as_object(path, record, where)
    unknown = sorted(set(record) - set(fields))
    if unknown:
        raise FileFormatError(path, field=where, expected=f"only the fields {sorted(fields)}", found=f"also {unknown}")
    hints = typing.get_type_hints(config_class)
    values: dict[str, Any] = {}
    for name, spec in fields.items():
        required = spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING
        if name not in record and not required:
            continue
        hint = hints[name]
        if typing.get_origin(hint) is tuple:
            items = record_field(path, record, name, list, where=where)
            values[name] = tuple(record_items(path, items, typing.get_args(hint)[0], f"{where}.{name}"))
        else:
            values[name] = record_field(path, record, name, _kinds(hint), where=where)
    return parse_part(path, where, lambda state: config_class(**state), values)


def _kinds(hint: Any) -> type | tuple[type, ...]:
    """The JSON kinds a field annotated ``hint`` takes: ``float`` also takes integers, ``X | None`` null."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return tuple(type(None) if arg is type(None) else arg for arg in typing.get_args(hint))
    return hint


def parse_part(path: str | os.PathLike, where: str, parse: Callable[[Any], T], value: Any) -> T:
    """``parse(value)`` for the part of a file at ``where`` (a tokenizer's state, a scaler, a config).

    The parsers of these parts (``from_json`` methods) were written for the records rnnkit writes;
    what they raise for a malformed one (a missing key, a value of another type, a value out of
    range) becomes a :class:`FileFormatError` naming the file and the part.
    """
    try:
        return parse(value)
    except FileFormatError:
        raise
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, OverflowError) as error:
        field = getattr(error, "field", None)  # a SettingError names the config field it refuses
        problem = getattr(error, "problem", None) or (f"missing {error}" if isinstance(error, KeyError) else str(error))
        raise FileFormatError(path, f"not a valid record ({problem})", field=f"{where}.{field}" if field else where) from None
