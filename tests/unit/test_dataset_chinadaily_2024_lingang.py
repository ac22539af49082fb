"""Facts of 000_46b111438a413db0.txt (China Daily, 25 May 2024: Lin-gang pioneering
industries to 2030; Lin-gang's 2023 results), checked by hand against the document."""

from __future__ import annotations

from datetime import date

import pytest
from dataset_checks import cited_source, plan_of, read_seed

from xlreport.data import load_embedded_dataset
from xlreport.model import Certainty, Comparator, Precision, Qualifier, TargetKind

SOURCE = "chinadaily-2024-05-25-lingang"
FILE = "000_46b111438a413db0.txt"

ds = load_embedded_dataset()
targets = {t.id: t for t in ds.targets if t.source_id == SOURCE}
observations = {o.id: o for o in ds.observations if o.source_id == SOURCE}


@pytest.fixture(scope="module")
def text() -> str:
    return read_seed(FILE)


def test_the_source_is_cited_as_printed(text: str) -> None:
    src = cited_source(ds, SOURCE, FILE)
    assert "Updated: May 25, 2024" in text and "chinadaily.com.cn" in text
    assert src.published == date(2024, 5, 25)
    assert src.published_precision is Precision.DAY
    assert src.published_certainty is Certainty.STATED
    assert src.publisher.startswith("China Daily")
    assert src.attributed_to == "Shanghai Municipal Commission of Economy and Informatization"
    assert src.vintage == date(2024, 5, 25)


def test_the_plan_and_its_three_goals(text: str) -> None:
    plan = plan_of(ds, SOURCE)
    assert (plan.id, plan.start_year, plan.end_year) == ("lingang-pioneer-2030", None, 2030)
    assert set(targets) == {
        "lingang-pioneer-2030.output",
        "lingang-pioneer-2030.icv-zone",
        "lingang-pioneer-2030.tesla-storage",
    }
    # "amounting to 100 billion yuan ($13.88 billion) by 2030"
    assert "amounting to 100 billion yuan ($13.88 billion) by 2030" in text
    out = targets["lingang-pioneer-2030.output"]
    assert (out.kind, out.comparator) == (TargetKind.LEVEL, Comparator.AT_LEAST)
    assert out.value == 100e9 and out.unit == "CNY" and out.deadline == "2030"
    assert out.published_usd == 13.88e9  # the writer's rate: 100 / 13.88 = 7.2046 yuan/$
    # "a pioneering innovation zone featuring intelligent connected vehicles ... in 2025"
    zone = targets["lingang-pioneer-2030.icv-zone"]
    assert (zone.kind, zone.comparator, zone.value, zone.deadline) == (
        TargetKind.MILESTONE, None, None, "2025"
    )  # fmt: skip
    # "Tesla's 40GWh energy storage project will be put into use by the end of this year"
    assert "40GWh energy storage project will be put into use by the end of this year" in text
    tesla = targets["lingang-pioneer-2030.tesla-storage"]
    assert tesla.kind is TargetKind.MILESTONE and tesla.comparator is None
    assert (tesla.value, tesla.unit) == (40.0, "GWh")
    assert tesla.deadline_date == date(2024, 12, 31)  # "this year" = year of publication


def test_the_2023_results(text: str) -> None:
    assert "surged 22.5 percent year-on-year to 433.3 billion yuan in 2023" in text
    out = observations["lingang.industrial-output.2023"]
    assert (out.period, out.value, out.growth_yoy) == ("2023", 433.3e9, 0.225)
    assert out.target_id == "lingang-2025.industrial-output"
    assert out.published == date(2024, 5, 25) and not out.derived
    assert "146.2 billion yuan in 2023, up 10.3 percent" in text
    fai = observations["lingang.fixed-asset-investment.2023"]
    assert (fai.value, fai.growth_yoy, fai.target_id) == (146.2e9, 0.103, None)
    assert "A total of 109 frontier industry projects" in text
    projects = observations["lingang.frontier-projects-introduced.2023"]
    assert (projects.value, projects.unit) == (109.0, "projects")
    assert "approaching 100.8 billion yuan" in text
    invest = observations["lingang.frontier-projects-investment.2023"]
    assert invest.value == 100.8e9 and invest.qualifier is Qualifier.UPPER_BOUND


def test_the_2022_values_implied_by_the_growth_rates_are_marked_derived() -> None:
    out = observations["lingang.industrial-output.2022.derived"]
    assert out.period == "2022" and out.derived and "1 + 22.5%" in out.derivation
    assert out.value == pytest.approx(353_714_285_714.29, abs=0.01)  # 433.3e9 / 1.225
    assert out.value * 1.225 == pytest.approx(433.3e9, rel=1e-15)
    fai = observations["lingang.fixed-asset-investment.2022.derived"]
    assert fai.derived and fai.value == pytest.approx(132_547_597_461.47, abs=0.01)  # 146.2e9/1.103
    assert len(observations) == 6  # four stated figures, two derived
