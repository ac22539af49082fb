"""Coercion of what Excel sends to a custom function into the values the engines take.

Excel (through xlwings' COM server) passes numbers as ``float`` (a whole 2025 arrives as
``2025.0``), dates as ``datetime`` when the cell is formatted as a date and as a serial
number otherwise (``45436.0`` is 2024-05-24), text as ``str``, an empty cell as ``None``
and a range as a list (one row or column) or a list of lists. Every function here takes
one such value and the argument's name, and returns a clean Python value or raises
:class:`ArgumentError`, whose message says what is wrong and how to fix it. No xlwings
import: the layer is pure and tested on any system.

Serial numbers follow Excel's 1900 date system, including its leap-year bug: serial 60
is the non-existent 1900-02-29 (rejected), serials from 61 count from 1899-12-30 and
serials 1 to 59 from 1899-12-31. The fractional part (time of day) is ignored.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from xlreport.errors import DataError
from xlreport.quantity import QuantityOutOfRange, parse_quantity

__all__ = [
    "ArgumentError",
    "date_from_serial",
    "to_bool",
    "to_choice",
    "to_date",
    "to_names",
    "to_number",
    "to_scalar",
    "to_text",
    "to_when",
    "to_year",
]

_EPOCH_AFTER_BUG = date(1899, 12, 30)  # serial 61 = 1900-03-01
_EPOCH_BEFORE_BUG = date(1899, 12, 31)  # serial 1 = 1900-01-01
_MAX_SERIAL = 2_958_465  # 9999-12-31, the last date Excel knows
MIN_YEAR, MAX_YEAR = 1900, 2200


class ArgumentError(DataError):
    """A custom-function argument that cannot be used; the message names it."""

    def __init__(self, name: str, problem: str) -> None:
        self.name = name
        super().__init__(f"{name}: {problem}")


def _as_float(value: float | int, name: str) -> float:
    """A number Excel sent as a float; an integer beyond a float's range is refused."""
    try:
        return float(value)
    except OverflowError:
        raise ArgumentError(name, "the number is beyond a float's range (1.8e308)") from None


def _shape(value: list[Any]) -> str:
    if value and isinstance(value[0], list):
        return f"{len(value)} x {len(value[0])}"
    return f"1 x {len(value)}"


def to_scalar(value: Any, name: str) -> Any:
    """One value from a single cell, a 1x1 range (``[[x]]``) or a one-item list."""
    while isinstance(value, list | tuple):
        if len(value) != 1:
            raise ArgumentError(
                name, f"give a single cell, not a range of {_shape(list(value))} cells"
            )
        value = value[0]
    return value


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def to_text(value: Any, name: str, *, default: str | None = None) -> str:
    """Text; a whole number (``2025.0``) becomes ``"2025"``. Empty: ``default`` or error."""
    value = to_scalar(value, name)
    if _is_missing(value):
        if default is None:
            raise ArgumentError(name, "is empty: give a value")
        return default
    if isinstance(value, bool):
        raise ArgumentError(name, f"expected text, got {value}")
    if isinstance(value, float | int):
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)
    if isinstance(value, datetime | date):
        raise ArgumentError(name, f"expected text, got the date {value:%Y-%m-%d}")
    return str(value).strip()


def to_choice(value: Any, name: str, choices: Iterable[str], *, default: str) -> str:
    """One of ``choices`` (case-insensitive, ``-``/space read as ``_``)."""
    allowed = list(choices)
    text = to_text(value, name, default=default).lower().replace("-", "_").replace(" ", "_")
    if text not in allowed:
        raise ArgumentError(name, f"unknown value {text!r}: use one of {', '.join(allowed)}")
    return text


def date_from_serial(serial: float, name: str = "date") -> date:
    """A date from an Excel serial number (1900 date system, leap-year bug included)."""
    if not math.isfinite(serial) or serial < 1 or serial > _MAX_SERIAL:
        raise ArgumentError(
            name, f"{serial:g} is not a date: give a date, or a serial number from 1 to 2958465"
        )
    days = math.floor(serial)
    if days == 60:
        raise ArgumentError(name, "serial 60 is 1900-02-29, a day that did not exist")
    if days < 60:
        return _EPOCH_BEFORE_BUG + timedelta(days=days)
    return _EPOCH_AFTER_BUG + timedelta(days=days)


def to_date(value: Any, name: str, *, default: date | None = None) -> date | None:
    """A date from a date cell, a serial number or ISO text (``2024-05-24``)."""
    value = to_scalar(value, name)
    if _is_missing(value):
        return default
    if isinstance(value, bool):
        raise ArgumentError(name, f"expected a date, got {value}")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float | int):
        return date_from_serial(_as_float(value, name), name)
    text = str(value).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ArgumentError(
            name, f"{text!r} is not a date: give a date cell or text such as 2024-05-24"
        ) from None


def _year(number: float, name: str) -> int:
    if not (number.is_integer() and MIN_YEAR <= number <= MAX_YEAR):
        raise ArgumentError(name, f"{number:g} is not a year: give a year such as 2025")
    return int(number)


def to_year(value: Any, name: str) -> int | None:
    """A year from ``2025.0``, ``2025`` or ``"2025"``; empty is ``None``."""
    value = to_scalar(value, name)
    if _is_missing(value):
        return None
    if isinstance(value, bool):
        raise ArgumentError(name, f"expected a year, got {value}")
    if isinstance(value, float | int):
        return _year(_as_float(value, name), name)
    text = str(value).strip()
    if not text.isdigit():
        raise ArgumentError(name, f"{text!r} is not a year: give a year such as 2025")
    return _year(float(text), name)


def to_when(value: Any, name: str) -> tuple[str, date | str | int] | None:
    """A day, month or year for a rate: ``("date", d)``, ``("month", "2024-05")`` or
    ``("year", 2024)``; empty is ``None``.

    A date cell or a serial number is a day; text ``2024-05-24`` a day, ``2024-05`` a
    month, ``2024`` a year; a whole number from 1900 to 2200 is a year (those serial
    numbers would be days in 1905-06, long before any reference rate).
    """
    value = to_scalar(value, name)
    if _is_missing(value):
        return None
    if isinstance(value, bool):
        raise ArgumentError(name, f"expected a date, month or year, got {value}")
    if isinstance(value, datetime | date):
        return ("date", to_date(value, name) or date.min)
    if isinstance(value, float | int):
        number = _as_float(value, name)
        if number.is_integer() and MIN_YEAR <= number <= MAX_YEAR:
            return ("year", int(number))
        return ("date", date_from_serial(number, name))
    text = str(value).strip()
    if text.isdigit() and len(text) == 4:
        return ("year", _year(float(text), name))
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        month = int(text[5:])
        if not 1 <= month <= 12:
            raise ArgumentError(name, f"{text!r}: the month must be 01 to 12")
        _year(float(text[:4]), name)
        return ("month", text)
    try:
        return ("date", date.fromisoformat(text))
    except ValueError:
        raise ArgumentError(
            name,
            f"{text!r} is not a date, month or year: give a date cell, 2024-05-24, "
            "2024-05 (a month's average) or 2024 (a year's average)",
        ) from None


def to_number(value: Any, name: str, *, default: float | None = None) -> float:
    """A finite number; text may carry a scale (``"433.3 billion"``, ``"22.5%"``)."""
    value = to_scalar(value, name)
    if _is_missing(value):
        if default is None:
            raise ArgumentError(name, "is empty: give a number")
        return default
    if isinstance(value, bool):
        raise ArgumentError(name, f"expected a number, got {value}")
    if isinstance(value, float | int):
        number = _as_float(value, name)
    elif isinstance(value, datetime | date):
        raise ArgumentError(name, "expected a number, got a date")
    else:
        try:
            number = parse_quantity(str(value))
        except QuantityOutOfRange as exc:
            raise ArgumentError(name, str(exc)) from None
        except DataError:
            raise ArgumentError(
                name, f"{value!r} is not a number: write 12.5, 433.3 billion or 22.5%"
            ) from None
    if not math.isfinite(number):
        raise ArgumentError(name, "must be a finite number")
    return number


def to_bool(value: Any, name: str, *, default: bool) -> bool:
    """TRUE/FALSE cells, 1/0 or the text true/false/yes/no."""
    value = to_scalar(value, name)
    if _is_missing(value):
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, float | int) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    raise ArgumentError(name, f"{value!r} is not TRUE or FALSE")


def to_names(value: Any, name: str) -> list[str] | None:
    """A list of names from a range of cells or comma-separated text; empty is ``None``."""
    if isinstance(value, list | tuple):
        cells = [c for row in value for c in (row if isinstance(row, list | tuple) else [row])]
    else:
        cells = [value]
    names: list[str] = []
    for cell in cells:
        if _is_missing(cell):
            continue
        names += [part.strip() for part in to_text(cell, name).split(",") if part.strip()]
    return names or None
