"""Cell values -> model input, one converter per column kind.

A converter takes what python-calamine (or the csv module) gives for one cell and returns
the value to hand to the model, :data:`EMPTY` for an empty cell, or raises
:class:`CellProblem` with a message that names the value and says how to fix it. The
model still validates the result (units, periods, ranges); these converters only settle
what the spreadsheet did to the value: numbers typed into text columns, dates as text,
booleans written in several ways.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from xlreport.errors import shown
from xlreport.io.csvsafe import unquote_csv
from xlreport.io.layout import Column, ColumnKind
from xlreport.model import ID_HELP, MAX_TEXT

__all__ = ["EMPTY", "CellProblem", "Converter", "converter_for", "unquote_csv_text"]


class _Empty:
    def __repr__(self) -> str:
        return "EMPTY"


#: An empty cell: the field is left out, so the model's default applies.
EMPTY: Any = _Empty()


class CellProblem(Exception):
    """One cell's value cannot be used; the message is shown with the cell's location."""


Converter = Callable[[Any], Any]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INTEGER = re.compile(r"^[-+]?\d+(?:\.0*)?$")  # "2021" or "2021.0" (written by some tools)
_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0"})


def unquote_csv_text(text: str) -> str:
    """Undo the CSV-injection prefix that export adds (``'=x`` -> ``=x``, ``''x`` -> ``'x``)."""
    return unquote_csv(text)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, datetime) and value.time() == time(0):
        return f"the date {value.date().isoformat()}"
    if isinstance(value, datetime | date):
        return f"the date {value.isoformat()}"
    return shown(value)


def _number_text(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _id(value: Any) -> Any:
    if type(value) is str:
        text = value.strip()
        return text if text else EMPTY
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CellProblem(f"{_describe(value)} is not an id: {ID_HELP}")
    raise CellProblem(
        f"{_describe(value)} is a number, but ids are text: format the column as Text "
        "and type the id again"
    )


def too_long(text: str) -> CellProblem:
    return CellProblem(
        f"the text has {len(text):,} characters, more than the {MAX_TEXT:,} an Excel cell "
        "holds: shorten it (xlreport never cuts text)"
    )


def _text(value: Any) -> Any:
    if type(value) is str:
        if len(value) > MAX_TEXT:
            raise too_long(value)
        return value if value else EMPTY
    if isinstance(value, bool):
        raise CellProblem(f"{_describe(value)} is a boolean, but this column holds text")
    if isinstance(value, int | float):
        return _number_text(float(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise CellProblem(f"{shown(value)} is not text")


def _code(value: Any) -> Any:
    if type(value) is str:
        text = value.strip()
        return text if text else EMPTY
    raise CellProblem(f"{_describe(value)} is not a code: type the code as text")


def _period(value: Any) -> Any:
    if type(value) is str:
        text = value.strip()
        return text if text else EMPTY
    if isinstance(value, float | int) and not isinstance(value, bool):
        if float(value).is_integer():
            return str(int(value))  # a year typed into a General cell
        raise CellProblem(
            f"{_describe(value)} is not a period: format the column as Text and type "
            "2023, 2024-Q2, 2024-06 or 2022-YTD06"
        )
    if isinstance(value, datetime | date):
        shown = _describe(value).removeprefix("the date ")
        raise CellProblem(
            f"a date cell ({shown}) is not a period: Excel turned the text into a date; "
            "format the column as Text and type 2024-06, 2024-Q2 or 2024"
        )
    raise CellProblem(f"{_describe(value)} is not a period")


def _deadline(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.time() != time(0):
            raise CellProblem(f"{value.isoformat()} has a time of day: a deadline is a date")
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return _period(value)


def _number(value: Any) -> Any:
    kind = type(value)
    if kind is float:
        return value
    if kind is str:
        text = value.strip()
        return text if text else EMPTY  # scaled text: parsed (and checked) by the model
    if kind is int:
        return float(value)
    raise CellProblem(f"{_describe(value)} is not a number")


def _integer(value: Any) -> Any:
    kind = type(value)
    if kind is float:
        if value.is_integer():
            return int(value)
        raise CellProblem(f"{_describe(value)} is not a whole number")
    if kind is int:
        return value
    if kind is str:
        text = value.strip()
        if not text:
            return EMPTY
        if _INTEGER.match(text):
            return int(float(text)) if "." in text else int(text)
        raise CellProblem(f"{shown(value)} is not a whole number")
    raise CellProblem(f"{_describe(value)} is not a whole number")


def _boolean(value: Any) -> Any:
    kind = type(value)
    if kind is bool:
        return value
    if kind is str:
        text = value.strip().lower()
        if not text:
            return EMPTY
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    elif kind in (float, int) and value in (0, 1):
        return bool(value)
    raise CellProblem(f"{_describe(value)} is not TRUE or FALSE (1 or 0 are accepted too)")


def _date(value: Any) -> Any:
    kind = type(value)
    if kind is date:
        return value
    if kind is datetime:
        if value.time() != time(0):
            raise CellProblem(f"{value.isoformat()} has a time of day: enter the date only")
        return value.date()
    if kind is str:
        text = value.strip()
        if not text:
            return EMPTY
        if _ISO_DATE.match(text):
            try:
                return date.fromisoformat(text)
            except ValueError as exc:
                raise CellProblem(f"{shown(value)} is not a valid date ({exc})") from None
        raise CellProblem(f"{shown(value)} is not a date: use a date cell or YYYY-MM-DD")
    if kind in (float, int):
        raise CellProblem(
            f"{_describe(value)} is a number, not a date: format the cell as a date or "
            "type YYYY-MM-DD"
        )
    raise CellProblem(f"{_describe(value)} is not a date: use a date cell or YYYY-MM-DD")


def _choice(column: Column) -> Converter:
    allowed = {c.lower(): c for c in column.choices}
    listing = ", ".join(column.choices)

    def convert(value: Any) -> Any:
        if type(value) is str:
            text = value.strip()
            if not text:
                return EMPTY
            found = allowed.get(text.lower())
            if found is not None:
                return found
            raise CellProblem(f"{shown(value)} is not one of: {listing}")
        raise CellProblem(f"{_describe(value)} is not one of: {listing}")

    return convert


_BY_KIND: dict[ColumnKind, Converter] = {
    ColumnKind.ID: _id,
    ColumnKind.TEXT: _text,
    ColumnKind.PERIOD: _period,
    ColumnKind.DEADLINE: _deadline,
    ColumnKind.UNIT: _code,
    ColumnKind.CURRENCY: _code,
    ColumnKind.NUMBER: _number,
    ColumnKind.INTEGER: _integer,
    ColumnKind.BOOLEAN: _boolean,
    ColumnKind.DATE: _date,
}


def converter_for(column: Column) -> Converter:
    if column.kind is ColumnKind.CHOICE:
        return _choice(column)
    return _BY_KIND[column.kind]
