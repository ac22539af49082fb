"""Facts of 002_26a74e8b2bfeab02.txt (press conference on Lin-gang's third anniversary,
20 August 2022), checked by hand against the document."""

from __future__ import annotations

from datetime import date

import pytest
from dataset_checks import cited_source, read_seed

from xlreport.data import load_embedded_dataset
from xlreport.model import Certainty, Precision, Qualifier

SOURCE = "pressconf-2022-08-20-lingang"
FILE = "002_26a74e8b2bfeab02.txt"

ds = load_embedded_dataset()
observations = {o.id: o for o in ds.observations if o.source_id == SOURCE}


@pytest.fixture(scope="module")
def text() -> str:
    return read_seed(FILE)


def test_the_source_is_cited_as_printed(text: str) -> None:
    src = cited_source(ds, SOURCE, FILE)
    assert "Updated: Aug 20,2022" in text
    assert src.published == date(2022, 8, 20)
    assert (src.published_precision, src.published_certainty) == (
        Precision.DAY, Certainty.STATED
    )  # fmt: skip
    # The whole heading, with its machine-translation wording kept as published.
    assert src.title == (
        "In the past three superior, the industry in this area of Shanghai has developed at "
        "a high speed and with high quality. The function of a growth pole has been "
        "significantly enhanced, and the energy level has been continuously improved"
    )
    assert text.splitlines()[0].strip() == src.title
    assert src.publisher.startswith("Not named in the document")
    assert "Chief Engineer of Shanghai Municipal Commission of Economy" in text
    assert "Commission of Economy and Informatization" in src.attributed_to


def test_the_three_figures_it_reports(text: str) -> None:
    assert set(observations) == {
        "lingang.industrial-output-avg-growth.2019-2021",
        "lingang.frontier-industry-scale.2021",
        "lingang.industrial-output.2022-ytd06",
    }
    assert all(o.published == date(2022, 8, 20) and not o.derived for o in observations.values())
    assert "average annual growth rate of total industrial output has reached 40%" in text
    avg = observations["lingang.industrial-output-avg-growth.2019-2021"]
    assert (avg.period, avg.value, avg.unit) == ("2019/2021", 0.4, "percent")
    assert "In 2021, the total size of frontier industries will reach nearly RMB340 billion" in text
    frontier = observations["lingang.frontier-industry-scale.2021"]
    assert (frontier.period, frontier.value, frontier.unit) == ("2021", 340e9, "CNY")
    assert frontier.qualifier is Qualifier.UPPER_BOUND  # "nearly"
    assert frontier.target_id == "lingang-2025.cutting-edge-scale"
    assert "first half of 2022, the planned total industrial output increased by 27%" in text
    h1 = observations["lingang.industrial-output.2022-ytd06"]
    assert (h1.period, h1.value, h1.growth_yoy) == ("2022-YTD06", None, 0.27)
    assert h1.period_obj.months == 6  # January to June


def test_it_sets_no_targets() -> None:
    assert [t for t in ds.targets if t.source_id == SOURCE] == []
    assert [p for p in ds.plans if p.source_id == SOURCE] == []
