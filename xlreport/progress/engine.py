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
from xlreport.period import date_time
from xlreport.progress.text import explain_row, met_detail_row

__all__ = [
    "HEADLINE_GROUPS",
    "METHODS",
    "OUTLOOKS",
    "PROGRESS_COLUMNS",
    "STATUSES",
    "compute_progress",
    "progress_for_target",
]

#: Status vocabulary, in the order reports sort by (docs/methods.md defines each).
STATUSES: tuple[str, ...] = (
    "met",
    "not met",
    "on track",
    "moderate progress",
    "insufficient progress",
    "moving away",
    "awaiting final figure",
    "done",
    "pending",
    "unconfirmed",
    "not assessable",
)

#: The summary's headline tiles: tile name -> the statuses it counts. Absence of news
#: (pending, unconfirmed, not assessable) is never counted as behind. ``done`` milestones
#: count with ``met``.
HEADLINE_GROUPS: dict[str, tuple[str, ...]] = {
    "met": ("met", "done"),
    "on track": ("on track",),
    "behind": ("moderate progress", "insufficient progress", "moving away", "not met"),
    "awaiting final figure": ("awaiting final figure",),
    "unconfirmed": ("unconfirmed",),
    "pending": ("pending",),
    "not assessable": ("not assessable",),
}

#: Values of the ``outlook`` column (besides None).
OUTLOOKS: tuple[str, ...] = ("likely met", "likely not met")

#: Reader words of the stored qualifiers (``latest_qualifier``).
QUALIFIER_WORDS: dict[str, str] = {
    "upper_bound": "nearly",
    "lower_bound": "more than",
    "approx": "about",
}
#: Reader words of the comparators (``target_qualifier``); a range is written low-high.
COMPARATOR_WORDS: dict[str, str] = {
    "at_least": "at least",
    "more_than": "more than",
    "about": "about",
    "at_most": "at most",
}

M_EUROSTAT = "Eurostat growth-ratio"
M_PACE = "linear-path pace"
M_DEADLINE = "comparator at deadline"
M_LATEST = "comparator on latest actual"
M_MILESTONE = "milestone date"
M_AWAITING = "latest figure before the deadline"
M_NONE = "none (data missing)"
#: Method names that may appear in the ``method`` column.
METHODS: tuple[str, ...] = (
    M_EUROSTAT,
    M_PACE,
    M_DEADLINE,
    M_LATEST,
    M_AWAITING,
    M_MILESTONE,
    M_NONE,
)

#: Columns of the result (index ``target_id``): the contract first, then extras.
PROGRESS_COLUMNS: tuple[str, ...] = (
    "plan_id",
    "latest_value",
    "latest_period",
    "latest_source_id",
    "latest_published",
    "latest_time",
    "latest_qualifier",
    "month_value",
    "latest_growth_yoy",
    "latest_full_year_value",
    "latest_full_year_period",
    "reference_value",
    "reference_period",
    "reference_qualifier",
    "share_achieved",
    "share_basis",
    "time_elapsed",
    "time_elapsed_at_latest",
    "deadline_passed",
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
    "outlook",
    "evidence",
    "method",
    "explanation",
    # extras
    "name",
    "kind",
    "comparator",
    "target_qualifier",
    "unit",
    "deadline",
    "target_value",
    "tolerance_used",
    "assessed_value",
    "assessed_period",
    "assessed_time",
    "assessed_qualifier",
    "reference_time",
    "clock_start_time",
    "path_share",
    "pace_ratio",
    "fully_met",
    "status_reason",
    "observed_years",
    "completed_period",
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
    start = (tg["plan_start_year"].to_numpy(dtype=float) - 1)[part["row"].to_numpy()]
    deadline = tg["deadline_time"].to_numpy(dtype=float)[part["row"].to_numpy()]
    # a running total after the deadline would count additions made after the plan
    in_plan = part["period_time"].to_numpy() <= deadline + 1e-9
    totals = _last_per_row(part[part["cumulative"].astype(bool).to_numpy() & in_plan], n)
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
    # a year missing between the start (or the running total) and the last flow, or an
    # earlier year known only in part, leaves the sum short: it is a lower bound
    first = np.where(
        totals["period_time"].notna().to_numpy(),
        np.floor(totals["period_time"].to_numpy(dtype=float) + 1e-9) + 1,
        tg["plan_start_year"].to_numpy(dtype=float),
    )
    by_row = flows.groupby("row")
    years = by_row["period_year"].nunique().reindex(range(n)).to_numpy(dtype=float)
    last_year = by_row["period_year"].max().reindex(range(n)).to_numpy(dtype=float)
    partial = (flows["period_kind"] == "ytd") & (flows["period_sub"] < 12)
    partial_before_last = (
        (partial & (flows["period_year"].to_numpy() < last_year[flows["row"].to_numpy()]))
        .groupby(flows["row"])
        .any()
        .reindex(range(n), fill_value=False)
    )
    with np.errstate(invalid="ignore"):
        gap = (years < last_year - first + 1) | partial_before_last.to_numpy(dtype=bool)
    pick["qualifier"] = np.where(gap, "lower_bound", pick["qualifier"].to_numpy(dtype=object))
    pick["gap"] = gap
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
    row_t1 = t1[valued["row"].to_numpy()]
    row_comp = comp[valued["row"].to_numpy()]
    # a target to be reached ("at least", "more than", a range's low end) counts any later
    # figure; an "about" or "at most" target is judged on the deadline period, not after it
    reach_row = np.isin(row_comp, _REACH)
    assessable = (
        (valued["period_kind"] == "year")
        | ((valued["period_kind"] == "ytd") & (valued["period_sub"] == 12))
        | pd.Series(row_unit == "percent", index=valued.index)
        | valued["cumulative"].astype(bool)
    ).to_numpy() & (reach_row | (valued["period_time"].to_numpy() <= row_t1 + 1e-9))
    level_obs = valued[assessable]
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

    # --- the two clocks: at the as-of date (capped at 1) and at the assessed actual's date
    now = date_time(as_of)
    deadline_passed = tg["deadline_date"].to_numpy() < np.datetime64(pd.Timestamp(as_of))

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        after_base = t > t0 + 1e-9
        # shares and the linear path
        path_share = np.where(target != b, (a - b) / (target - b), np.nan)
        share = np.where(
            basis == "no_baseline", np.where(target != 0, a / target, np.nan), path_share
        )
        # nothing after the stated baseline: the share of the way is unknown, not 0
        share = np.where(has_base & ~after_base, np.nan, share)
        elapsed = np.where(t1 > t0, (t - t0) / (t1 - t0), np.nan)
        # the clock runs from the reference point, else (no figure yet) the plan's start
        c0 = np.where(np.isnan(t0) & ~is_mile, plan_start, t0)
        elapsed_now = np.where(t1 > c0, np.clip((now - c0) / (t1 - c0), 0.0, 1.0), np.nan)
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
    high = _numbers(tg, "high")
    a_lo = np.where(a_qual == "upper_bound", -np.inf, a)
    a_hi = np.where(a_qual == "lower_bound", np.inf, a)
    yes, no = _compare(comp, a_lo, a_hi, t_lo, t_hi, target, tol)
    fully = np.where(comp == "range", a_lo >= high, yes)
    have_a = ~np.isnan(a)
    # the outlook: the comparator on the anticipated value (bounded as A is)
    an_lo = np.where(a_qual == "upper_bound", -np.inf, antic)
    an_hi = np.where(a_qual == "lower_bound", np.inf, antic)
    likely, unlikely = _compare(comp, an_lo, an_hi, t_lo, t_hi, target, tol)

    # --- milestones: a completion is an in-force observation with no value or a value that
    # is not 0; its period is when the milestone was completed. A value 0 reports "not done".
    mile_pairs = pairs[is_mile[pairs["row"].to_numpy()]]
    done_obs = mile_pairs[mile_pairs["value"].isna() | (mile_pairs["value"] != 0)]
    report = _earliest_per_row(done_obs, n)
    reported = report["id"].notna().to_numpy()
    not_done = _last_per_row(mile_pairs[mile_pairs["value"] == 0], n)
    # a report of "not done" for the deadline period or later: the deadline was missed
    missed = ~reported & (not_done["period_time"].to_numpy(dtype=float) >= t1 - 1e-9)
    done_end = report["period_time"].to_numpy(dtype=float)
    done_start = report["period_start_time"].to_numpy(dtype=float)
    in_time = done_end <= t1 + 1e-9
    late = done_start >= t1 - 1e-9

    met = np.full(n, None, dtype=object)
    met[have_a & yes] = True
    met[have_a & no] = False

    # --- evidence: how many observed (stated) years the actuals rest on
    observed = _observed_years(level_obs, tg, has_base, n)
    ref_derived = (basis == "no_baseline") & earliest["derived"].fillna(False).to_numpy(dtype=bool)
    one_rate = (
        ref_derived
        & (observed == 1)
        & assessed["growth_yoy"].notna().to_numpy()
        & np.isclose(t - t0, 1.0)
    )
    a_derived = ~is_cum & assessed["derived"].fillna(False).to_numpy(dtype=bool)
    thin = ref_derived | a_derived | (observed < 2)

    # --- status and method, by precedence
    at_deadline = t >= t1 - 1e-9
    numeric = ~is_mile
    reach = np.isin(comp, _REACH)
    trend = numeric & have_a & after_base & ~np.isnan(t0)
    eurostat = _classify(ratio)
    by_pace = _classify(pace)
    # Eurostat classes rest on observed years: a growth from one year-on-year rate, or to or
    # from a derived point, gives an outlook but no class (docs/methods.md, thin evidence)
    class_ok = ~np.isnan(ratio) & ~thin
    pace_ok = np.isnan(ratio) & ~np.isnan(pace) & ~a_derived
    conditions = [
        is_mile & reported,
        is_mile & missed,
        is_mile & ~deadline_passed,
        is_mile,
        numeric & ~have_a,
        numeric & have_a & yes & (reach | ~deadline_passed | at_deadline),
        numeric & have_a & no & at_deadline,
        numeric & have_a & at_deadline,  # at the deadline, met cannot be proven (bounds)
        numeric & have_a & deadline_passed,
        ~trend,
        trend & class_ok,
        trend & pace_ok,
        trend & ~moving_ok & no,
    ]
    status = np.select(
        conditions,
        [
            "done",
            "not met",
            "pending",
            "unconfirmed",
            "not assessable",
            "met",
            "not met",
            "not assessable",
            "awaiting final figure",
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
            M_MILESTONE,
            M_NONE,
            np.where(at_deadline, M_DEADLINE, M_LATEST),
            M_DEADLINE,
            M_DEADLINE,
            M_AWAITING,
            M_NONE,
            M_EUROSTAT,
            M_PACE,
            M_LATEST,
        ],
        default=M_NONE,
    )
    awaiting = status == "awaiting final figure"
    # awaiting the final figure, "not met" on an older figure is not known
    met[awaiting] = None
    met[is_mile] = None
    met[is_mile & reported & in_time] = True
    met[is_mile & ((reported & late) | missed)] = False
    outlook = np.where(
        awaiting & ~np.isnan(antic),
        np.where(likely, "likely met", np.where(unlikely, "likely not met", _NONE)),
        _NONE,
    )
    reason = np.where(
        status == "not assessable",
        _reasons(
            is_cum=is_cum,
            have_a=have_a,
            any_figure=latest["value"].notna().to_numpy(),
            has_base=has_base,
            t=t,
            t0=t0,
            at_deadline=at_deadline,
            a=a,
            b=b,
            target=target,
            thin_class=~np.isnan(ratio) & thin,
            one_rate=one_rate,
        ),
        "",
    )
    evidence = _evidence(
        numeric=numeric,
        have_a=have_a,
        reported=reported,
        missed=missed,
        one_rate=one_rate,
        derived=ref_derived | a_derived,
        observed=observed,
        is_cum=is_cum,
        gap=is_cum & cum["gap"].to_numpy(dtype=bool),
    )
    completed = np.where(reported, report["period"].to_numpy(dtype=object), _NONE)
    latest_qual = np.where(is_cum, cum["qualifier"], latest["qualifier"].to_numpy(dtype=object))
    latest_word = np.array([QUALIFIER_WORDS.get(q) for q in latest_qual], dtype=object)
    # the reference's own qualifier: a stated baseline's ("more than 600 billion"), or the
    # earliest observation's; none for the zero a cumulative count starts from
    ref_qual = np.where(
        has_base,
        base_qual,
        np.where(is_cum, _NONE, earliest["qualifier"].to_numpy(dtype=object)),
    )
    ref_word = np.array([QUALIFIER_WORDS.get(q) for q in ref_qual], dtype=object)
    target_word = np.array([COMPARATOR_WORDS.get(c) for c in comp], dtype=object)

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
            "latest_qualifier": latest_word,
            "month_value": np.where(is_cum, np.nan, month_value),
            "latest_growth_yoy": np.where(is_cum, np.nan, growth_yoy),
            "latest_full_year_value": latest_full["value"].to_numpy(dtype=float),
            "latest_full_year_period": latest_full["period"].to_numpy(dtype=object),
            "reference_value": b,
            "reference_period": b_period,
            "reference_qualifier": ref_word,
            "share_achieved": share,
            "share_basis": basis,
            "time_elapsed": elapsed_now,
            "time_elapsed_at_latest": elapsed,
            "deadline_passed": deadline_passed,
            "expected_value": expected,
            "gap_to_path": gap,
            "required_cagr": req,
            "required_cagr_from": np.where(np.isnan(req), _NONE, b_period),
            "required_cagr_from_now": req_now,
            "actual_cagr": act,
            "growth_ratio": ratio,
            "eurostat_class": np.where(class_ok, eurostat, _NONE),
            "anticipated_value": antic,
            "anticipated_gap": antic_gap,
            "met": met,
            "met_detail": "",
            "status": status,
            "outlook": outlook,
            "evidence": evidence,
            "method": method,
            "explanation": "",
            "name": _text(tg, "name"),
            "kind": kind,
            "comparator": comp,
            "target_qualifier": target_word,
            "unit": unit,
            "deadline": _text(tg, "deadline"),
            "target_value": target,
            "tolerance_used": np.where(comp == "about", tol, np.nan),
            "assessed_value": a,
            "assessed_period": a_period,
            "assessed_time": t,
            "assessed_qualifier": a_qual,
            "reference_time": t0,
            "clock_start_time": c0,
            "path_share": path_share,
            "pace_ratio": pace,
            "fully_met": np.where(have_a & (comp == "range"), fully, _NONE),
            "status_reason": reason,
            "observed_years": np.where(numeric, observed, 0).astype("int64"),
            "completed_period": completed,
        },
        index=pd.Index(tg["id"].to_numpy(dtype=object), name="target_id"),
    )
    out["latest_published"] = pd.to_datetime(out["latest_published"])
    fully_met = out["fully_met"].to_numpy(dtype=object)
    out["met"] = pd.Series(met, index=out.index, dtype=object)
    # text columns whose "unknown" is None (pandas would infer str and turn None into NaN)
    for col, values in (
        ("outlook", outlook),
        ("evidence", evidence),
        ("latest_qualifier", latest_word),
        ("target_qualifier", target_word),
        ("completed_period", completed),
    ):
        out[col] = pd.Series(values, index=out.index, dtype=object)
    out["fully_met"] = out["fully_met"].astype("boolean")
    out["deadline_passed"] = out["deadline_passed"].astype(bool)
    timing = np.select(
        [~reported, late, done_end <= t1 - 1 + 1e-9, in_time],
        [_NONE, "late", "early", "on time"],
        default="around the due date",
    )
    _add_text(out, tg, as_of, timing, met, fully_met)
    return out


#: Comparators of a target to be reached: once a figure reaches it, it counts as met.
_REACH = np.array(["at_least", "more_than", "range"], dtype=object)


def _compare(
    comp: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    t_lo: np.ndarray,
    t_hi: np.ndarray,
    target: np.ndarray,
    tol: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(proven met, proven not met) of values known to lie in [lo, hi] against T, itself
    in [t_lo, t_hi]; both false where the bounds leave it open."""
    kinds = [comp == c for c in ("at_least", "more_than", "at_most", "about", "range")]
    with np.errstate(invalid="ignore"):
        yes = np.select(
            kinds,
            [
                lo >= t_hi,
                lo > t_hi,
                hi <= t_lo,
                (lo >= t_hi * (1 - tol)) & (hi <= t_lo * (1 + tol)),
                lo >= target,
            ],
            default=False,
        )
        no = np.select(
            kinds,
            [
                hi < t_lo,
                hi <= t_lo,
                lo > t_hi,
                (hi < t_lo * (1 - tol)) | (lo > t_hi * (1 + tol)),
                hi < target,
            ],
            default=False,
        )
    return yes.astype(bool), no.astype(bool)


def _observed_years(
    level_obs: pd.DataFrame, tg: pd.DataFrame, has_base: np.ndarray, n: int
) -> np.ndarray:
    """Distinct periods with a stated (not derived) assessable figure, the stated baseline
    counted as one."""
    stated = level_obs[level_obs["stated"]][["row", "period_time"]]
    base_rows = np.flatnonzero(has_base)
    base = pd.DataFrame({"row": base_rows, "period_time": _numbers(tg, "baseline_time")[base_rows]})
    both = pd.concat([stated, base], ignore_index=True)
    both["period_time"] = both["period_time"].round(6)
    counts = both.drop_duplicates().groupby("row").size().reindex(range(n), fill_value=0)
    out: np.ndarray = counts.to_numpy(dtype=np.int64)
    return out


def _evidence(
    *,
    numeric: np.ndarray,
    have_a: np.ndarray,
    reported: np.ndarray,
    missed: np.ndarray,
    one_rate: np.ndarray,
    derived: np.ndarray,
    observed: np.ndarray,
    is_cum: np.ndarray,
    gap: np.ndarray,
) -> np.ndarray:
    """Plain words on what a status rests on (None where nothing was reported)."""
    years = np.array(
        [f"{k} observed year" + ("" if k == 1 else "s") for k in observed], dtype=object
    )
    figures = np.array(
        [
            f"{k} yearly figure" + ("" if k == 1 else "s") + (", a year missing" if g else "")
            for k, g in zip(observed, gap, strict=True)
        ],
        dtype=object,
    )
    return np.select(
        [
            ~numeric & reported,
            ~numeric & missed,
            ~numeric,
            ~have_a,
            one_rate,
            derived,
            is_cum,
        ],
        [
            "a report of completion",
            "a report that it was not done",
            _NONE,
            _NONE,
            "one year-on-year rate",
            "a derived point",
            figures,
        ],
        default=years,
    )


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
    any_figure: np.ndarray,
    has_base: np.ndarray,
    t: np.ndarray,
    t0: np.ndarray,
    at_deadline: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    target: np.ndarray,
    thin_class: np.ndarray,
    one_rate: np.ndarray,
) -> np.ndarray:
    """Why a numeric target is not assessable (the first reason that applies), in plain
    words."""
    with np.errstate(invalid="ignore"):
        return np.select(
            [
                ~have_a & is_cum & any_figure,
                ~have_a,
                at_deadline,
                np.isnan(t0) & is_cum,
                has_base & (t == t0),
                has_base & (t < t0),
                ~has_base & ~is_cum & (t <= t0),
                thin_class & one_rate,
                thin_class,
                (a <= 0) | (b <= 0) | (target <= 0),
            ],
            [
                "the plan's start year is unknown, so its yearly figures cannot be summed",
                "no figure published yet",
                "the figure or the target is only a bound, so it cannot be told whether "
                "the target was met",
                "the plan's start year is unknown, so there is no time path",
                "only the baseline is known",
                "no figure after the baseline period",
                "a single figure, no trend yet",
                "one year-on-year rate only, no observed trend",
                "a trend to or from a derived point, no observed trend",
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
    "time_elapsed_at_latest",
    "required_cagr_from_now",
    "assessed_period",
    "share_achieved",
    "deadline_passed",
    "outlook",
    "evidence",
    "target_qualifier",
    "completed_period",
    "latest_growth_yoy",
)


def _add_text(
    out: pd.DataFrame,
    tg: pd.DataFrame,
    as_of: date,
    timing: np.ndarray,
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
            "at_deadline": out["assessed_time"].to_numpy() >= out_t1 - 1e-9,
            "completed_timing": timing,
            "as_of": as_of.isoformat(),
        },
        index=out.index,
    )
    columns = {c: out[c].to_numpy(dtype=object).tolist() for c in _TEXT_INPUTS}
    columns.update({c: extra[c].to_numpy(dtype=object).tolist() for c in extra.columns})
    columns["met"] = [None if v is None else bool(v) for v in met]
    columns["fully_met"] = [None if v is None else bool(v) for v in fully_met]
    columns["deadline_passed"] = [bool(v) for v in columns["deadline_passed"]]
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
