"""Dataset -> pandas frames used by the computations (progress, reports, Excel functions).

Two frames, one row per record, with the model's fields under their own names plus the
positions on the time axis (:mod:`xlreport.period`) that computations need:

* :func:`targets_frame`: the target fields, ``deadline_time``, ``deadline_date``,
  ``baseline_time``, ``plan_start_year`` and ``plan_end_year``;
* :func:`observations_frame`: the observation fields, ``period_kind``, ``period_year``,
  ``period_sub``, ``period_time``, ``period_start_time``, ``period_end`` and ``period_months``.

Missing numbers are ``NaN``; missing text is ``None``/``NaN``; enums are their text values;
dates are ``datetime64``. :func:`current_observations_frame` applies the vintage rule of
:mod:`xlreport.vintage` to a whole observations frame at once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from xlreport.errors import ProgressError
from xlreport.model import Dataset, Observation, Target
from xlreport.period import PeriodKind

__all__ = [
    "OBSERVATION_COLUMNS",
    "TARGET_COLUMNS",
    "current_observations_frame",
    "observations_frame",
    "targets_frame",
]

TARGET_COLUMNS: tuple[str, ...] = (
    "id",
    "plan_id",
    "name",
    "indicator",
    "kind",
    "comparator",
    "value",
    "low",
    "high",
    "tolerance",
    "multiple",
    "unit",
    "deadline",
    "baseline_value",
    "baseline_period",
    "baseline_qualifier",
    "published_usd",
    "source_id",
    "note",
    "deadline_time",
    "deadline_date",
    "baseline_time",
    "plan_start_year",
    "plan_end_year",
)

OBSERVATION_COLUMNS: tuple[str, ...] = (
    "id",
    "indicator",
    "target_id",
    "period",
    "value",
    "growth_yoy",
    "unit",
    "qualifier",
    "cumulative",
    "source_id",
    "published",
    "derived",
    "derivation",
    "note",
    "period_kind",
    "period_year",
    "period_sub",
    "period_time",
    "period_start_time",
    "period_end",
    "period_months",
)

_FLOAT_TARGET: tuple[str, ...] = ("value", "low", "high", "tolerance", "multiple", "baseline_value")
_FLOAT_TARGET += ("published_usd", "deadline_time", "baseline_time")
_FLOAT_OBS = ("value", "growth_yoy", "period_time", "period_start_time")


def _num(x: float | None) -> float:
    return np.nan if x is None else float(x)


def _target_row(t: Target, plan_years: dict[str, tuple[float, float]]) -> dict[str, Any]:
    start, end = plan_years.get(t.plan_id, (np.nan, np.nan))
    return {
        "id": t.id,
        "plan_id": t.plan_id,
        "name": t.name,
        "indicator": t.indicator,
        "kind": t.kind.value,
        "comparator": None if t.comparator is None else t.comparator.value,
        "value": _num(t.value),
        "low": _num(t.low),
        "high": _num(t.high),
        "tolerance": _num(t.tolerance),
        "multiple": _num(t.multiple),
        "unit": t.unit,
        "deadline": t.deadline,
        "baseline_value": _num(t.baseline_value),
        "baseline_period": t.baseline_period,
        "baseline_qualifier": t.baseline_qualifier.value,
        "published_usd": _num(t.published_usd),
        "source_id": t.source_id,
        "note": t.note,
        "deadline_time": t.deadline_time,
        "deadline_date": t.deadline_date,
        "baseline_time": np.nan if t.baseline_period is None else t.baseline_period_time,
        "plan_start_year": start,
        "plan_end_year": end,
    }


def targets_frame(ds: Dataset) -> pd.DataFrame:
    """One row per target (RangeIndex), columns :data:`TARGET_COLUMNS`.

    ``plan_start_year`` is ``NaN`` when the plan does not state it; ``baseline_time`` is
    ``NaN`` when the target has no baseline.
    """
    plan_years = {
        p.id: (np.nan if p.start_year is None else float(p.start_year), float(p.end_year))
        for p in ds.plans
    }
    rows = [_target_row(t, plan_years) for t in ds.targets]
    frame = pd.DataFrame(rows, columns=list(TARGET_COLUMNS))
    for col in (*_FLOAT_TARGET, "plan_start_year", "plan_end_year"):
        frame[col] = frame[col].astype("float64")
    frame["deadline_date"] = pd.to_datetime(frame["deadline_date"]).astype("datetime64[ns]")
    return frame


def _observation_row(o: Observation) -> dict[str, Any]:
    p = o.period_obj
    if p.kind is PeriodKind.SPAN:
        start_time = float(p.year - 1)
    else:  # a period covers its months up to its end
        start_time = p.time - p.months / 12 if p.kind is not PeriodKind.YTD else p.year - 1.0
    return {
        "id": o.id,
        "indicator": o.indicator,
        "target_id": o.target_id,
        "period": o.period,
        "value": _num(o.value),
        "growth_yoy": _num(o.growth_yoy),
        "unit": o.unit,
        "qualifier": o.qualifier.value,
        "cumulative": o.cumulative,
        "source_id": o.source_id,
        "published": o.published,
        "derived": o.derived,
        "derivation": o.derivation,
        "note": o.note,
        "period_kind": p.kind.value,
        "period_year": p.year,
        "period_sub": p.sub,
        "period_time": p.time,
        "period_start_time": start_time,
        "period_end": p.end,
        "period_months": p.months,
    }


def observations_frame(ds: Dataset) -> pd.DataFrame:
    """One row per observation (all vintages; RangeIndex), columns :data:`OBSERVATION_COLUMNS`."""
    rows = [_observation_row(o) for o in ds.observations]
    frame = pd.DataFrame(rows, columns=list(OBSERVATION_COLUMNS))
    for col in _FLOAT_OBS:
        frame[col] = frame[col].astype("float64")
    for col in ("period_year", "period_sub", "period_months"):
        frame[col] = frame[col].astype("int64")
    for col in ("cumulative", "derived"):
        frame[col] = frame[col].astype("bool")
    for col in ("published", "period_end"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
    return frame


def current_observations_frame(observations: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The observations in force as of ``as_of``, in input order (index kept).

    The rule of :func:`xlreport.vintage.current_observations`, on whole columns: only rows
    published on or before ``as_of``; per (indicator, period) a stated figure beats a
    derived one, then the latest publication, then the larger id.
    """
    missing = [
        c for c in ("id", "indicator", "period", "published", "derived") if c not in observations
    ]
    if missing:
        raise ProgressError(
            f"observations frame lacks column(s) {', '.join(missing)}: "
            "build it with xlreport.frames.observations_frame(dataset)"
        )
    if not observations.index.is_unique:
        raise ProgressError(
            "observations frame has a duplicated index: pass it through reset_index(drop=True)"
        )
    visible = observations[observations["published"] <= pd.Timestamp(as_of)]
    ranked = visible.assign(_stated=~visible["derived"].astype(bool)).sort_values(
        ["indicator", "period", "_stated", "published", "id"], kind="mergesort"
    )
    winners = ranked.drop_duplicates(["indicator", "period"], keep="last").index
    return visible[visible.index.isin(winners)]
