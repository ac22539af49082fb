"""Which observation is in force as of a date: revisions supersede, nothing is lost."""

from __future__ import annotations

from datetime import date

from xlreport.model import Observation
from xlreport.vintage import current_observations, disagreements


def _obs(id_: str, value: float, published: date, **over: object) -> Observation:
    data: dict[str, object] = {
        "id": id_,
        "indicator": "x.output",
        "period": "2023",
        "value": value,
        "unit": "CNY",
        "source_id": "s1",
        "published": published,
    }
    data.update(over)
    return Observation.model_validate(data)


FIRST = _obs("x.2023.v1", 100.0, date(2024, 1, 20))
REVISED = _obs("x.2023.v2", 104.0, date(2024, 6, 30))


def test_as_of_before_the_revision_sees_the_first_vintage() -> None:
    assert current_observations([FIRST, REVISED], date(2024, 3, 31)) == [FIRST]


def test_revision_supersedes_once_published() -> None:
    assert current_observations([FIRST, REVISED], date(2024, 7, 1)) == [REVISED]


def test_nothing_is_visible_before_publication() -> None:
    assert current_observations([FIRST, REVISED], date(2024, 1, 19)) == []


def test_stated_figure_beats_a_later_derived_one() -> None:
    derived = _obs(
        "x.2023.derived",
        99.0,
        date(2025, 1, 1),
        derived=True,
        derivation="108.9 / 1.1",
    )
    assert current_observations([FIRST, derived], None) == [FIRST]


def test_sources_that_disagree_are_reported() -> None:
    other = _obs("x.2023.other", 97.0, date(2024, 2, 1), source_id="s2")
    groups = disagreements([FIRST, other], None)
    assert [[o.id for o in g] for g in groups] == [["x.2023.v1", "x.2023.other"]]
