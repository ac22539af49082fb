"""Facts of 003_6e137014eb55f111.txt (undated China Daily item, 2021: Shanghai's plan for
high-end industries, 2021-25), checked by hand against the document."""

from __future__ import annotations

from datetime import date

import pytest
from dataset_checks import check_goals, cited_source, plan_of, read_seed

from xlreport.data import load_embedded_dataset
from xlreport.model import Certainty, Comparator, Precision, Qualifier, TargetKind

SOURCE = "chinadaily-2021-shanghai-highend"
FILE = "003_6e137014eb55f111.txt"
P = "shanghai-highend-2025."

ds = load_embedded_dataset()
targets = {t.id.removeprefix(P): t for t in ds.targets if t.source_id == SOURCE}
observations = {o.id: o for o in ds.observations if o.source_id == SOURCE}


@pytest.fixture(scope="module")
def text() -> str:
    return read_seed(FILE)


def test_the_undated_item_is_dated_to_its_year_by_inference(text: str) -> None:
    src = cited_source(ds, SOURCE, FILE)
    assert "Daily Mail-China Daily News exchange item" in text
    assert "China Daily" in src.publisher
    # No date in the text; 2020 is "last year", so it appeared in 2021.
    assert "207 billion yuan in 2020" in text and "last year" in text
    assert src.published == date(2021, 1, 1)
    assert (src.published_precision, src.published_certainty) == (
        Precision.YEAR, Certainty.INFERRED
    )  # fmt: skip
    assert src.published_basis  # says how the year was worked out
    assert src.vintage == date(2021, 12, 31)  # public for certain only from the year's end
    assert all(o.published == date(2021, 12, 31) for o in observations.values())
    plan = plan_of(ds, SOURCE)
    assert (plan.id, plan.start_year, plan.end_year) == ("shanghai-highend-2025", 2021, 2025)


def test_the_multiples_of_the_2020_base(text: str) -> None:
    assert "shall see their respective scale more than double by the end of 2025" in text
    for key, base in [("ic-scale", 207e9), ("biomedicine-scale", 600e9), ("ai-scale", 220e9)]:
        t = targets[key]
        assert (t.kind, t.comparator, t.multiple) == (
            TargetKind.MULTIPLE, Comparator.MORE_THAN, 2.0
        ), key  # fmt: skip
        assert (t.baseline_value, t.baseline_period) == (base, "2020"), key
        assert t.value == 2 * base, key  # 414e9, 1.2e12, 440e9
        assert t.deadline == "2025"
    # "exceed 600 billion yuan": the base is only a lower bound
    assert targets["biomedicine-scale"].baseline_qualifier is Qualifier.LOWER_BOUND
    assert targets["ic-scale"].baseline_qualifier is Qualifier.EXACT


def test_the_other_goals(text: str) -> None:
    expected = {
        # key: (kind, comparator, value, unit, quoted words)
        "high-level-projects": (TargetKind.CUMULATIVE, Comparator.AT_LEAST, 100.0, "projects",
                                "At least 100 high-level industrial projects"),
        "industrial-investment": (TargetKind.CUMULATIVE, Comparator.MORE_THAN, 850e9, "CNY",
                                  "top 850 billion yuan ($132 billion)"),
        "key-clusters": (TargetKind.LEVEL, Comparator.AT_LEAST, 6.0, "clusters",
                         "Six key industrial clusters"),
        "display-value": (TargetKind.LEVEL, Comparator.AT_LEAST, 70e9, "CNY",
                          "expected to reach 70 billion yuan by 2025"),
        "smart-sensors-value": (TargetKind.LEVEL, Comparator.AT_LEAST, 80e9, "CNY",
                                "smart sensors should reach 80 billion yuan"),
        "software-revenue": (TargetKind.LEVEL, Comparator.MORE_THAN, 1.5e12, "CNY",
                             "should exceed 1.5 trillion yuan by the end of 2025"),
        "medical-devices-value": (TargetKind.LEVEL, Comparator.AT_LEAST, 60e9, "CNY",
                                  "expected to be 60 billion yuan by 2025"),
        "nev-output": (TargetKind.LEVEL, Comparator.MORE_THAN, 1.2e6, "vehicles",
                       "annual output should exceed 1.2 million units by 2025"),
        "nev-industry-value": (TargetKind.LEVEL, Comparator.MORE_THAN, 350e9, "CNY",
                               "value top 350 billion yuan"),
        "knowledge-services-share": (TargetKind.SHARE, Comparator.AT_LEAST, 2 / 3, "percent",
                                     "at least two-thirds"),
    }  # fmt: skip
    assert set(targets) == set(expected) | {"ic-scale", "biomedicine-scale", "ai-scale"}
    check_goals(targets, expected, text)
    assert {k: targets[k].deadline for k in expected} == dict.fromkeys(expected, "2025")
    assert targets["industrial-investment"].published_usd == 132e9
    assert (targets["nev-output"].baseline_value, targets["nev-output"].baseline_period) == (
        238_600.0, "2020"
    )  # fmt: skip


def test_the_2020_figures(text: str) -> None:
    assert "surged 21 percent year-on-year to 207 billion yuan in 2020" in text
    ic = observations["shanghai.ic-turnover.2020"]
    assert (ic.period, ic.value, ic.growth_yoy) == ("2020", 207e9, 0.21)
    derived = observations["shanghai.ic-turnover.2019.derived"]
    assert derived.derived and derived.period == "2019"
    assert derived.value == pytest.approx(171_074_380_165.29, abs=0.01)  # 207e9 / 1.21
    assert "biomedicine industry exceed 600 billion yuan" in text
    bio = observations["shanghai.biomedicine-value.2020"]
    assert bio.value == 600e9 and bio.qualifier is Qualifier.LOWER_BOUND
    assert "AI reached 220 billion yuan" in text
    assert observations["shanghai.ai-value.2020"].value == 220e9
    assert "churned out 238,600 new energy vehicles in 2020" in text
    nev = observations["shanghai.nev-output.2020"]
    assert (nev.value, nev.unit, nev.target_id) == (238_600.0, "vehicles", P + "nev-output")
    assert len(observations) == 5
