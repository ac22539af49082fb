"""The progress engine: every measure for every target at once, on whole columns.

See ``docs/methods.md`` for the definitions, the edge cases and the status vocabulary.
Notation: B baseline (or reference) value at time t0, T target at deadline t1, A the
assessed actual at time t; times on the axis of :mod:`xlreport.period`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from xlreport.errors import ProgressError
from xlreport.frames import current_observations_frame, last_in_groups, sort_key
from xlreport.progress.text import explain_row, met_detail_row

__all__ = [
    "METHODS",
    "PROGRESS_COLUMNS",
    "STATUSES",
    "compute_progress",
    "progress_for_target",
]

#: Status vocabulary, in the order reports sort by.
STATUSES: tuple[str, ...] = (
    "met",
    "on track",
    "moderate progress",
    "insufficient progress",
    "moving away",
    "not met",
    "pending",
    "overdue",
    "not assessable",
)

M_EUROSTAT = "Eurostat growth-ratio"
M_PACE = "linear-path pace"
M_DEADLINE = "comparator at deadline"
M_LATEST = "comparator on latest actual"
M_MILESTONE = "milestone date"
M_NONE = "none (data missing)"
#: Method names that may appear in the ``method`` column.
METHODS: tuple[str, ...] = (M_EUROSTAT, M_PACE, M_DEADLINE, M_LATEST, M_MILESTONE, M_NONE)

#: Columns of the result (index ``target_id``): the contract first, then extras.
PROGRESS_COLUMNS: tuple[str, ...] = (
    "plan_id",
    "latest_value",
    "latest_period",
    "latest_source_id",
    "latest_published",
    "latest_time",
    "month_value",
    "latest_growth_yoy",
    "latest_full_year_value",
    "latest_full_year_period",
    "reference_value",
    "reference_period",
    "share_achieved",
    "share_basis",
    "time_elapsed",
    "expected_value",
    "gap_to_path",
    "required_cagr",
    "required_cagr_from",
    "required_cagr_from_now",
    "actual_cagr",
    "growth_ratio",
    "eurostat_class",
    "anticipated_value",
    "anticipated_gap",
    "met",
    "met_detail",
    "status",
    "method",
    "explanation",
    # extras
    "name",
    "kind",
    "comparator",
    "unit",
    "deadline",
    "target_value",
    "tolerance_used",
    "assessed_value",
    "assessed_period",
    "assessed_time",
    "assessed_qualifier",
    "reference_time",
    "path_share",
    "pace_ratio",
    "fully_met",
    "status_reason",
)

#: ``None`` as a 0-d object array, for np.where: the result is the same as with a bare
#: None (an object array holding None), which numpy's type stubs do not accept there
_NONE = np.array(None, dtype=object)
_KIND_RANK = {"span": 0, "month": 1, "quarter": 2, "ytd": 3, "year": 4}
_TARGET_NEEDS: tuple[str, ...] = ("id", "plan_id", "name", "indicator", "kind", "comparator")
_TARGET_NEEDS += ("value", "low")
_TARGET_NEEDS += ("high", "tolerance", "multiple", "unit", "deadline", "baseline_value")
_TARGET_NEEDS += ("baseline_period", "baseline_qualifier", "deadline_time", "deadline_date")
_TARGET_NEEDS += ("baseline_time", "plan_start_year")
_OBS_NEEDS: tuple[str, ...] = ("id", "indicator", "target_id", "period", "value", "growth_yoy")
_OBS_NEEDS += ("unit",)
_OBS_NEEDS += ("qualifier", "cumulative", "source_id", "published", "derived", "period_kind")
_OBS_NEEDS += ("period_year", "period_sub", "period_time", "period_start_time")


# ------------------------------------------------------------------------------ input


def _check_inputs(targets: pd.DataFrame, observations: pd.DataFrame, tolerance: float) -> None:
    for label, frame, needs, maker in (
        ("targets", targets, _TARGET_NEEDS, "targets_frame"),
        ("observations", observations, _OBS_NEEDS, "observations_frame"),
    ):
        missing = [c for c in needs if c not in frame.columns]
        if missing:
            raise ProgressError(
                f"{label} frame lacks column(s) {', '.join(missing)}: "
                f"build it with xlreport.frames.{maker}(dataset)"
            )
    if not (isinstance(tolerance, int | float) and 0 <= tolerance < 1):
        raise ProgressError(
            f"tolerance {tolerance!r} is not a fraction in [0, 1): write 0.05 for 5%"
        )


def _pair_observations(tg: pd.DataFrame, inforce: pd.DataFrame) -> pd.DataFrame:
    """In-force observations of each target (by indicator, then by target_id, once each),
    with ``row`` (the target's position), ``id_rank`` (the observation's place in the
    order of ids, for tie-breaks), ``kind_rank`` and ``stated``.

    A join of positions: the texts are matched once by hashing, never sorted or copied.
    """
    n, m = len(tg), len(inforce)
    id_rank = sort_key(inforce["id"])
    # by indicator: each target row with every observation of its indicator
    codes = pd.factorize(
        np.concatenate(
            [tg["indicator"].to_numpy(dtype=object), inforce["indicator"].to_numpy(dtype=object)]
        )
    )[0]
    target_codes, obs_codes = codes[:n], codes[n:]
    by_code = np.argsort(obs_codes, kind="stable")
    sorted_codes = obs_codes[by_code]
    lo = np.searchsorted(sorted_codes, target_codes, "left")
    counts = np.searchsorted(sorted_codes, target_codes, "right") - lo
    rows_ind = np.repeat(np.arange(n), counts)
    within = np.arange(len(rows_ind)) - np.repeat(np.cumsum(counts) - counts, counts)
    pos_ind = by_code[np.repeat(lo, counts) + within]
    # by target_id: observations linked to a target by its id
    linked = pd.Index(tg["id"].to_numpy(dtype=object)).get_indexer(
        inforce["target_id"].to_numpy(dtype=object)
    )
    pos_id = np.flatnonzero(linked >= 0)
    rows = np.concatenate([rows_ind, linked[pos_id]])
    pos = np.concatenate([pos_ind, pos_id])
    _, first = np.unique(rows * max(m, 1) + pos, return_index=True)
    keep = np.sort(first)
    rows, pos = rows[keep], pos[keep]
    pairs = inforce[list(_OBS_NEEDS)].take(pos).reset_index(drop=True)
    pairs.insert(0, "row", rows)
    pairs["id_rank"] = id_rank[pos]
    pairs["kind_rank"] = pairs["period_kind"].map(_KIND_RANK).astype("int64")
    pairs["stated"] = ~pairs["derived"].astype(bool)
    return pairs


def _check_units(tg: pd.DataFrame, pairs: pd.DataFrame) -> None:
    unit = tg["unit"].to_numpy(dtype=object)[pairs["row"].to_numpy()]
    kind = tg["kind"].to_numpy(dtype=object)[pairs["row"].to_numpy()]
    numeric = (kind != "milestone") & pd.notna(unit)
    bad = numeric & (pairs["unit"].to_numpy(dtype=object) != unit) & pairs["value"].notna()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ProgressError(
            f"observation {pairs['id'].iloc[i]}: unit {pairs['unit'].iloc[i]!r} differs from "
            f"target {tg['id'].iloc[pairs['row'].iloc[i]]}'s unit {unit[i]!r}; record the "
            "observation in the target's unit (convert currencies first)"
        )


_ORDER = ["period_time", "kind_rank", "stated", "published", "id_rank"]


def _last_positions(frame: pd.DataFrame, group: list[str], order: list[str]) -> np.ndarray:
    """Positions of the last row of each ``group`` when sorted by ``group`` then ``order``."""
    return last_in_groups([sort_key(frame[c]) for c in group], [sort_key(frame[c]) for c in order])


def _last_per_row(frame: pd.DataFrame, n: int) -> pd.DataFrame:
    """The row-wise maximum by (time, full-year first, stated, published, id)."""
    best = frame.iloc[_last_positions(frame, ["row"], _ORDER)]
    return best.set_index("row").reindex(range(n))


def _earliest_per_row(frame: pd.DataFrame, n: int) -> pd.DataFrame:
    first_time = frame.groupby("row")["period_time"].transform("min")
    return _last_per_row(frame[frame["period_time"] == first_time], n)


# ------------------------------------------------------------------------------ actuals


def _month_and_growth(latest: pd.DataFrame, inforce: pd.DataFrame) -> tuple[Any, Any]:
    """A YTD month's own value and year-on-year growth of the latest observations."""
    lookup = inforce[inforce["value"].notna()][
        ["indicator", "period_kind", "period_year", "period_sub", "value"]
    ].drop_duplicates(["indicator", "period_kind", "period_year", "period_sub"])
    keys = latest[["indicator", "period_kind", "period_year", "period_sub"]]
    prev_month = (
        keys.assign(period_sub=keys["period_sub"] - 1)
        .merge(lookup, how="left", on=["indicator", "period_kind", "period_year", "period_sub"])[
            "value"
        ]
        .to_numpy()
    )
    prev_year = (
        keys.assign(period_year=keys["period_year"] - 1)
        .merge(lookup, how="left", on=["indicator", "period_kind", "period_year", "period_sub"])[
            "value"
        ]
        .to_numpy()
    )
    value = latest["value"].to_numpy(dtype=float)
    kind = latest["period_kind"].to_numpy(dtype=object)
    sub = latest["period_sub"].to_numpy(dtype=float)
    month = np.where(
        kind == "month",
        value,
        np.where(
            (kind == "ytd") & (sub == 1), value, np.where(kind == "ytd", value - prev_month, np.nan)
        ),
    )
    stated = latest["growth_yoy"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        computed = np.where(prev_year > 0, value / prev_year - 1, np.nan)
    growth = np.where(np.isnan(stated), computed, stated)
    return month, growth


def _cumulative_actuals(tg: pd.DataFrame, valued: pd.DataFrame, n: int) -> pd.DataFrame:
    """A for cumulative targets: the latest running total plus the annual flows after it.

    Flows are in-force year values (or, for a year without one, its latest year-to-date
    value) inside the plan period [start of plan .. deadline].
    """
    cum_rows = tg["kind"].to_numpy(dtype=object) == "cumulative"
    part = valued[cum_rows[valued["row"].to_numpy()]]
    totals = _last_per_row(part[part["cumulative"].astype(bool)], n)
    start = (tg["plan_start_year"].to_numpy(dtype=float) - 1)[part["row"].to_numpy()]
    deadline = tg["deadline_time"].to_numpy(dtype=float)[part["row"].to_numpy()]
    total_time = totals["period_time"].to_numpy(dtype=float)[part["row"].to_numpy()]
    is_flow = (~part["cumulative"].astype(bool)) & part["period_kind"].isin(["year", "ytd"])
    inside = (part["period_start_time"].to_numpy() >= start - 1e-9) & (
        part["period_time"].to_numpy() <= deadline + 1e-9
    )
    after_total = np.isnan(total_time) | (part["period_start_time"].to_numpy() >= total_time - 1e-9)
    flows = part[is_flow.to_numpy() & inside & after_total]
    # one flow per (target, calendar year): the full year, else the latest YTD
    flow_order = ["kind_rank", "period_sub", "stated", "published", "id_rank"]
    flows = flows.iloc[np.sort(_last_positions(flows, ["row", "period_year"], flow_order))]
    summed = flows.groupby("row")["value"].sum().reindex(range(n))
    last_flow = _last_per_row(flows, n)
    total_value = totals["value"].to_numpy(dtype=float)
    flow_sum = summed.to_numpy(dtype=float)
    value = np.where(np.isnan(flow_sum), total_value, np.nan_to_num(total_value) + flow_sum)
    use_flow = last_flow["period_time"].notna().to_numpy()
    pick = pd.DataFrame(
        {
            c: np.where(
                use_flow, last_flow[c].to_numpy(dtype=object), totals[c].to_numpy(dtype=object)
            )
            for c in ("period", "source_id", "published", "qualifier", "period_time")
        }
    )
    pick["value"] = value
    pick["period_time"] = pick["period_time"].astype(float)
    # a qualifier on any piece makes the sum a bound: the weakest one wins
    return pick


# ------------------------------------------------------------------------------ core


def _numbers(tg: pd.DataFrame, col: str) -> np.ndarray:
    out: np.ndarray = tg[col].to_numpy(dtype=float)
    return out


def _text(tg: pd.DataFrame, col: str) -> np.ndarray:
    out: np.ndarray = tg[col].to_numpy(dtype=object)
    return out


def compute_progress(
    targets: pd.DataFrame, observations: pd.DataFrame, as_of: date, *, tolerance: float = 0.05
) -> pd.DataFrame:
    """Progress of every target as of ``as_of``: one row per target, index ``target_id``.

    ``targets`` and ``observations`` come from :func:`xlreport.frames.targets_frame` and
    :func:`xlreport.frames.observations_frame`; all vintages may be passed, only those
    published on or before ``as_of`` are used. ``tolerance`` is the default band of
    "about" targets (a target's own ``tolerance`` overrides it). Columns:
    :data:`PROGRESS_COLUMNS`; fractions are fractions (0.381 is 38.1%).
    """
    _check_inputs(targets, observations, tolerance)
    tg = targets.reset_index(drop=True)
    n = len(tg)
    inforce = current_observations_frame(observations.reset_index(drop=True), as_of)
    pairs = _pair_observations(tg, inforce)
    _check_units(tg, pairs)
    valued = pairs[pairs["value"].notna()]

    kind = _text(tg, "kind")
    comp = _text(tg, "comparator")
    unit = _text(tg, "unit")
    is_cum = kind == "cumulative"
    is_mile = kind == "milestone"
    t1 = _numbers(tg, "deadline_time")

    # --- latest actual, as observed (any period kind)
    latest = _last_per_row(valued, n)
    month_value, growth_yoy = _month_and_growth(latest, inforce)
    full = valued[
        (valued["period_kind"] == "year")
        | ((valued["period_kind"] == "ytd") & (valued["period_sub"] == 12))
    ]
    latest_full = _last_per_row(full, n)

    # --- the actual the measures use: full years (any period for ratios and running totals)
    row_unit = unit[valued["row"].to_numpy()]
    assessable = (
        (valued["period_kind"] == "year")
        | ((valued["period_kind"] == "ytd") & (valued["period_sub"] == 12))
        | pd.Series(row_unit == "percent", index=valued.index)
        | valued["cumulative"].astype(bool)
    )
    level_obs = valued[assessable.to_numpy()]
    assessed = _last_per_row(level_obs, n)
    earliest = _earliest_per_row(level_obs, n)
    cum = _cumulative_actuals(tg, valued, n)

    a = np.where(is_cum, cum["value"], assessed["value"].to_numpy(dtype=float)).astype(float)
    t = np.where(is_cum, cum["period_time"], assessed["period_time"].to_numpy(dtype=float))
    t = t.astype(float)
    a_period = np.where(is_cum, cum["period"], assessed["period"].to_numpy(dtype=object))
    a_qual = np.where(is_cum, cum["qualifier"], assessed["qualifier"].to_numpy(dtype=object))
    a[is_mile] = np.nan
    t[is_mile] = np.nan

    # --- target value T and its bounds
    value = _numbers(tg, "value")
    multiple = _numbers(tg, "multiple")
    base_value = _numbers(tg, "baseline_value")
    target = np.where(np.isnan(value) & (kind == "multiple"), multiple * base_value, value)
    target = np.where(comp == "range", _numbers(tg, "low"), target)
    base_qual = _text(tg, "baseline_qualifier")
    t_lo = np.where((kind == "multiple") & (base_qual == "upper_bound"), -np.inf, target)
    t_hi = np.where((kind == "multiple") & (base_qual == "lower_bound"), np.inf, target)

    # --- baseline B at t0: stated baseline, else 0 at plan start (cumulative), else reference
    has_base = ~np.isnan(base_value) & ~np.isnan(_numbers(tg, "baseline_time"))
    plan_start = _numbers(tg, "plan_start_year") - 1
    start_zero = np.where(np.isnan(plan_start), np.nan, 0.0)
    b = np.where(
        has_base,
        base_value,
        np.where(is_cum, start_zero, earliest["value"].to_numpy(dtype=float)),
    )
    t0 = np.where(
        has_base,
        _numbers(tg, "baseline_time"),
        np.where(is_cum, plan_start, earliest["period_time"].to_numpy(dtype=float)),
    )
    plan_start_label = np.array(
        [None if np.isnan(x) else str(int(x)) for x in plan_start], dtype=object
    )
    b_period = np.where(
        has_base,
        _text(tg, "baseline_period"),
        np.where(is_cum, plan_start_label, earliest["period"].to_numpy(dtype=object)),
    )
    basis = np.where(has_base, "baseline", np.where(is_cum, "plan_start", "no_baseline"))
    b[is_mile] = np.nan
    t0[is_mile] = np.nan
    b_period[is_mile] = None
    basis = np.where(is_mile, _NONE, basis)

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # shares and the linear path
        path_share = np.where(target != b, (a - b) / (target - b), np.nan)
        share = np.where(
            basis == "no_baseline", np.where(target != 0, a / target, np.nan), path_share
        )
        elapsed = np.where(t1 > t0, (t - t0) / (t1 - t0), np.nan)
        expected = b + (target - b) * elapsed
        gap = a - expected
        # growth rates
        req = np.where(
            (target > 0) & (b > 0) & (t1 > t0), (target / b) ** (1 / (t1 - t0)) - 1, np.nan
        )
        req_now = np.where(
            (target > 0) & (a > 0) & (t1 > t), (target / a) ** (1 / (t1 - t)) - 1, np.nan
        )
        act = np.where((a > 0) & (b > 0) & (t > t0), (a / b) ** (1 / (t - t0)) - 1, np.nan)
        direction = np.sign(target - b)
        moving_ok = np.where(
            np.isin(comp, ["at_least", "more_than"]),
            direction > 0,
            np.where(comp == "at_most", direction < 0, direction != 0),
        )
        ratio = np.where(moving_ok & (req != 0), act / req, np.nan)
        pace = np.where(moving_ok & (elapsed > 0), path_share / elapsed, np.nan)
        antic = np.where(t <= t1, a * (1 + act) ** (t1 - t), np.nan)
        antic_gap = np.where(target != b, (target - antic) / (target - b), np.nan)

    # --- met by the comparator, with qualifiers as bounds on A and T
    tol = np.where(np.isnan(_numbers(tg, "tolerance")), float(tolerance), _numbers(tg, "tolerance"))
    a_lo = np.where(a_qual == "upper_bound", -np.inf, a)
    a_hi = np.where(a_qual == "lower_bound", np.inf, a)
    high = _numbers(tg, "high")
    yes = np.select(
        [
            comp == "at_least",
            comp == "more_than",
            comp == "at_most",
            comp == "about",
            comp == "range",
        ],
        [
            a_lo >= t_hi,
            a_lo > t_hi,
            a_hi <= t_lo,
            (a_lo >= t_hi * (1 - tol)) & (a_hi <= t_lo * (1 + tol)),
            a_lo >= target,
        ],
        default=False,
    )
    no = np.select(
        [
            comp == "at_least",
            comp == "more_than",
            comp == "at_most",
            comp == "about",
            comp == "range",
        ],
        [
            a_hi < t_lo,
            a_hi <= t_lo,
            a_lo > t_hi,
            (a_hi < t_lo * (1 - tol)) | (a_lo > t_hi * (1 + tol)),
            a_hi < target,
        ],
        default=False,
    )
    fully = np.where(comp == "range", a_lo >= high, yes)
    have_a = ~np.isnan(a)

    # --- milestones: a report of completion is an in-force observation (value absent or not 0)
    mile_pairs = pairs[is_mile[pairs["row"].to_numpy()]]
    done = mile_pairs[mile_pairs["value"].isna() | (mile_pairs["value"] != 0)]
    report = _earliest_per_row(done, n)
    reported = report["id"].notna().to_numpy()
    due_later = tg["deadline_date"].to_numpy() >= np.datetime64(pd.Timestamp(as_of))

    met = np.full(n, None, dtype=object)
    met[have_a & yes] = True
    met[have_a & no] = False
    met[is_mile] = reported[is_mile]

    # --- status and method, by precedence
    at_deadline = t >= t1 - 1e-9
    not_assessable_reason = _reasons(
        is_cum=is_cum,
        have_a=have_a,
        has_base=has_base,
        t=t,
        t0=t0,
        plan_start=plan_start,
        at_deadline=at_deadline,
        a=a,
        b=b,
        target=target,
    )
    eurostat = _classify(ratio)
    by_pace = _classify(pace)
    numeric = ~is_mile
    conditions = [
        is_mile & reported,
        is_mile & due_later,
        is_mile,
        numeric & ~have_a,
        numeric & have_a & yes,
        numeric & have_a & no & at_deadline,
        numeric & have_a & at_deadline,  # at the deadline, met cannot be proven
        numeric & (np.isnan(t0) | ~(t > t0)),
        numeric & ~np.isnan(ratio),
        numeric & ~np.isnan(pace),
        numeric & ~moving_ok & no,
    ]
    status = np.select(
        conditions,
        [
            "met",
            "pending",
            "overdue",
            "not assessable",
            "met",
            "not met",
            "not assessable",
            "not assessable",
            eurostat,
            by_pace,
            "moving away",
        ],
        default="not assessable",
    )
    method = np.select(
        conditions,
        [
            M_MILESTONE,
            M_MILESTONE,
            M_MILESTONE,
            M_NONE,
            np.where(at_deadline, M_DEADLINE, M_LATEST),
            M_DEADLINE,
            M_DEADLINE,
            M_NONE,
            M_EUROSTAT,
            M_PACE,
            M_LATEST,
        ],
        default=M_NONE,
    )
    reason = np.where(status == "not assessable", not_assessable_reason, "")
    deadline_passed = numeric & have_a & ~at_deadline & ~due_later

    out = pd.DataFrame(
        {
            "plan_id": _text(tg, "plan_id"),
            "latest_value": np.where(is_cum, a, latest["value"].to_numpy(dtype=float)),
            "latest_period": np.where(is_cum, a_period, latest["period"].to_numpy(dtype=object)),
            "latest_source_id": np.where(
                is_cum, cum["source_id"], latest["source_id"].to_numpy(dtype=object)
            ),
            "latest_published": np.where(
                is_cum, cum["published"], latest["published"].to_numpy(dtype=object)
            ),
            "latest_time": np.where(is_cum, t, latest["period_time"].to_numpy(dtype=float)),
            "month_value": np.where(is_cum, np.nan, month_value),
            "latest_growth_yoy": np.where(is_cum, np.nan, growth_yoy),
            "latest_full_year_value": latest_full["value"].to_numpy(dtype=float),
            "latest_full_year_period": latest_full["period"].to_numpy(dtype=object),
            "reference_value": b,
            "reference_period": b_period,
            "share_achieved": share,
            "share_basis": basis,
            "time_elapsed": elapsed,
            "expected_value": expected,
            "gap_to_path": gap,
            "required_cagr": req,
            "required_cagr_from": np.where(np.isnan(req), _NONE, b_period),
            "required_cagr_from_now": req_now,
            "actual_cagr": act,
            "growth_ratio": ratio,
            "eurostat_class": np.where(np.isnan(ratio), _NONE, eurostat),
            "anticipated_value": antic,
            "anticipated_gap": antic_gap,
            "met": met,
            "met_detail": "",
            "status": status,
            "method": method,
            "explanation": "",
            "name": _text(tg, "name"),
            "kind": kind,
            "comparator": comp,
            "unit": unit,
            "deadline": _text(tg, "deadline"),
            "target_value": target,
            "tolerance_used": np.where(comp == "about", tol, np.nan),
            "assessed_value": a,
            "assessed_period": a_period,
            "assessed_time": t,
            "assessed_qualifier": a_qual,
            "reference_time": t0,
            "path_share": path_share,
            "pace_ratio": pace,
            "fully_met": np.where(have_a & (comp == "range"), fully, _NONE),
            "status_reason": reason,
        },
        index=pd.Index(tg["id"].to_numpy(dtype=object), name="target_id"),
    )
    out["latest_published"] = pd.to_datetime(out["latest_published"])
    fully_met = out["fully_met"].to_numpy(dtype=object)
    out["met"] = out["met"].astype("boolean")
    out["fully_met"] = out["fully_met"].astype("boolean")
    _add_text(out, tg, report, deadline_passed, met, fully_met)
    return out


def _classify(ratio: np.ndarray) -> np.ndarray:
    """Eurostat's classes of the ratio of actual to required growth."""
    return np.select(
        [ratio >= 0.95, ratio >= 0.60, ratio >= 0, ratio < 0],
        ["on track", "moderate progress", "insufficient progress", "moving away"],
        default="",
    )


def _reasons(
    *,
    is_cum: np.ndarray,
    have_a: np.ndarray,
    has_base: np.ndarray,
    t: np.ndarray,
    t0: np.ndarray,
    plan_start: np.ndarray,
    at_deadline: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    target: np.ndarray,
) -> np.ndarray:
    """Why a numeric target is not assessable (the first reason that applies)."""
    with np.errstate(invalid="ignore"):
        return np.select(
            [
                ~have_a & is_cum & np.isnan(plan_start),
                ~have_a,
                at_deadline,
                np.isnan(t0) & is_cum,
                has_base & (t == t0),
                has_base & (t < t0),
                ~has_base & ~is_cum & (t <= t0),
                (a <= 0) | (b <= 0) | (target <= 0),
            ],
            [
                "no running total and the plan's start year is unknown, so yearly flows "
                "cannot be summed",
                "no actual reported yet",
                "the actual or the target is only a bound, so it cannot be told whether "
                "the target was met",
                "the plan's start year is unknown, so there is no time path",
                "only the baseline is known, no later actual",
                "no actual after the baseline period",
                "a single observation, no trend yet",
                "values at or below zero, growth rates undefined",
            ],
            default="the target does not require change from its baseline",
        )


_TEXT_INPUTS = (
    "kind",
    "comparator",
    "assessed_value",
    "unit",
    "target_value",
    "assessed_qualifier",
    "tolerance_used",
    "status",
    "method",
    "deadline",
    "share_basis",
    "reference_period",
    "status_reason",
    "required_cagr",
    "required_cagr_from",
    "actual_cagr",
    "path_share",
    "time_elapsed",
    "required_cagr_from_now",
    "assessed_period",
    "share_achieved",
)


def _add_text(
    out: pd.DataFrame,
    tg: pd.DataFrame,
    report: pd.DataFrame,
    deadline_passed: np.ndarray,
    met: np.ndarray,
    fully_met: np.ndarray,
) -> None:
    """Fill ``met_detail`` and ``explanation`` (one readable line per target)."""
    out_t1 = _numbers(tg, "deadline_time")
    extra = pd.DataFrame(
        {
            "low": _numbers(tg, "low"),
            "high": _numbers(tg, "high"),
            "baseline_qualifier": _text(tg, "baseline_qualifier"),
            "milestone_report_period": report["period"].to_numpy(dtype=object),
            "deadline_passed": deadline_passed,
            "at_deadline": out["assessed_time"].to_numpy() >= out_t1 - 1e-9,
        },
        index=out.index,
    )
    columns = {c: out[c].to_numpy(dtype=object).tolist() for c in _TEXT_INPUTS}
    columns.update({c: extra[c].to_numpy(dtype=object).tolist() for c in extra.columns})
    columns["met"] = [None if v is None else bool(v) for v in met]
    columns["fully_met"] = [None if v is None else bool(v) for v in fully_met]
    names = list(columns)
    details = []
    explanations = []
    for values in zip(*columns.values(), strict=True):
        r = dict(zip(names, values, strict=True))
        r["met_detail"] = met_detail_row(r)
        details.append(r["met_detail"])
        explanations.append(explain_row(r))
    out["met_detail"] = details
    out["explanation"] = explanations


def progress_for_target(
    target_id: str,
    targets: pd.DataFrame,
    observations: pd.DataFrame,
    as_of: date,
    *,
    tolerance: float = 0.05,
) -> dict[str, Any]:
    """Progress of one target as a dict (``target_id`` plus every column); same code path.

    Filters the frames to the target and its observations, then calls
    :func:`compute_progress`. Raises :class:`ProgressError` for an unknown id.
    """
    if "id" not in targets.columns:
        raise ProgressError("targets frame lacks column id: build it with targets_frame(dataset)")
    one = targets[targets["id"] == target_id]
    if one.empty:
        raise ProgressError(
            f"unknown target {target_id!r}: use an id listed by `xlreport progress`"
        )
    indicator = one["indicator"].iloc[0]
    mine = observations[
        (observations["indicator"] == indicator) | (observations["target_id"] == target_id)
    ]
    row = compute_progress(one, mine, as_of, tolerance=tolerance).iloc[0]
    return {"target_id": target_id, **row.to_dict()}
