"""Small synthetic datasets for the progress tests (labelled synthetic: not from a document)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from xlreport.frames import observations_frame, targets_frame
from xlreport.model import Dataset
from xlreport.progress import compute_progress

SOURCE = {
    "id": "syn",
    "title": "Synthetic test data",
    "publisher": "tests",
    "published": date(2020, 1, 1),
}


def target(tid: str = "p.t", **over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": tid,
        "plan_id": "p",
        "name": f"synthetic {tid}",
        "indicator": tid,
        "kind": "level",
        "comparator": "at_least",
        "value": 200.0,
        "unit": "CNY",
        "deadline": "2025",
        "baseline_value": 100.0,
        "baseline_period": "2020",
        "source_id": "syn",
    }
    base.update(over)
    return {k: v for k, v in base.items() if v is not None}


def milestone(tid: str = "p.t", **over: Any) -> dict[str, Any]:
    """A milestone target (no number, no unit, no baseline) due by 2025, unless ``over``."""
    return target(
        tid,
        kind="milestone",
        comparator=None,
        value=None,
        unit=None,
        baseline_value=None,
        baseline_period=None,
        **over,
    )


def obs(indicator: str, period: str, value: float | None, **over: Any) -> dict[str, Any]:
    published = over.pop("published", date(2024, 3, 1))
    oid = over.pop("id", f"{indicator}.{period.lower()}.{published:%Y%m%d}")
    base: dict[str, Any] = {
        "id": oid,
        "indicator": indicator,
        "period": period,
        "value": value,
        "unit": "CNY",
        "source_id": "syn",
        "published": published,
    }
    base.update(over)
    return {k: v for k, v in base.items() if v is not None}


def dataset(
    targets: list[dict[str, Any]], observations: list[dict[str, Any]], start_year: int | None = 2021
) -> Dataset:
    plan: dict[str, Any] = {"id": "p", "name": "Synthetic plan", "issuer": "tests"}
    plan.update({"end_year": 2025, "source_id": "syn"})
    if start_year is not None:
        plan["start_year"] = start_year
    return Dataset.build(
        sources=(SOURCE,), plans=(plan,), targets=tuple(targets), observations=tuple(observations)
    )


def progress(
    targets: list[dict[str, Any]],
    observations: list[dict[str, Any]],
    as_of: date = date(2024, 12, 31),
    *,
    start_year: int | None = 2021,
    tolerance: float = 0.05,
) -> pd.DataFrame:
    ds = dataset(targets, observations, start_year)
    return compute_progress(targets_frame(ds), observations_frame(ds), as_of, tolerance=tolerance)
