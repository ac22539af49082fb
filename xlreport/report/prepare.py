"""Data preparation: a Dataset, a month and an as-of date -> the frames each section shows.

Nothing here computes progress or converts currency by itself: progress comes from
:func:`xlreport.progress.compute_progress`, rates and converted amounts from
:class:`xlreport.fx.RateBook`, the documents' conversions from
:func:`xlreport.fx.audit_conversions`. This module selects, joins and sorts.

"Changes since the previous month" are

* the observations published within the month (up to the as-of date): *new*, or
  *revised* when the same indicator and period already had an older vintage;
* the targets whose status differs between the previous month-end and the as-of date,
  each status computed by the progress engine at its own date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from xlreport.errors import DataError, RateNotAvailableError
from xlreport.frames import (
    current_observations_frame,
    observations_frame,
    sort_key,
    targets_frame,
    without_unit_mismatches,
)
from xlreport.fx import Provisional, RateBook, audit_conversions
from xlreport.model import Dataset
from xlreport.period import Month, Period, PeriodKind, date_time
from xlreport.progress import compute_progress, format_amount
from xlreport.quantity import UnitKind, unit_kind
from xlreport.report.labels import qualified

__all__ = [
    "ReportData",
    "ReportInputs",
    "check_month",
    "collect_inputs",
    "month_bounds",
    "parse_month",
    "prepare_inputs",
    "prepare_report",
]


def parse_month(text: str) -> tuple[int, int]:
    """``"2024-05"`` -> ``(2024, 5)``; raises DataError saying the form expected."""
    m = Month.parse(text)
    return m.year, m.month


def month_bounds(month: str) -> tuple[date, date]:
    """First and last day of a ``YYYY-MM`` month."""
    m = Month.parse(month)
    return m.first_day, m.last_day


@dataclass(frozen=True)
class ReportData:
    """Everything a template can show, for one month as of one date."""

    month: str
    as_of: date
    generated_at: datetime
    currency: str
    data_vintage: date | None
    rate_source: str
    tolerance: float
    plans: pd.DataFrame  # id, name, issuer, region, start_year, end_year, source_id, note
    #: one row per target: compute_progress columns + target fields + conversion columns
    targets: pd.DataFrame
    report_rate: dict[str, Any]  # the RateQuote of targets' conversion (as a dict)
    rates_used: pd.DataFrame  # frm, to, basis, period, rate, date_used, source, used_for
    audit: pd.DataFrame  # audit_conversions
    observations: pd.DataFrame  # in force as of the date, with period_time; texts as categories
    published_in_month: pd.DataFrame  # change (new/revised), previous_value, ...
    status_changes: pd.DataFrame  # target_id, plan_id, name, previous_status, status, ...
    previous_as_of: date
    sources: pd.DataFrame
    series: dict[str, pd.DataFrame] = field(default_factory=dict)  # target -> time series


def _target_text(row: dict[str, Any]) -> str:
    unit = row["unit"] if isinstance(row["unit"], str) else None
    if row["kind"] == "milestone":
        return f"by {row['deadline']}"
    if row["comparator"] == "range":
        return f"{format_amount(row['low'], None)} to {format_amount(row['high'], unit)}"
    words = {"at_least": "at least", "more_than": "more than", "at_most": "at most"}
    prefix = words.get(row["comparator"], "about" if row["comparator"] == "about" else "")
    return f"{prefix} {format_amount(row['target_value'], unit)}".strip()


def _rate_label(period: Period) -> tuple[str, str]:
    """The basis and period label of the rate that converts a flow of ``period``."""
    if period.kind is PeriodKind.YEAR:
        return "year-average", str(period.year)
    if period.kind is PeriodKind.SPAN:
        return "year-average", str(period.sub)
    end = period.end
    return "month-average", f"{end:%Y-%m}"


def _report_quote(
    book: RateBook,
    frm: str,
    currency: str,
    as_of: date,
    source: str | None,
    what: str = "the month's end",
) -> dict[str, Any]:
    """The rate targets convert at: the daily reference rate of the as-of date (the last
    published day before it when it had none; ``date_used`` says which). When the source
    has not published up to the as-of date yet, the last published rate, and
    ``provisional`` says so (otherwise None)."""
    if frm == currency:
        return {
            "frm": frm,
            "to": currency,
            "rate": 1.0,
            "date_used": as_of,
            "period": None,
            "basis": "same currency",
            "source": "none",
            "provisional": None,
        }
    found, late = book.daily_or_latest(frm, currency, as_of, source=source)
    quote = found.as_dict()
    quote["frm"] = quote.pop("from")
    quote["provisional"] = late.describe(what) if late is not None else None
    return quote


def _convert_targets(
    frame: pd.DataFrame,
    book: RateBook,
    currency: str,
    as_of: date,
    source: str | None,
    what: str = "the month's end",
) -> tuple[pd.DataFrame, dict[str, Any], list[dict[str, Any]]]:
    """Add ``rate``, ``rate_note``, ``latest_value_report``, ``latest_value_period_rate``,
    ``target_value_report`` and ``target_rate``.

    The target and the latest actual beside it convert at the as-of date's reference
    rate (one rate for the whole report, so their ratio is the same in either
    currency); ``latest_value_period_rate`` is the actual (a flow over its period) at
    its period's average rate.
    Only amounts in a currency are converted; other rows stay blank.
    """
    n = len(frame)
    rate = np.full(n, np.nan)
    latest_report = np.full(n, np.nan)
    target_report = np.full(n, np.nan)
    target_rate = np.full(n, np.nan)
    note = np.full(n, "", dtype=object)
    used: list[dict[str, Any]] = []
    units = frame["unit"].to_numpy(dtype=object)
    is_money = np.array(
        [isinstance(u, str) and unit_kind(u) is UnitKind.CURRENCY for u in units], dtype=bool
    )
    report_quotes: dict[str, dict[str, Any]] = {}
    for unit in sorted({u for u, m in zip(units, is_money, strict=True) if m}):
        quote = _report_quote(book, unit, currency, as_of, source, what)
        report_quotes[unit] = quote
        used.append({**quote, "used_for": f"targets in {unit}"})
        rows = np.flatnonzero(units == unit)
        amounts = frame["target_value"].to_numpy(dtype=float)[rows]
        target_report[rows] = amounts * quote["rate"]
        target_rate[rows] = quote["rate"]
        # latest actuals, grouped by the rate that converts them
        latest = frame["latest_value"].to_numpy(dtype=float)[rows]
        periods = frame["latest_period"].to_numpy(dtype=object)[rows]
        groups: dict[tuple[str, str], list[int]] = {}
        for i, (value, period) in enumerate(zip(latest, periods, strict=True)):
            if np.isfinite(value) and isinstance(period, str):
                groups.setdefault(_rate_label(Period.parse(period)), []).append(i)
        for (basis, label), members in sorted(groups.items()):
            idx = rows[members]
            if unit == currency:
                conv = pd.DataFrame({"rate": np.ones(len(idx)), "result": latest[members]})
            else:
                conv, late = _convert_period(
                    book, latest[members], unit, currency, label, basis, source
                )
                first = conv.iloc[0]
                used.append(
                    {
                        "frm": unit,
                        "to": currency,
                        "rate": float(first["rate"]),
                        "date_used": late.used if late is not None else None,
                        "period": label,
                        "basis": basis if late is None else "daily (latest published)",
                        "source": first["source"],
                        "used_for": f"latest actuals for {label} ({len(idx)})",
                        "provisional": late.describe(f"the end of {label}") if late else None,
                    }
                )
            rate[idx] = conv["rate"].to_numpy(dtype=float)
            latest_report[idx] = conv["result"].to_numpy(dtype=float)
            note[idx] = f"{label} {basis.replace('-', ' ')}"
    out = frame.copy()
    out["rate"] = rate
    out["rate_note"] = note
    out["latest_value_period_rate"] = latest_report
    out["latest_value_report"] = frame["latest_value"].to_numpy(dtype=float) * target_rate
    out["target_value_report"] = target_report
    out["target_rate"] = target_rate
    report_rate = report_quotes.get("CNY") or next(iter(report_quotes.values()), None)
    if report_rate is None:  # no amounts at all: still show the reference rate
        report_rate = _report_quote(book, "CNY", currency, as_of, source, what)
        used.append({**report_rate, "used_for": "reference (no amounts)"})
    if not report_rate.get("provisional"):
        late = next((u["provisional"] for u in used if u.get("provisional")), None)
        report_rate = {**report_rate, "provisional": late}
    return out, report_rate, used


def _convert_period(
    book: RateBook,
    amounts: np.ndarray,
    frm: str,
    to: str,
    label: str,
    basis: str,
    source: str | None,
) -> tuple[pd.DataFrame, Provisional | None]:
    """Amounts of one period at the period's average rate; while the source has not
    published the whole period yet, at its last published daily rate (provisional)."""
    try:
        frame = book.convert_column(
            amounts, frm, to, [label] * len(amounts), basis=basis, source=source
        )
        return frame, None
    except RateNotAvailableError:
        period_end = Period.parse(label).end
        if book.covers(frm, to, period_end, source=source):
            raise  # a real gap in the source, not a period still being published
        quote, late = book.daily_or_latest(frm, to, period_end, source=source)
    frame = pd.DataFrame({"rate": np.full(len(amounts), quote.rate)})
    frame["result"] = amounts * quote.rate
    frame["source"] = quote.source
    return frame, late


def _changes(obs: pd.DataFrame, start: date, end: date, targets: pd.DataFrame) -> pd.DataFrame:
    """Observations published in [start, end]: new, or revised (an older vintage existed)."""
    published = obs["published"]
    inside = (published >= pd.Timestamp(start)) & (published <= pd.Timestamp(end))
    cols = [
        "change",
        "id",
        "indicator",
        "target_id",
        "period",
        "value",
        "previous_value",
        "unit",
        "qualifier",
        "derived",
        "source_id",
        "published",
        "note",
    ]
    month_obs = obs[inside]
    if month_obs.empty:
        return pd.DataFrame(columns=cols)
    older = obs[["indicator", "period", "published", "value"]].rename(
        columns={"published": "older_published", "value": "older_value"}
    )
    joined = month_obs.reset_index().merge(older, on=["indicator", "period"], how="left")
    joined = joined[joined["older_published"] < joined["published"]]
    joined = joined.sort_values(["index", "older_published"], kind="mergesort")
    previous = joined.drop_duplicates("index", keep="last").set_index("index")["older_value"]
    out = month_obs.copy()
    out["change"] = np.where(out.index.isin(previous.index), "revised", "new")
    out["previous_value"] = previous.reindex(out.index).to_numpy(dtype=float)
    by_indicator = targets.drop_duplicates("indicator").set_index("indicator")["id"]
    out["target_id"] = out["target_id"].where(
        out["target_id"].notna(), out["indicator"].map(by_indicator)
    )
    out = out.sort_values(["published", "indicator", "period", "id"], kind="mergesort")
    return out[cols].reset_index(drop=True)


def _sorted_by(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """``frame`` stably sorted by ``columns`` (none of them missing), index reset."""
    keys = [sort_key(frame[c]) for c in reversed(columns)]  # lexsort: last key first
    return frame.take(np.lexsort(keys)).reset_index(drop=True)


def _series(inforce: pd.DataFrame, progress: pd.DataFrame, max_targets: int) -> dict[str, Any]:
    """Time series of the actuals the engine assesses (full years, or any period for
    percentages), for level-like targets with at least two points and a reference; the
    first ``max_targets`` such targets in report order."""
    if max_targets <= 0:
        return {}
    valued = inforce[inforce["value"].notna()]
    full = (
        (valued["period_kind"] == "year")
        | ((valued["period_kind"] == "ytd") & (valued["period_sub"] == 12))
    ).to_numpy()
    # positions of each indicator's observations, found by number
    codes, uniques = pd.factorize(valued["indicator"].to_numpy(dtype=object))
    by_code = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[by_code], np.arange(len(uniques) + 1))
    where = {u: by_code[bounds[i] : bounds[i + 1]] for i, u in enumerate(uniques)}
    out: dict[str, pd.DataFrame] = {}
    candidates = progress[
        progress["kind"].isin(["level", "multiple", "share"])
        & progress["reference_value"].notna()
        & progress["target_value"].notna()
    ]
    for target_id, indicator, unit in zip(
        candidates.index, candidates["indicator"], candidates["unit"], strict=True
    ):
        positions = where.get(indicator)
        if positions is None:
            continue
        if unit != "percent":
            positions = positions[full[positions]]
        if len(positions) < 2:
            continue
        mine = _sorted_by(valued.iloc[positions], "period_time", "published", "id")
        mine = mine.drop_duplicates("period_time", keep="last")
        if len(mine) >= 2:
            out[str(target_id)] = mine[["period", "period_time", "value"]].reset_index(drop=True)
            if len(out) >= max_targets:
                break
    return out


@dataclass(frozen=True)
class ReportInputs:
    """What a report needs from a Dataset, as frames and plain rows.

    Built by :func:`collect_inputs`; once it exists the Dataset can be released.
    """

    as_of: date
    targets: pd.DataFrame  # targets_frame
    observations: pd.DataFrame  # observations_frame, published on or before as_of
    plans: list[dict[str, Any]]  # Plan.model_dump() of every plan
    sources: list[dict[str, Any]]  # Source.model_dump() of every source
    audit: pd.DataFrame  # audit_conversions


def collect_inputs(
    ds: Dataset,
    *,
    as_of: date,
    book: RateBook,
    rate_source: str | None = None,
    observations: pd.DataFrame | None = None,
) -> ReportInputs:
    """Everything :func:`prepare_inputs` reads from ``ds`` (which it no longer needs).

    ``observations``: the observations frame when it was built without model objects
    (:meth:`xlreport.store.Store.load_for_frames`); ``ds``'s observations are then not read.
    """
    obs = observations_frame(ds) if observations is None else observations
    visible = obs["published"] <= pd.Timestamp(as_of)
    if not visible.all():
        obs = obs[visible].reset_index(drop=True)
    return ReportInputs(
        as_of=as_of,
        targets=targets_frame(ds),
        observations=obs,
        plans=[p.model_dump() for p in ds.plans],
        sources=[s.model_dump() for s in ds.sources],
        audit=audit_conversions(ds, book, source=rate_source),
    )


def check_month(month: str, as_of: date) -> tuple[date, date]:
    """The month's first and last day; DataError when ``as_of`` is before the month."""
    start, end = month_bounds(month)
    if as_of < start:
        raise DataError(f"as-of date {as_of} is before the report month {month}")
    return start, end


def prepare_report(
    ds: Dataset,
    *,
    month: str,
    as_of: date,
    currency: str,
    book: RateBook,
    generated_at: datetime,
    data_vintage: date | None,
    tolerance: float = 0.05,
    plans: list[str] | None = None,
    rate_source: str | None = None,
    max_series: int = 12,
) -> ReportData:
    """Run the engines and shape their output for the report's sections."""
    check_month(month, as_of)
    inputs = collect_inputs(ds, as_of=as_of, book=book, rate_source=rate_source)
    return prepare_inputs(
        inputs,
        month=month,
        currency=currency,
        book=book,
        generated_at=generated_at,
        data_vintage=data_vintage,
        tolerance=tolerance,
        plans=plans,
        rate_source=rate_source,
        max_series=max_series,
    )


#: the columns of ReportData.observations (what the appendix and charts read)
_INFORCE_COLUMNS = (
    "id",
    "indicator",
    "target_id",
    "period",
    "period_time",
    "value",
    "unit",
    "qualifier",
    "source_id",
    "published",
)


#: text columns of ReportData.observations held as categories
_REPEATED_TEXT = ("indicator", "target_id", "period", "unit", "qualifier", "source_id")


def prepare_inputs(
    inputs: ReportInputs,
    *,
    month: str,
    currency: str,
    book: RateBook,
    generated_at: datetime,
    data_vintage: date | None,
    tolerance: float = 0.05,
    plans: list[str] | None = None,
    rate_source: str | None = None,
    max_series: int = 12,
) -> ReportData:
    """:func:`prepare_report` from inputs already collected (the Dataset released)."""
    as_of = inputs.as_of
    start, end = check_month(month, as_of)
    known_plans = [p["id"] for p in inputs.plans]
    if plans:
        unknown = [p for p in plans if p not in known_plans]
        if unknown:
            raise DataError(
                f"unknown plan id(s) {', '.join(unknown)}; known: {', '.join(known_plans)}"
            )
    tg, obs = inputs.targets, inputs.observations
    if plans:  # only the plans shown: another plan's bad row cannot stop this report
        tg = tg[tg["plan_id"].isin(plans)]
    obs = without_unit_mismatches(tg, obs)
    progress = compute_progress(tg, obs, as_of, tolerance=tolerance)
    previous_as_of = start - timedelta(days=1)
    before = compute_progress(tg, obs, previous_as_of, tolerance=tolerance)[
        ["status", "share_achieved"]
    ]

    fields = tg.set_index("id")[
        [
            "indicator",
            "low",
            "high",
            "baseline_value",
            "baseline_period",
            "note",
            "deadline_time",
            "source_id",
        ]
    ]
    frame = progress.join(fields, how="left")
    frame["as_of_time"] = as_of_time(as_of)  # the as-of clock's position, for formulas
    frame["target_text"] = [_target_text(r) for r in frame.reset_index().to_dict("records")]
    frame["target_id"] = frame.index
    if plans:
        frame = frame[frame["plan_id"].isin(plans)]
    what = "the month's end" if as_of == end else f"the as-of date {as_of}"
    frame, report_rate, used = _convert_targets(frame, book, currency, as_of, rate_source, what)

    changed = (before["status"] != progress["status"]).reindex(frame.index)
    sc = frame.loc[changed.to_numpy(), ["plan_id", "name", "status", "share_achieved"]].copy()
    sc.insert(2, "previous_status", before["status"].reindex(sc.index).to_numpy())
    sc.insert(4, "previous_share", before["share_achieved"].reindex(sc.index).to_numpy())
    sc = sc.reset_index().rename(columns={"index": "target_id"})

    inforce = current_observations_frame(obs, as_of)
    # the engine gives the reader's word ("nearly"); a stored code would become one too
    for col in ("latest_qualifier", "assessed_qualifier", "reference_qualifier"):
        frame[col] = [qualified(q) or None for q in frame[col]]
    window_end = min(end, as_of)
    changes = _changes(obs, start, window_end, tg)
    names = _indicator_names(tg)
    changes["indicator_name"] = _named(changes["indicator"], names)
    plan_rows = [p for p in inputs.plans if not plans or p["id"] in plans]
    series = _series(inforce, frame, max_series)
    # only the columns the sheets show: the full frame's other columns are not kept
    inforce_sorted = _sorted_by(inforce[list(_INFORCE_COLUMNS)], "indicator", "period_time", "id")
    # a few distinct texts repeated over every row: one copy of each instead of one a row
    for col in _REPEATED_TEXT:
        inforce_sorted[col] = inforce_sorted[col].astype("category")
    inforce_sorted["indicator_name"] = _named(inforce_sorted["indicator"], names).astype("category")
    return ReportData(
        month=month,
        as_of=as_of,
        generated_at=generated_at,
        currency=currency,
        data_vintage=data_vintage,
        rate_source=rate_source or book.default_source,
        tolerance=tolerance,
        plans=pd.DataFrame(plan_rows),
        targets=frame,
        report_rate=report_rate,
        rates_used=pd.DataFrame(used),
        audit=inputs.audit,
        observations=inforce_sorted,
        published_in_month=changes,
        status_changes=sc,
        previous_as_of=previous_as_of,
        sources=pd.DataFrame(inputs.sources),
        series=series,
    )


def _indicator_names(tg: pd.DataFrame) -> pd.Series:
    """indicator id -> the name of the (first) target that tracks it."""
    first = tg.drop_duplicates("indicator")
    return pd.Series(first["name"].to_numpy(dtype=object), index=first["indicator"].to_numpy())


def _named(indicators: pd.Series, names: pd.Series) -> pd.Series:
    """The indicators' names; an indicator no target tracks is named from its id
    (``lingang.fixed-asset-investment`` -> "Fixed asset investment (lingang)")."""
    ids = indicators.astype(object)
    mapped = ids.map(names)
    return mapped.where(mapped.notna(), ids.map(_name_from_id)).astype(object)


def _name_from_id(indicator: object) -> object:
    if not isinstance(indicator, str):
        return indicator
    head, _, tail = indicator.rpartition(".")
    words = re.sub(r"[-_]+", " ", tail).strip().capitalize()
    return f"{words} ({head})" if head else words


def as_of_time(as_of: date) -> float:
    """Position of the as-of date on the time axis (for the cover)."""
    return date_time(as_of)
