"""Facts of 001_98401e7fb82e348b.txt (Lin-gang's own site, 12 April 2021: goals of the
14th Five-Year Plan for 2025), checked by hand against the document."""

from __future__ import annotations

from datetime import date

import pytest
from dataset_checks import check_goals, cited_source, plan_of, read_seed

from xlreport.data import load_embedded_dataset
from xlreport.model import Certainty, Comparator, Precision, TargetKind

SOURCE = "lgxc-2021-04-12-14th-fyp"
FILE = "001_98401e7fb82e348b.txt"

ds = load_embedded_dataset()
targets = {t.id.removeprefix("lingang-2025."): t for t in ds.targets if t.source_id == SOURCE}


@pytest.fixture(scope="module")
def text() -> str:
    return read_seed(FILE)


def test_the_source_is_cited_as_printed(text: str) -> None:
    src = cited_source(ds, SOURCE, FILE)
    assert "Updated: Apr 12, 2021" in text and "en.lgxc.gov.cn" in text
    assert src.published == date(2021, 4, 12)
    assert (src.published_precision, src.published_certainty) == (
        Precision.DAY, Certainty.STATED
    )  # fmt: skip
    assert "en.lgxc.gov.cn" in src.publisher
    plan = plan_of(ds, SOURCE)
    assert (plan.id, plan.start_year, plan.end_year) == ("lingang-2025", 2021, 2025)


def test_every_goal_for_2025(text: str) -> None:
    assert set(targets) == {
        "core-tech-projects", "high-tech-enterprises", "innovation-platforms",
        "cutting-edge-scale", "industrial-output", "industrial-clusters",
        "high-standard-opening",
    }  # fmt: skip
    assert all(t.deadline == "2025" and t.plan_id == "lingang-2025" for t in targets.values())
    expected = {
        # id: (kind, comparator, value, unit, quoted words)
        "core-tech-projects": (TargetKind.CUMULATIVE, Comparator.AT_LEAST, 100.0, "projects",
                               "100 key core technology research and development projects"),
        "high-tech-enterprises": (TargetKind.CUMULATIVE, Comparator.MORE_THAN, 1000.0,
                                  "enterprises", "added more than 1,000 high-tech enterprises"),
        "innovation-platforms": (TargetKind.CUMULATIVE, Comparator.MORE_THAN, 30.0, "platforms",
                                 "more than 30 open industrial innovation platforms"),
        "cutting-edge-scale": (TargetKind.LEVEL, Comparator.ABOUT, 600e9, "CNY",
                               "about 600 billion yuan ($91.44 billion)"),
        "industrial-output": (TargetKind.LEVEL, Comparator.AT_LEAST, 500e9, "CNY",
                              "industrial output value at 500 billion yuan"),
    }  # fmt: skip
    check_goals(targets, expected, text)
    assert targets["cutting-edge-scale"].published_usd == 91.44e9
    assert targets["cutting-edge-scale"].tolerance is None  # "about": the default band
    assert "three to five industrial clusters" in text
    clusters = targets["industrial-clusters"]
    assert (clusters.comparator, clusters.low, clusters.high, clusters.value) == (
        Comparator.RANGE, 3.0, 5.0, None
    )  # fmt: skip
    assert "achieved its opening up to a high standard in all areas" in text
    opening = targets["high-standard-opening"]
    assert opening.kind is TargetKind.MILESTONE and opening.value is None


def test_the_plan_gives_no_baselines_and_no_actuals() -> None:
    assert all(t.baseline_value is None for t in targets.values())
    assert [o for o in ds.observations if o.source_id == SOURCE] == []
