"""Vectorised rate look-ups on one pair's series: daily with fallback, period averages, end.

The rules, the same for every source:

- **daily**: the rate published on the day asked, or else on the last day published
  *before* it (never after), at most ``max_gap_days`` earlier (7 for the ECB). A day
  before the first rate, or further than that from the last published one (a file older
  than the date, a suspended currency), has no rate.
- **month-average / year-average**: the arithmetic mean of the *daily cross rates*
  published in the period (the cross of each day, then the mean; not the cross of two
  averages).
- **end-of-period**: the last rate published in the period, with its day.

A period rate needs the whole period covered: at least one rate in it, no stretch of more
than ``max_gap_days`` without one (counted from the period's first day to its last), and a
rate dated on or after the period's last *weekday* somewhere in the series, so that a month
still in progress is never averaged as if it were complete. (Reference rates are published
on weekdays: October 2026 ends on a Saturday and is complete with Friday the 30th.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "DailyMap",
    "PairSeries",
    "PeriodLookup",
    "build_daily_map",
    "explain_daily",
    "explain_period",
    "look_up_daily",
    "look_up_periods",
]

NAT = np.datetime64("NaT", "D")


@dataclass(frozen=True)
class DailyMap:
    """The daily rule precomputed for every calendar day from the first publication to
    ``max_gap_days`` after the last: the rate and the day it was published (NaN/NaT where
    the rule gives nothing). Looking up a column is then one gather."""

    first: np.datetime64
    rate: np.ndarray  # float64
    used: np.ndarray  # datetime64[D]


@dataclass(frozen=True)
class PairSeries:
    """One pair in one source: publication days and rates (``to`` per ``frm``)."""

    days: np.ndarray  # datetime64[D], increasing
    rates: np.ndarray  # float64
    max_gap_days: int
    daily: DailyMap | None = None


def build_daily_map(days: np.ndarray, rates: np.ndarray, max_gap_days: int) -> DailyMap | None:
    """Apply the daily rule (searchsorted, gap limit) once to every calendar day."""
    if len(days) == 0:
        return None
    span = int((days[-1] - days[0]).astype(np.int64)) + 1 + max_gap_days
    calendar = days[0] + np.arange(span).astype("timedelta64[D]")
    index = np.searchsorted(days, calendar, side="right") - 1
    used = days[index]
    ok = (calendar - used).astype(np.int64) <= max_gap_days
    rate = np.where(ok, rates[index], np.nan)
    used = np.where(ok, used, NAT)
    rate.setflags(write=False)
    used.setflags(write=False)
    return DailyMap(days[0], rate, used)


@dataclass(frozen=True)
class PeriodLookup:
    rate: np.ndarray  # float64, NaN where not available
    used: np.ndarray  # datetime64[D]: the day used (daily, end-of-period), else NaT
    ok: np.ndarray  # bool
    count: np.ndarray  # int: number of daily rates behind each value


def look_up_daily(series: PairSeries, days: np.ndarray) -> PeriodLookup:
    """The daily rule for every day in ``days`` (datetime64[D]) at once."""
    n = len(days)
    if len(series.days) == 0:
        return PeriodLookup(
            np.full(n, np.nan), np.full(n, NAT), np.zeros(n, bool), np.zeros(n, int)
        )
    if series.daily is not None:
        dmap = series.daily
        offset = (days - dmap.first).astype(np.int64)
        inside = (offset >= 0) & (offset < len(dmap.rate))
        at = np.clip(offset, 0, len(dmap.rate) - 1)
        rate = np.where(inside, dmap.rate[at], np.nan)
        ok = ~np.isnan(rate)
        used = np.where(ok, dmap.used[at], NAT)
        return PeriodLookup(rate, used, ok, ok.astype(np.int8))
    idx = np.searchsorted(series.days, days, side="right") - 1
    known = idx >= 0
    clipped = np.maximum(idx, 0)
    used = series.days[clipped]
    gap = (days - used).astype("timedelta64[D]").astype(np.int64)
    ok = known & (gap <= series.max_gap_days)
    rate = np.where(ok, series.rates[clipped], np.nan)
    return PeriodLookup(rate, np.where(ok, used, NAT), ok, ok.astype(int))


def _last_weekday(end: np.datetime64) -> np.datetime64:
    """The last Monday-to-Friday day on or before ``end``."""
    return np.busday_offset(end.astype("datetime64[D]"), 0, roll="backward")


def _period_covered(series: PairSeries, start: np.datetime64, end: np.datetime64) -> bool:
    lo = np.searchsorted(series.days, start, side="left")
    hi = np.searchsorted(series.days, end, side="right")
    if hi <= lo or series.days[-1] < _last_weekday(end):
        return False
    points = np.concatenate([[start], series.days[lo:hi], [end]]).astype("datetime64[D]")
    return int(np.diff(points).astype(np.int64).max()) <= series.max_gap_days


def look_up_periods(
    series: PairSeries, starts: np.ndarray, ends: np.ndarray, *, how: str
) -> PeriodLookup:
    """Mean (``how="mean"``) or last (``how="last"``) rate of each period [start, end]."""
    n = len(starts)
    rate = np.full(n, np.nan)
    used = np.full(n, NAT)
    ok = np.zeros(n, bool)
    count = np.zeros(n, int)
    if len(series.days) == 0:
        return PeriodLookup(rate, used, ok, count)
    los = np.searchsorted(series.days, starts, side="left")
    his = np.searchsorted(series.days, ends, side="right")
    for k in range(n):  # one iteration per distinct period, not per row
        if not _period_covered(series, starts[k], ends[k]):
            continue
        lo, hi = los[k], his[k]
        ok[k] = True
        count[k] = hi - lo
        if how == "mean":
            rate[k] = float(np.mean(series.rates[lo:hi]))
        else:
            rate[k] = series.rates[hi - 1]
            used[k] = series.days[hi - 1]
    return PeriodLookup(rate, used, ok, count)


def _coverage(series: PairSeries) -> str:
    if len(series.days) == 0:
        return "it has no days on which both currencies were published"
    return f"its rates for this pair run from {series.days[0]} to {series.days[-1]}"


def explain_daily(series: PairSeries, day: np.datetime64) -> str:
    """Why the daily rule found no rate for ``day`` (assumes it found none)."""
    cover = _coverage(series)
    if len(series.days) == 0 or day < series.days[0]:
        return f"no rate on or before {day}: {cover}"
    idx = int(np.searchsorted(series.days, day, side="right")) - 1
    last = series.days[idx]
    gap = int((day - last).astype(np.int64))
    if idx == len(series.days) - 1:
        return (
            f"no rate for {day}: the last published rate is dated {last}, {gap} days "
            f"earlier, beyond the {series.max_gap_days}-day fallback limit ({cover})"
        )
    return (
        f"no rate for {day}: nothing was published between {last} and "
        f"{series.days[idx + 1]}, a gap longer than the {series.max_gap_days}-day fallback "
        f"limit ({cover})"
    )


def explain_period(series: PairSeries, label: str, start: np.datetime64, end: np.datetime64) -> str:
    """Why a period rate is not available for ``label`` (assumes it is not)."""
    cover = _coverage(series)
    if len(series.days) == 0:
        return f"no rate for {label}: {cover}"
    if series.days[-1] < _last_weekday(end):
        return (
            f"no rate for {label}: the period ends on {end} but the last published rate is "
            f"dated {series.days[-1]}, so the period is not complete in this source "
            f"({cover})"
        )
    lo = int(np.searchsorted(series.days, start, side="left"))
    hi = int(np.searchsorted(series.days, end, side="right"))
    if hi <= lo:
        before = " (it lies before the first rate)" if lo == 0 else ""
        return f"no rate for {label}: nothing was published in the period{before} ({cover})"
    if lo == 0 and int((series.days[0] - start).astype(np.int64)) > series.max_gap_days:
        return f"no rate for {label}: the period starts before the first rate ({cover})"
    return (
        f"no rate for {label}: the source published no rate for more than "
        f"{series.max_gap_days} days within the period, so an average or period-end rate "
        f"would not represent it ({cover})"
    )
