"""Drafts as JSON and as plan data that the model accepts (synthetic announcement)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlreport.cli.draft_output import draft_json
from xlreport.draft import JSON_KEYS, draft_dataset, draft_text, item_json
from xlreport.errors import DraftInputError

# synthetic: written for this test
TEXT = (
    "Riverside plans bigger chip industry\n\n"
    "Riverside will lift the output of its chip industry to more than 300 billion yuan "
    "($41.7 billion) by 2026. "
    "The IC industry shall see its scale more than double by the end of 2026. "
    "The IC industry's turnover reached 120 billion yuan in 2023. "
    "The share of local chips should reach 35 percent by 2026, up from 22 percent in 2024. "
    "A testing centre should be built in the park in 2025."
)
PUB = date(2024, 6, 1)


def test_json_objects_have_exactly_the_issue_keys() -> None:
    draft = draft_text(TEXT, published=PUB)
    for item in draft.items:
        obj = item_json(item)
        assert tuple(obj) == JSON_KEYS
        assert TEXT[obj["start"] : obj["end"]] == obj["quote"]


def test_dataset_of_a_draft_validates_and_links() -> None:
    draft = draft_text(TEXT, name="riverside.txt", published=PUB)
    ds, review = draft_dataset([draft], published=PUB, source_ids=["riverside-draft"])
    assert [s.id for s in ds.sources] == ["riverside-draft"]
    assert ds.sources[0].title == "Riverside plans bigger chip industry"
    (plan,) = ds.plans
    assert plan.end_year == 2026
    by_kind = {t.kind.value: t for t in ds.targets}
    level = next(t for t in ds.targets if t.value == 300e9)
    assert (level.comparator.value, level.published_usd) == ("more_than", 41.7e9)
    multiple = by_kind["multiple"]
    # 2 x 120 billion = 240 billion, with the baseline it came from
    assert (multiple.value, multiple.multiple, multiple.baseline_value) == (240e9, 2.0, 120e9)
    assert multiple.baseline_period == "2023"
    share = by_kind["share"]
    assert (share.value, share.baseline_value, share.baseline_period) == (0.35, 0.22, "2024")
    milestone = by_kind["milestone"]
    assert (milestone.deadline, milestone.value, milestone.comparator) == ("2025", None, None)
    base = next(o for o in ds.observations if o.value == 120e9)
    assert base.target_id == multiple.id and base.indicator == multiple.indicator
    assert base.published == PUB
    # one review row per record, in order, each quoting its sentence with offsets
    assert len(review["targets"]) == len(ds.targets)
    assert len(review["observations"]) == len(ds.observations)
    for target, marks in zip(ds.targets, review["targets"], strict=True):
        assert marks.draft.startswith("draft, confidence ")
        assert marks.quote.startswith("riverside.txt [")
        assert target.note.startswith("Drafted from riverside.txt [")


def test_workbook_rows_of_reported_figures_need_a_publication_date() -> None:
    draft = draft_text(TEXT, published=PUB)
    with pytest.raises(DraftInputError, match="--published"):
        draft_dataset([draft], published=None)


def test_json_escapes_terminal_controls() -> None:
    text = "The city will build 40 stations\x1b[2J\x9b by 2026."
    out = draft_json([draft_text(text, published=PUB)])
    assert "\x1b" not in out and "\x9b" not in out
    assert "\\u001b" in out and "\\u009b" in out


@given(st.integers(min_value=1, max_value=10**9))
def test_any_grouped_count_is_read_exactly(n: int) -> None:
    (item,) = draft_text(f"The zone will add {n:,} enterprises by 2030.").items
    assert (item.value, item.unit) == (float(n), "enterprises")


@given(
    st.decimals(min_value="0.1", max_value="999.9", places=1),
    st.sampled_from([("billion", 10**9), ("trillion", 10**12), ("million", 10**6)]),
)
def test_scaled_amounts_are_full_units(number: object, scale: tuple[str, int]) -> None:
    word, factor = scale
    (item,) = draft_text(f"Output should reach {number} {word} yuan by 2030.").items
    assert item.value == pytest.approx(float(str(number)) * factor, rel=1e-12)
    assert item.unit == "CNY"
