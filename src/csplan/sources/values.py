"""Cells of a data source's rows read as YAML would read them (SPEC section
8): dates from dates, timestamps (their date in UTC) or ``YYYY-MM-DD`` text;
numbers from numbers or numeric text; ids and names as text."""

from __future__ import annotations

import datetime as _dt
import math
import re
from decimal import Decimal
from typing import Any

from csplan.model import ID_PATTERN, MAX_NUMBER, SIGNAL_PATTERN

_NUMERIC = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9:.]+(?:Z|[+-][0-9:]+)?")
ID = re.compile(ID_PATTERN)
SIGNAL = re.compile(SIGNAL_PATTERN)


class Bad(ValueError):
    """A cell that cannot be read; the message says what it is and why."""


def shown(value: Any) -> str:
    """A cell as a message shows it: short, and its type when not text."""
    if value is None:
        return "NULL"  # the database's word, not Python's None
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return repr(text)
    return f"{value!r}"[:40]


def to_date(value: Any) -> _dt.date:
    """A date cell. Raises :class:`Bad`."""
    if isinstance(value, _dt.datetime):
        stamp: _dt.datetime = value
        if stamp.tzinfo is not None:
            stamp = stamp.astimezone(_dt.UTC)
        return stamp.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if _ISO_DATE.fullmatch(text):
            try:
                return _dt.date.fromisoformat(text)
            except ValueError:
                raise Bad(f"{shown(value)} is not a real calendar date") from None
        if _ISO_STAMP.fullmatch(text):
            try:
                return to_date(_dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
            except ValueError:
                raise Bad(f"{shown(value)} is not a real date and time") from None
        raise Bad(f"{shown(value)} is not a date written YYYY-MM-DD")
    if value is None:
        raise Bad("the date is empty (NULL)")
    raise Bad(f"{shown(value)} is not a date (a {type(value).__name__})")


def to_number(value: Any, *, booleans: bool = False) -> int | float | bool:
    """A number cell (with ``booleans``, true/false too, as YAML allows an
    observation). Numbers are finite and within 2^53, as in YAML. Raises
    :class:`Bad`."""
    if isinstance(value, bool):
        if booleans:
            return value
        raise Bad(f"{value!r} is a boolean, not a number")
    if isinstance(value, int):
        number: int | float = value
    elif isinstance(value, float):
        number = value
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise Bad(f"{value} is not a finite number")
        number = int(value) if value == value.to_integral_value() else float(value)
    elif isinstance(value, str):
        text = value.strip()
        if not _NUMERIC.fullmatch(text):
            raise Bad(f"{shown(value)} is not a number")
        number = int(text) if _INTEGER.fullmatch(text) else float(text)
    elif value is None:
        raise Bad("the value is empty (NULL)")
    else:
        raise Bad(f"{shown(value)} is not a number (a {type(value).__name__})")
    if isinstance(number, float) and not math.isfinite(number):
        raise Bad(f"{number} is not a finite number")
    if abs(number) > MAX_NUMBER:
        raise Bad(f"{shown(value)} is out of range (at most 2^53 either way)")
    return number


def to_text(value: Any) -> str:
    """A text cell (ids, names). Raises :class:`Bad`."""
    if isinstance(value, str):
        return value
    if value is None:
        raise Bad("the cell is empty (NULL)")
    raise Bad(f"{shown(value)} is a {type(value).__name__}, not text")


def to_attribute(value: Any) -> str | int | float | bool | None:
    """Any other column of an accounts row, as an ``attributes`` value: a
    scalar as YAML would hold it (dates become their ISO text)."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, (int, float, Decimal)):
        return to_number(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return to_date(value).isoformat()
    raise Bad(f"{shown(value)} is a {type(value).__name__}, not a text, number or boolean")
