"""Every status of the engine on cases built here (synthetic data, not from a document).

The plan runs 2021-25; targets are due "by 2025" (2025-12-31). The final (2025) figure is
published on 2026-03-01, so an as-of date of 2026-02-01 is after the deadline but before
the final figure, and 2026-06-30 is after both.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pytest
from progress_builders import milestone, obs, progress, target

BEFORE_FINAL = date(2026, 2, 1)
AFTER_FINAL = date(2026, 6, 30)
FINAL_OUT = date(2026, 3, 1)
EARLIER_OUT = date(2025, 3, 1)


def _case(comparator: str) -> tuple[dict[str, Any], str, float]:
    """(target, unit, a 2024 figure that does not meet it) per comparator."""
    if comparator == "at_least":  # 100 (2020) -> at least 200 (2025)
        return target(), "CNY", 150.0
    if comparator == "more_than":
        return target(comparator="more_than"), "CNY", 150.0
    if comparator == "at_most":  # 100 (2020) -> at most 50
        return target(comparator="at_most", value=50.0), "CNY", 70.0
    if comparator == "about":  # about 200, band 200 * (1 +- 0.05) = 190 .. 210
        return target(comparator="about"), "CNY", 150.0
    if comparator == "range":  # three to five clusters, no baseline
        t = target(
            comparator="range",
            value=None,
            low=3.0,
            high=5.0,
            unit="clusters",
            baseline_value=None,
            baseline_period=None,
        )
        return t, "clusters", 2.0
    if comparator == "multiple":  # more than double 100 (2020): T = 2 * 100 = 200
        t = target(kind="multiple", comparator="more_than", value=None, multiple=2.0)
        return t, "CNY", 150.0
    if comparator == "share":  # at least two-thirds, from 0.5 (2020)
        t = target(kind="share", value=2 / 3, unit="percent", baseline_value=0.5)
        return t, "percent", 0.6
    raise AssertionError(comparator)


# (comparator, final 2025 figure, met, fully met for ranges); each worked out by hand
FINALS = [
    ("at_least", 210.0, True),  # 210 >= 200
    ("at_least", 200.0, True),  # 200 >= 200: at the target is met
    ("at_least", 190.0, False),  # 190 < 200
    ("more_than", 210.0, True),  # 210 > 200
    ("more_than", 200.0, False),  # 200 is not more than 200
    ("more_than", 190.0, False),
    ("at_most", 40.0, True),  # 40 <= 50
    ("at_most", 50.0, True),  # 50 <= 50
    ("at_most", 60.0, False),  # 60 > 50
    ("about", 209.0, True),  # |209 - 200| = 9 <= 10 (5% of 200)
    ("about", 190.0, True),  # the band's low end 200 * 0.95 = 190, inclusive
    ("about", 211.0, False),  # 211 > 210: outside the tolerance above
    ("about", 189.0, False),  # 189 < 190: outside below
    ("range", 6.0, True),  # above the high end: fully met
    ("range", 5.0, True),  # at the high end: fully met
    ("range", 3.0, True),  # at the low end: met, not fully
    ("range", 2.0, False),  # below three
    ("multiple", 201.0, True),  # 201 > 2 x 100
    ("multiple", 200.0, False),  # exactly double is not "more than double"
    ("multiple", 150.0, False),
    ("share", 0.70, True),  # 70% >= 66.7%
    ("share", 2 / 3, True),  # at two-thirds exactly
    ("share", 0.60, False),
]


def _rows(comparator: str, final: float | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    t, unit, y2024 = _case(comparator)
    rows = [obs("p.t", "2024", y2024, unit=unit, published=EARLIER_OUT)]
    if final is not None:
        rows.append(obs("p.t", "2025", final, unit=unit, published=FINAL_OUT))
    return t, rows


@pytest.mark.parametrize(("comparator", "final", "met"), FINALS)
def test_final_figure_decides_met_once_published(comparator: str, final: float, met: bool) -> None:
    t, rows = _rows(comparator, final)
    after = progress([t], rows, AFTER_FINAL).iloc[0]
    assert after["status"] == ("met" if met else "not met")
    assert after["met"] is met
    assert after["method"] == "comparator at deadline"
    assert bool(after["deadline_passed"]) and after["outlook"] is None
    assert after["explanation"].startswith(("met (2025 figure)", "not met (2025 figure)"))
    if comparator == "range":  # fully met at five or more
        assert bool(after["fully_met"]) is (final >= 5.0)
    # the same data read before the 2025 figure came out: the 2024 figure meets nothing
    before = progress([t], rows, BEFORE_FINAL).iloc[0]
    assert before["status"] == "awaiting final figure"
    assert before["met"] is None
    assert before["explanation"].startswith("deadline passed; 2025 figure not yet published")


def test_a_target_to_be_reached_counts_as_met_when_reached_before_the_deadline() -> None:
    # at least 200; 2024 already 205: met early, and it stays met after the deadline
    rows = [obs("p.t", "2024", 205.0, published=EARLIER_OUT)]
    early = progress([target()], rows, date(2025, 6, 30)).iloc[0]
    assert early["status"] == "met" and early["met"] is True
    assert early["explanation"].startswith("met (2024 figure, before the deadline)")
    late = progress([target()], rows, BEFORE_FINAL).iloc[0]
    assert late["status"] == "met" and late["met"] is True
    # a final figure below it overrides: 195 < 200
    final = [*rows, obs("p.t", "2025", 195.0, published=FINAL_OUT)]
    assert progress([target()], final, AFTER_FINAL).iloc[0]["status"] == "not met"


def test_an_about_target_in_the_band_early_awaits_its_deadline_figure() -> None:
    t = target(comparator="about")
    rows = [obs("p.t", "2024", 200.0, published=EARLIER_OUT)]
    # before the deadline the 2024 figure is in the band 190..210: met so far
    assert progress([t], rows, date(2025, 6, 30)).iloc[0]["status"] == "met"
    # after it, "about 200 in 2025" needs the 2025 figure
    row = progress([t], rows, BEFORE_FINAL).iloc[0]
    assert row["status"] == "awaiting final figure" and row["met"] is None
    # a 2026 figure is not the 2025 figure of an "about" target: still awaiting
    later = [*rows, obs("p.t", "2026", 200.0, published=date(2026, 5, 1))]
    assert progress([t], later, AFTER_FINAL).iloc[0]["status"] == "awaiting final figure"


def test_cumulative_counts_are_met_when_the_sum_reaches_the_target() -> None:
    t = target(
        kind="cumulative",
        comparator="more_than",
        value=1000.0,
        unit="enterprises",
        baseline_value=None,
        baseline_period=None,
    )

    def flows(last: float) -> list[dict[str, Any]]:
        years = [("2021", 200.0), ("2022", 200.0), ("2023", 200.0), ("2024", 200.0)]
        rows = [obs("p.t", y, v, unit="enterprises", published=EARLIER_OUT) for y, v in years]
        return [*rows, obs("p.t", "2025", last, unit="enterprises", published=FINAL_OUT)]

    # 4 x 200 = 800 by 2024; plus 2025: 201 -> 1001 > 1000 met; 200 -> 1000 not more than
    # 1000; 100 -> 900
    for last, met in ((201.0, True), (200.0, False), (100.0, False)):
        row = progress([t], flows(last), AFTER_FINAL).iloc[0]
        assert row["latest_value"] == 800.0 + last
        assert row["met"] is met and row["status"] == ("met" if met else "not met")
        assert row["share_achieved"] == pytest.approx((800.0 + last) / 1000)
    # before the 2025 flow is published: 800 of more than 1000, awaiting
    row = progress([t], flows(201.0), BEFORE_FINAL).iloc[0]
    assert row["status"] == "awaiting final figure" and row["latest_value"] == 800.0
    # the straight path from 0 (end of 2020): 800 in 2024 is 0.8 of the way after 4/5 of
    # the time, pace 1.0, which the anticipated value does not use (growth from 0 is
    # undefined): no outlook
    assert row["outlook"] is None


@pytest.mark.parametrize(
    ("y2024", "outlook"),
    [
        # 100 (2020) -> 190 (2024): g = 1.9 ** (1/4) - 1 = 17.4%/yr; 190 * 1.174 = 223.1
        # >= 200
        (190.0, "likely met"),
        # 100 -> 120: g = 1.2 ** 0.25 - 1 = 4.66%/yr; 120 * 1.0466 = 125.6 < 200
        (120.0, "likely not met"),
    ],
)
def test_outlook_from_the_anticipated_value_after_the_deadline(y2024: float, outlook: str) -> None:
    rows = [obs("p.t", "2024", y2024, published=EARLIER_OUT)]
    row = progress([target()], rows, BEFORE_FINAL).iloc[0]
    g = (y2024 / 100) ** 0.25 - 1
    assert row["anticipated_value"] == pytest.approx(y2024 * (1 + g))
    assert row["status"] == "awaiting final figure" and row["outlook"] == outlook
    verdict = "would reach it" if outlook == "likely met" else "would miss it"
    assert row["explanation"].endswith(f"the 2020-24 trend {verdict}")
    # before the deadline there is a class, no outlook
    ahead = progress([target()], rows, date(2025, 6, 30)).iloc[0]
    assert ahead["outlook"] is None and ahead["status"] in (
        "on track",
        "insufficient progress",
    )


def test_a_growth_ratio_class_needs_two_observed_years() -> None:
    t = target(baseline_value=None, baseline_period=None)  # at least 200 by 2025
    # two published years 150 (2022) and 165 (2023): growth 10%/yr; needs
    # (200 / 150) ** (1/3) - 1 = 10.06%/yr: ratio 0.994 >= 0.95, on track
    two = [obs("p.t", "2022", 150.0), obs("p.t", "2023", 165.0)]
    row = progress([t], two, date(2024, 6, 30)).iloc[0]
    assert row["growth_ratio"] == pytest.approx(0.1 / ((200 / 150) ** (1 / 3) - 1))
    assert row["status"] == "on track" and row["evidence"] == "2 observed years"
    # one published year with its growth, 2022 derived from it: the same numbers, no class
    thin = [
        obs("p.t", "2023", 165.0, growth_yoy=0.1),
        obs("p.t", "2022", 150.0, derived=True, derivation="165 / 1.1"),
    ]
    row = progress([t], thin, date(2024, 6, 30)).iloc[0]
    assert row["growth_ratio"] == pytest.approx(0.1 / ((200 / 150) ** (1 / 3) - 1))
    assert row["status"] == "not assessable" and row["eurostat_class"] is None
    assert row["evidence"] == "one year-on-year rate"
    assert row["explanation"].startswith("not assessable: one year-on-year rate only")


def test_share_is_unknown_without_a_figure_after_the_baseline() -> None:
    rows = [obs("p.t", "2020", 100.0)]  # the baseline year again
    row = progress([target()], rows, date(2024, 6, 30)).iloc[0]
    assert math.isnan(row["share_achieved"]) and row["status"] == "not assessable"
    assert row["met"] is False  # 100 is below 200: "not yet met" before the deadline
    after = progress([target()], rows, BEFORE_FINAL).iloc[0]
    assert after["met"] is None and after["status"] == "awaiting final figure"


# ---------------------------------------------------------------- milestones (due by 2025)


@pytest.mark.parametrize(
    ("period", "published", "status", "met", "timing"),
    [
        ("2024-06", date(2024, 7, 10), "done", True, "early"),  # a year before 2025
        ("2025-09", date(2025, 10, 10), "done", True, "on time"),  # within 2025
        ("2026-03", date(2026, 4, 10), "done", False, "late"),  # after 2025-12-31
        (None, None, "unconfirmed", None, None),  # never reported
    ],
)
def test_milestone_completed_early_on_time_late_and_never(
    period: str | None, published: date | None, status: str, met: bool | None, timing: str
) -> None:
    rows = [] if period is None else [obs("p.t", period, 1.0, unit="items", published=published)]
    row = progress([milestone()], rows, AFTER_FINAL).iloc[0]
    assert row["status"] == status and row["met"] is met
    assert row["completed_period"] == period
    if timing:
        assert row["explanation"] == f"done: completed {period}, {timing} (due by 2025)"
        assert row["evidence"] == "a report of completion"
    else:
        assert row["explanation"] == (
            "unconfirmed: due by 2025, no completion reported as of 2026-06-30"
        )
        assert row["evidence"] is None


def test_milestone_report_after_the_as_of_date_is_not_known_yet() -> None:
    rows = [obs("p.t", "2025-09", 1.0, unit="items", published=date(2026, 4, 10))]
    row = progress([milestone()], rows, BEFORE_FINAL).iloc[0]
    assert row["status"] == "unconfirmed" and row["met"] is None
    assert progress([milestone()], rows, AFTER_FINAL).iloc[0]["status"] == "done"


def test_milestone_reported_not_done_at_the_deadline_is_not_met() -> None:
    # value 0 records "not yet done": for 2025 itself, the deadline was missed
    rows = [obs("p.t", "2025", 0.0, unit="items", published=FINAL_OUT)]
    row = progress([milestone()], rows, AFTER_FINAL).iloc[0]
    assert row["status"] == "not met" and row["met"] is False
    # a 0 for 2024 only says "not yet": before the deadline it is still pending
    early = [obs("p.t", "2024", 0.0, unit="items", published=EARLIER_OUT)]
    assert progress([milestone()], early, date(2025, 6, 30)).iloc[0]["status"] == "pending"


def test_a_missing_year_makes_a_sum_of_yearly_counts_a_lower_bound() -> None:
    t = target(
        kind="cumulative",
        comparator="at_least",
        value=100.0,
        unit="projects",
        baseline_value=None,
        baseline_period=None,
    )
    # 2021, 2022 and 2025 reported (30 + 30 + 30 = 90), 2023 and 2024 missing: at least 90,
    # so "not met" cannot be told
    rows = [
        obs("p.t", y, 30.0, unit="projects", published=FINAL_OUT) for y in ("2021", "2022", "2025")
    ]
    row = progress([t], rows, AFTER_FINAL).iloc[0]
    assert row["latest_value"] == 90.0 and row["assessed_qualifier"] == "lower_bound"
    assert row["met"] is None and row["status"] == "not assessable"
    assert row["latest_qualifier"] == "more than"
    assert row["evidence"] == "3 yearly figures, a year missing"
    # every year reported: 20 a year for five years = 100 >= 100, met
    full = [
        obs("p.t", str(y), 20.0, unit="projects", published=FINAL_OUT) for y in range(2021, 2026)
    ]
    row = progress([t], full, AFTER_FINAL).iloc[0]
    assert row["latest_value"] == 100.0 and row["status"] == "met"
    assert row["assessed_qualifier"] != "lower_bound"


def test_milestone_completed_in_a_period_around_its_due_date() -> None:
    # due 2025-06-30; completion reported for the year 2025, which straddles that date:
    # done, but whether in time cannot be told
    t = {**milestone(), "deadline": "2025-06-30"}
    rows = [obs("p.t", "2025", 1.0, unit="items", published=FINAL_OUT)]
    row = progress([t], rows, AFTER_FINAL).iloc[0]
    assert row["status"] == "done" and row["met"] is None
    assert row["explanation"] == "done: completed 2025, around the due date (due by 2025-06-30)"


def test_every_status_has_exactly_one_headline_tile() -> None:
    from xlreport.progress import HEADLINE_GROUPS, STATUSES

    tiles = [s for group in HEADLINE_GROUPS.values() for s in group]
    assert sorted(tiles) == sorted(STATUSES)  # each status counted once, none left out
    assert "unconfirmed" not in HEADLINE_GROUPS["behind"]  # no news is not behind
    assert "pending" not in HEADLINE_GROUPS["behind"]
