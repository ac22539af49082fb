"""Benchmark: progress of 100,000 SYNTHETIC targets, vectorised vs a loop over the scalar.

Run: ``.venv/bin/python bench/bench_progress.py [--targets 100000] [--sample 1000]``

The targets and observations are synthetic (random values, labelled ``synthetic`` in
their ids and names); they mix level targets with and without a baseline, falling
targets, "about" and range targets, cumulative counts and milestones, with two to four
observations each (some revised, some derived). ``compute_progress`` runs once over all
of them; ``progress_for_target`` (what an Excel cell calls) runs in a Python loop over a
random sample and its time is scaled to all targets. The sample's results are checked
against the vectorised run before the table is printed.
"""

from __future__ import annotations

import argparse
import math
import time
from datetime import date

import numpy as np
import pandas as pd

from xlreport.frames import OBSERVATION_COLUMNS, TARGET_COLUMNS
from xlreport.progress import compute_progress, progress_for_target

AS_OF = date(2024, 12, 31)


def build_targets(n: int, rng: np.random.Generator) -> pd.DataFrame:
    ids = np.array([f"synthetic.t{i:06d}" for i in range(n)], dtype=object)
    kind = rng.choice(
        np.array(["level", "level", "level", "cumulative", "multiple", "milestone"], dtype=object),
        n,
    )
    comp = rng.choice(np.array(["at_least", "more_than", "about", "at_most", "range"]), n)
    comp = np.where(kind == "milestone", None, comp).astype(object)
    comp = np.where(kind == "multiple", "more_than", comp).astype(object)
    base = rng.uniform(50, 500, n)
    has_base = (kind == "multiple") | ((kind == "level") & (rng.random(n) < 0.7))
    value = np.where(
        comp == "at_most", base * rng.uniform(0.4, 0.9, n), base * rng.uniform(1.2, 3, n)
    )
    multiple = np.where(kind == "multiple", 2.0, np.nan)
    value = np.where(kind == "multiple", 2.0 * base, value)
    low = np.where(comp == "range", np.floor(value), np.nan)
    high = np.where(comp == "range", np.floor(value) + 5, np.nan)
    value = np.where((comp == "range") | (kind == "milestone"), np.nan, value)
    start = rng.choice(np.array([2021.0, 2021.0, np.nan]), n)
    deadline_year = rng.choice(np.array([2025, 2026, 2030]), n)
    frame = pd.DataFrame(
        {
            "id": ids,
            "plan_id": "synthetic.plan",
            "name": [f"synthetic target {i}" for i in range(n)],
            "indicator": ids,
            "kind": kind,
            "comparator": comp,
            "value": value,
            "low": low,
            "high": high,
            "tolerance": np.where((comp == "about") & (rng.random(n) < 0.3), 0.1, np.nan),
            "multiple": multiple,
            "unit": np.where(kind == "milestone", None, "CNY").astype(object),
            "deadline": deadline_year.astype(str).astype(object),
            "baseline_value": np.where(has_base, base, np.nan),
            "baseline_period": np.where(has_base, "2020", None).astype(object),
            "baseline_qualifier": "exact",
            "published_usd": np.nan,
            "source_id": "synthetic",
            "note": "",
            "deadline_time": deadline_year.astype(float),
            "deadline_date": pd.to_datetime([f"{y}-12-31" for y in deadline_year]),
            "baseline_time": np.where(has_base, 2020.0, np.nan),
            "plan_start_year": start,
            "plan_end_year": 2030.0,
        }
    )
    return frame[list(TARGET_COLUMNS)]


def build_observations(targets: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    n = len(targets)
    per = rng.integers(2, 5, n)  # 2-4 observations per target
    row = np.repeat(np.arange(n), per)
    k = np.concatenate([np.arange(c) for c in per])
    year = 2020 + k + 1  # 2021, 2022, ...
    m = len(row)
    base = np.nan_to_num(targets["baseline_value"].to_numpy(), nan=100.0)[row]
    value = base * (1 + rng.normal(0.08, 0.1, m)) ** (k + 1)
    derived = rng.random(m) < 0.05
    revised = rng.random(m) < 0.1  # a second vintage of the same period
    published = pd.to_datetime([f"{y + 1}-03-01" for y in year])
    frame = pd.DataFrame(
        {
            "id": [f"synthetic.o{i:07d}" for i in range(m)],
            "indicator": targets["indicator"].to_numpy()[row],
            "target_id": targets["id"].to_numpy()[row],
            "period": year.astype(str).astype(object),
            "value": value,
            "growth_yoy": np.nan,
            "unit": targets["unit"].fillna("items").to_numpy()[row],
            "qualifier": "exact",
            "cumulative": False,
            "source_id": "synthetic",
            "published": published,
            "derived": derived,
            "derivation": np.where(derived, "synthetic", ""),
            "note": "",
            "period_kind": "year",
            "period_year": year,
            "period_sub": 0,
            "period_time": year.astype(float),
            "period_start_time": year - 1.0,
            "period_end": pd.to_datetime([f"{y}-12-31" for y in year]),
            "period_months": 12,
        }
    )
    again = frame[revised].copy()
    again["id"] = again["id"] + ".rev"
    again["value"] = again["value"] * 1.02
    again["published"] = again["published"] + pd.Timedelta(days=120)
    return pd.concat([frame, again], ignore_index=True)[list(OBSERVATION_COLUMNS)]


def _same(a: object, b: object) -> tuple[bool, float]:
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) and math.isnan(b):
            return True, 0.0
        if a == b:
            return True, 0.0
        rel = abs(a - b) / max(abs(a), abs(b))
        return rel <= 1e-12, rel
    if pd.isna(a) if not isinstance(a, str) else False:
        return bool(pd.isna(b)), 0.0
    return a == b, 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=20240525)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    targets = build_targets(args.targets, rng)
    observations = build_observations(targets, rng)

    t0 = time.perf_counter()
    vector = compute_progress(targets, observations, AS_OF)
    vector_s = time.perf_counter() - t0

    sample = rng.choice(
        targets["id"].to_numpy(), size=min(args.sample, len(targets)), replace=False
    )
    t0 = time.perf_counter()
    loop = [progress_for_target(tid, targets, observations, AS_OF) for tid in sample]
    loop_s = time.perf_counter() - t0
    per_target = loop_s / len(sample)
    loop_all_s = per_target * len(targets)

    worst = 0.0
    for one in loop:
        expected = vector.loc[one["target_id"]]
        for key in vector.columns:
            ok, rel = _same(one[key], expected[key])
            worst = max(worst, rel)
            if not ok:
                raise SystemExit(
                    f"MISMATCH {one['target_id']} {key}: {one[key]!r} != {expected[key]!r}"
                )

    statuses = vector["status"].value_counts().to_dict()
    print(
        f"Progress benchmark (synthetic data): {len(targets):,} targets, "
        f"{len(observations):,} observations, as of {AS_OF}"
    )
    print(f"statuses: {statuses}")
    print(
        f"loop over progress_for_target timed on a random sample of {len(sample):,} targets, "
        "scaled linearly to all targets"
    )
    print(f"sample results identical to the vectorised run (max relative difference {worst:.1e})")
    print()
    print(f"{'method':<44}{'seconds':>12}{'per target':>14}{'ratio':>9}")
    print(
        f"{'vectorised compute_progress (all targets)':<44}{vector_s:>12.2f}"
        f"{vector_s / len(targets) * 1e6:>11.1f} us{1:>9.1f}"
    )
    print(
        f"{'loop of progress_for_target (scaled)':<44}{loop_all_s:>12.1f}"
        f"{per_target * 1e6:>11.0f} us{loop_all_s / vector_s:>9.1f}"
    )
    print()
    print(f"speed-up of the vectorised engine: {loop_all_s / vector_s:.0f}x (goal: at least 20x)")


if __name__ == "__main__":
    main()
