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

import logging
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from xlreport.errors import DataError, ProgressError
from xlreport.model import Dataset, Target
from xlreport.period import Period, PeriodKind

__all__ = [
    "OBSERVATION_COLUMNS",
    "TARGET_COLUMNS",
    "current_observations_frame",
    "last_in_groups",
    "observations_frame",
    "sort_key",
    "targets_frame",
    "without_unit_mismatches",
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


#: the observation fields, as columns from a store (enums as their text values)
OBSERVATION_FIELDS: tuple[str, ...] = OBSERVATION_COLUMNS[: OBSERVATION_COLUMNS.index("note") + 1]


def _shared(
    values: Sequence[Any] | np.ndarray,
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], Any]:
    """(codes, object array of ``values`` with one object per distinct value, uniques).

    Missing values (None) get code -1 and stay None. A column of a few distinct texts
    (units, sources, periods) then holds a few string objects, not one a row.
    """
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    table = np.asarray(uniques, dtype=object)
    out = np.full(len(codes), None, dtype=object)
    known = codes >= 0
    out[known] = table[codes[known]]
    return codes, out, table


def _period_columns(codes: np.ndarray[Any, Any], texts: np.ndarray[Any, Any]) -> dict[str, Any]:
    """The time-axis columns of each row, computed once per distinct period."""
    parsed = [Period.parse(str(t)) for t in texts]
    per_period: dict[str, list[Any]] = {
        "period_kind": [p.kind.value for p in parsed],
        "period_year": [p.year for p in parsed],
        "period_sub": [p.sub for p in parsed],
        "period_time": [p.time for p in parsed],
        "period_start_time": [_start_time(p) for p in parsed],
        "period_end": [p.end for p in parsed],
        "period_months": [p.months for p in parsed],
    }
    dtypes = {"period_year": "int64", "period_sub": "int64", "period_months": "int64"}
    dtypes |= {"period_time": "float64", "period_start_time": "float64"}
    out: dict[str, Any] = {}
    for name, values in per_period.items():
        if name == "period_end":
            table = pd.to_datetime(pd.Series(values, dtype=object)).to_numpy("datetime64[ns]")
        elif name == "period_kind":
            table = np.asarray(values, dtype=object)
        else:
            table = np.asarray(values, dtype=dtypes[name])
        out[name] = table[codes]
    return out


def _start_time(p: Period) -> float:
    if p.kind is PeriodKind.SPAN:
        return float(p.year - 1)
    # a period covers its months up to its end
    return p.time - p.months / 12 if p.kind is not PeriodKind.YTD else p.year - 1.0


def observations_frame_from_columns(
    columns: Mapping[str, Sequence[Any] | np.ndarray],
) -> pd.DataFrame:
    """:func:`observations_frame` from the observations as columns, one sequence per name
    of :data:`OBSERVATION_FIELDS` (enums as text, missing numbers as None), as
    :meth:`xlreport.store.Store.load_for_frames` returns them: no model object a row.

    The time-axis columns are computed once per distinct period; each distinct text is
    held once. Raises :class:`~xlreport.errors.ProgressError` naming the observation
    whose period cannot be read.
    """
    missing = [c for c in OBSERVATION_FIELDS if c not in columns]
    if missing:
        raise ProgressError(f"observation columns lack {', '.join(missing)}")
    n = len(columns["id"])
    if any(len(columns[c]) != n for c in OBSERVATION_FIELDS):
        raise ProgressError("observation columns are not all of one length")
    data: dict[str, Any] = {}
    for name in OBSERVATION_FIELDS:
        values = columns[name]
        if name in _FLOAT_OBS:  # None -> NaN
            data[name] = np.asarray(values, dtype=object).astype("float64")
        elif name in ("cumulative", "derived"):
            data[name] = np.asarray(values, dtype=bool)
        elif name == "published":
            codes, _, uniques = _shared(values)
            table = pd.to_datetime(pd.Series(uniques, dtype=object)).to_numpy("datetime64[ns]")
            data[name] = table[codes]
        elif name == "period":
            codes, data[name], uniques = _shared(values)
            try:
                data |= _period_columns(codes, uniques)
            except DataError as exc:
                bad = next(i for i, v in enumerate(values) if not _parses(v))
                raise ProgressError(f"observation {columns['id'][bad]}: {exc}") from None
        else:
            data[name] = _shared(values)[1]
    return pd.DataFrame(data, columns=list(OBSERVATION_COLUMNS))


def _parses(text: Any) -> bool:
    try:
        Period.parse(str(text))
    except DataError:
        return False
    return True


def observations_frame(ds: Dataset) -> pd.DataFrame:
    """One row per observation (all vintages; RangeIndex), columns :data:`OBSERVATION_COLUMNS`."""
    records = [o.__dict__ for o in ds.observations]
    columns = {name: [r[name] for r in records] for name in OBSERVATION_FIELDS}
    columns["qualifier"] = [q.value for q in columns["qualifier"]]
    return observations_frame_from_columns(columns)


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
    if visible.empty:
        return visible
    # a sort of numbers: the groups by their codes, ids by their rank
    groups = [pd.factorize(visible[c].to_numpy(dtype=object))[0] for c in ("indicator", "period")]
    stated = ~visible["derived"].to_numpy(dtype=bool)
    order = [stated, sort_key(visible["published"]), sort_key(visible["id"])]
    keep = np.zeros(len(visible), dtype=bool)
    keep[last_in_groups(groups, order)] = True
    return visible[keep]


def sort_key(column: pd.Series) -> np.ndarray:
    """Numbers that sort like ``column`` (which has no missing values): dates as integers,
    booleans as 0/1, texts by their place in sorted order (equal texts, equal numbers).

    Sorting such numbers (``np.lexsort``) is what keeps the engines fast on large frames:
    pandas' ``sort_values`` on text columns compares the strings again and again.
    """
    if pd.api.types.is_datetime64_dtype(column.dtype):
        key: np.ndarray = column.to_numpy("datetime64[ns]").view("int64")
    elif pd.api.types.is_bool_dtype(column.dtype):
        key = column.to_numpy(dtype=np.int8)
    elif pd.api.types.is_numeric_dtype(column.dtype):
        key = column.to_numpy()
    else:
        texts = column.to_numpy(dtype=object)
        by = np.argsort(texts, kind="stable")
        ordered = texts[by]
        step = np.zeros(len(texts), dtype=np.int64)
        step[1:] = ordered[1:] != ordered[:-1]
        key = np.empty(len(texts), dtype=np.int64)
        key[by] = np.cumsum(step)
    return key


def last_in_groups(groups: Sequence[np.ndarray], order: Sequence[np.ndarray]) -> np.ndarray:
    """Positions of the last row of each group (rows with equal ``groups`` keys) when the
    rows are sorted by ``order`` keys (all numbers, e.g. from :func:`sort_key`)."""
    if not len(groups[0]):
        return np.empty(0, dtype=np.int64)
    keys = [*groups, *order]
    ordered = np.lexsort(keys[::-1])  # lexsort's last key is the primary one
    same_as_next = np.ones(len(ordered) - 1, dtype=bool)
    for key in groups:
        k = key[ordered]
        same_as_next &= k[1:] == k[:-1]
    last = np.append(~same_as_next, True)
    positions: np.ndarray = ordered[last]
    return positions


logger = logging.getLogger("xlreport.frames")


def without_unit_mismatches(tg: pd.DataFrame, obs: pd.DataFrame) -> pd.DataFrame:
    """``obs`` without the observations in another unit than a target they count for.

    Progress pairs an observation with the target it names and with every target of its
    indicator, and refuses a pair in two units. Import refuses such observations (with
    their cell); a database edited by hand or filled by an older version may still hold
    one, and one such row must not stop the report or the progress of every plan: it is
    left out, with a warning naming it (``logging``, logger ``xlreport.frames``).
    """
    if obs.empty or tg.empty or "unit" not in obs.columns:
        return obs
    numeric = tg[(tg["kind"].astype(str) != "milestone") & tg["unit"].notna()]
    units = numeric[["id", "indicator", "unit"]].rename(columns={"id": "tid", "unit": "tunit"})
    valued = pd.DataFrame(
        {
            "pos": np.arange(len(obs)),
            "indicator": obs["indicator"].to_numpy(dtype=object),
            "target_id": obs["target_id"].to_numpy(dtype=object),
            "unit": obs["unit"].to_numpy(dtype=object),
        }
    )[obs["value"].notna().to_numpy()]
    by_indicator = valued.merge(units, on="indicator")
    by_id = valued.merge(units.drop(columns="indicator"), left_on="target_id", right_on="tid")
    pairs = pd.concat([by_indicator, by_id])
    bad = pairs[pairs["unit"].astype(str) != pairs["tunit"].astype(str)].drop_duplicates("pos")
    if bad.empty:
        return obs
    ids = obs["id"].to_numpy(dtype=object)
    for row in bad.itertuples():
        logger.warning(
            "observation %s: unit %s differs from target %s's unit %s; left out of progress",
            ids[row.pos],
            row.unit,
            row.tid,
            row.tunit,
        )
    keep = np.ones(len(obs), dtype=bool)
    keep[bad["pos"].to_numpy(dtype=int)] = False
    return obs[keep]
