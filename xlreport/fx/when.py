"""What a conversion is dated by: days, or periods (months ``YYYY-MM``, years ``YYYY``).

:func:`parse_when` turns a column of dates or period labels into numpy arrays once, so
that a million rows cost one vectorised parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from xlreport.errors import FxError

__all__ = ["Basis", "When", "default_basis", "parse_basis", "parse_when", "period_bounds"]


class Basis(StrEnum):
    DAILY = "daily"
    MONTH_AVERAGE = "month-average"
    YEAR_AVERAGE = "year-average"
    END_OF_PERIOD = "end-of-period"


def parse_basis(basis: str | Basis) -> Basis:
    try:
        return Basis(str(basis).strip().lower())
    except ValueError:
        raise FxError(
            f"unknown basis {basis!r}: use one of {', '.join(b.value for b in Basis)}"
        ) from None


def default_basis(flow: bool, *, period: str = "year") -> Basis:
    """Flows (output, investment over a period) at the period average; stocks at its end."""
    if not flow:
        return Basis.END_OF_PERIOD
    return Basis.MONTH_AVERAGE if period == "month" else Basis.YEAR_AVERAGE


@dataclass(frozen=True)
class When:
    """Parsed dating of rows: ``kind`` is "day", "month" or "year"; ``values`` numpy dates."""

    kind: str
    values: np.ndarray  # datetime64[D], [M] or [Y]

    def __len__(self) -> int:
        return len(self.values)


_UNIT = {"day": "D", "month": "M", "year": "Y"}
_PATTERNS = {
    "day": r"\d{4}-\d{2}-\d{2}",
    "month": r"\d{4}-\d{2}",
    "year": r"\d{4}",
}


def period_bounds(when: When) -> tuple[np.ndarray, np.ndarray]:
    """First and last day of each month or year."""
    start = when.values.astype("datetime64[D]")
    end = (when.values + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
    return start, end


def label(kind: str, value: np.datetime64) -> str:
    return str(value.astype(f"datetime64[{_UNIT[kind]}]"))


def _row_error(i: int, value: Any, n: int, message: str) -> FxError:
    where = f"row {i + 1}: " if n > 1 else ""
    return FxError(f"{where}{value!r} {message}")


def _parse_text(text: pd.Series, n: int) -> When:
    for kind, pattern in _PATTERNS.items():
        match = text.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
        if match.all():
            fmt = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}[kind]
            parsed = pd.to_datetime(text, format=fmt, errors="coerce")
            bad = np.flatnonzero(parsed.isna().to_numpy())
            if len(bad):
                i = int(bad[0])
                raise _row_error(i, text.iloc[i], n, f"is not a valid {kind}")
            values = parsed.to_numpy(dtype="datetime64[ns]").astype(f"datetime64[{_UNIT[kind]}]")
            return When(kind, values)
        if match.any() and kind == "day":
            i = int(np.flatnonzero(~match)[0])
            raise _row_error(i, text.iloc[i], n, "is not a date YYYY-MM-DD like the other rows")
    i = 0
    raise _row_error(
        i, text.iloc[i], n, "is not a date (YYYY-MM-DD), a month (YYYY-MM) or a year (YYYY)"
    )


def parse_when(values: Iterable[Any] | np.ndarray | pd.Series | pd.Index) -> When:
    """Parse dates (date, datetime, numpy/pandas datetimes, ``YYYY-MM-DD``) or period labels.

    All rows must be of one kind. Missing values are an error naming the row.
    """
    if isinstance(values, np.ndarray) and np.issubdtype(values.dtype, np.datetime64):
        arr = values
    elif isinstance(values, pd.Series | pd.Index) and pd.api.types.is_datetime64_any_dtype(values):
        arr = np.asarray(values.to_numpy(dtype="datetime64[ns]"))
    else:
        items = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
        items = items.reset_index(drop=True)
        n = len(items)
        if n == 0:
            return When("day", np.array([], dtype="datetime64[D]"))
        missing = np.flatnonzero(items.isna().to_numpy())
        if len(missing):
            i = int(missing[0])
            raise _row_error(i, items.iloc[i], n, "is missing: every row needs a date")
        first = items.iloc[0]
        if isinstance(first, str):
            if not all(isinstance(v, str) for v in items):
                raise FxError("dates mix text and date values: give one kind")
            return _parse_text(items.str.strip(), n)
        if isinstance(first, int | np.integer) and not isinstance(first, bool):
            return _parse_text(items.astype(str), n)
        if not all(isinstance(v, date | np.datetime64 | pd.Timestamp) for v in items):
            i = next(i for i, v in enumerate(items) if not isinstance(v, date | np.datetime64))
            raise _row_error(i, items.iloc[i], n, "is not a date")
        arr = pd.to_datetime(items).to_numpy(dtype="datetime64[ns]")
    bad = np.flatnonzero(np.isnat(arr))
    if len(bad):
        i = int(bad[0])
        where = f"row {i + 1}: " if len(arr) > 1 else ""
        raise FxError(f"{where}NaT is missing: every row needs a date")
    return When("day", arr.astype("datetime64[D]"))


def _parse_single(value: date | datetime | str | int, want: str, hint: str) -> When:
    """One day, month or year from the scalar API, parsed without pandas."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if want != "day":
            raise FxError(f"{want} {value!r} is not a {want}: write {hint}")
        return When("day", np.array([value], dtype="datetime64[D]"))
    text = str(value).strip()
    if isinstance(value, bool) or not re.fullmatch(_PATTERNS[want], text):
        raise FxError(f"{want} {value!r} is not a {want}: write {hint}")
    try:
        parsed = np.array([text], dtype=f"datetime64[{_UNIT[want]}]")
    except ValueError:
        raise FxError(f"{want} {value!r} is not a valid {want}: write {hint}") from None
    return When(want, parsed)


def parse_one(
    *, date_: date | datetime | str | None, month: str | None, year: int | str | None
) -> When | None:
    """The ``date=``/``month=``/``year=`` arguments of the scalar API (at most one)."""
    given = [v for v in (date_, month, year) if v is not None]
    if len(given) > 1:
        raise FxError("give at most one of date, month and year")
    if date_ is not None:
        return _parse_single(date_, "day", "YYYY-MM-DD")
    if month is not None:
        return _parse_single(month, "month", "YYYY-MM")
    if year is not None:
        return _parse_single(year, "year", "YYYY")
    return None
