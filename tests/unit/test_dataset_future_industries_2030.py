"""Facts of 004_673a45e4a74c7541.txt (undated: Shanghai's action plan for industries of
the future, to 2030), checked by hand against the document."""

from __future__ import annotations

import pytest
from dataset_checks import cited_source, plan_of, read_seed

from xlreport.data import load_embedded_dataset
from xlreport.model import Certainty, Comparator, Precision, TargetKind

SOURCE = "future-industries-2030-shanghai"
FILE = "004_673a45e4a74c7541.txt"
P = "shanghai-future-2030."

ds = load_embedded_dataset()
targets = {t.id.removeprefix(P): t for t in ds.targets if t.source_id == SOURCE}


@pytest.fixture(scope="module")
def text() -> str:
    return read_seed(FILE)


def test_the_undated_document_has_no_date(text: str) -> None:
    src = cited_source(ds, SOURCE, FILE)
    assert text.startswith("Shanghai unveils action plan to boost industries of the future")
    assert src.title == "Shanghai unveils action plan to boost industries of the future"
    assert "Huang Yixuan" in text and "Huang Yixuan" in src.publisher
    assert src.published is None and src.vintage is None
    assert (src.published_precision, src.published_certainty) == (
        Precision.UNKNOWN, Certainty.UNKNOWN
    )  # fmt: skip
    plan = plan_of(ds, SOURCE)
    assert (plan.id, plan.start_year, plan.end_year) == ("shanghai-future-2030", None, 2030)
    assert [o for o in ds.observations if o.source_id == SOURCE] == []


def test_the_output_goal(text: str) -> None:
    assert (
        "about 500 billion yuan (US$69.79 billion) in the industries of the future by 2030" in text
    )
    out = targets["output"]
    assert (out.kind, out.comparator, out.value, out.unit) == (
        TargetKind.LEVEL, Comparator.ABOUT, 500e9, "CNY"
    )  # fmt: skip
    assert out.published_usd == 69.79e9 and out.deadline == "2030"


def test_the_counts(text: str) -> None:
    expected = {
        # key: (comparator, value, unit, quoted words); "about" where the text says so
        "tech-colleges": (Comparator.ABOUT, 5.0, "colleges",
                          "about five future technology colleges"),
        "innovation-centers": (Comparator.ABOUT, 15.0, "centers",
                               "about 15 future industry innovation centers"),
        "clusters": (Comparator.AT_LEAST, 5.0, "clusters",
                     "building five future industrial clusters"),
        "pioneering-areas": (Comparator.ABOUT, 15.0, "areas", "about 15 pioneering areas"),
        "core-components": (Comparator.ABOUT, 100.0, "components",
                            "about a hundred core components"),
        "high-end-products": (Comparator.AT_LEAST, 100.0, "products",
                              "launching a hundred high-end products"),
        "chinese-standards": (Comparator.ABOUT, 100.0, "standards",
                              'about a hundred "Chinese standards"'),
        "leading-enterprises": (Comparator.ABOUT, 10.0, "enterprises",
                                "about 10 leading enterprises"),
        "eco-led-enterprises": (Comparator.ABOUT, 20.0, "enterprises",
                                "about 20 eco-led enterprises"),
        "tech-centers": (Comparator.ABOUT, 100.0, "centers",
                         "about a hundred corporate technology centers"),
        "high-tech-enterprises": (Comparator.AT_LEAST, 1000.0, "enterprises",
                                  "nurture a thousand high-tech enterprises"),
    }  # fmt: skip
    assert set(targets) == set(expected) | {"output", "leading-clusters-2035"}
    for key, (comparator, value, unit, words) in expected.items():
        t = targets[key]
        assert (t.kind, t.comparator, t.value, t.unit) == (
            TargetKind.CUMULATIVE, comparator, value, unit
        ), key  # fmt: skip
        assert t.deadline == "2030", key  # recorded against the plan's horizon
        assert words in text, key


def test_the_2035_milestone(text: str) -> None:
    assert "form a number of leading globally-advanced industrial clusters as of 2035" in text
    m = targets["leading-clusters-2035"]
    assert (m.kind, m.comparator, m.value, m.deadline) == (TargetKind.MILESTONE, None, None, "2035")
