"""Every number form of the issue, each in a sentence written for the purpose (synthetic).

Expected values are worked out by hand in the comments: full units, fractions as fractions.
"""

from __future__ import annotations

from datetime import date

import pytest

from xlreport.draft import DraftItem, draft_text

PUB = date(2024, 6, 1)


def one(text: str, published: date | None = PUB) -> DraftItem:
    items = draft_text(text, published=published).items
    assert len(items) == 1, items
    return items[0]


@pytest.mark.parametrize(
    ("sentence", "value", "unit", "comparator"),
    [
        # 1,000 -> 1000
        (
            "The zone will add more than 1,000 high-tech enterprises by 2025.",
            1000.0,
            "enterprises",
            "more_than",
        ),
        # 100 billion -> 100 * 10**9
        ("Output should reach 100 billion yuan by 2030.", 100e9, "CNY", "at_least"),
        # 1.5 trillion -> 1.5 * 10**12
        (
            "Sales revenue should exceed 1.5 trillion yuan by the end of 2025.",
            1.5e12,
            "CNY",
            "more_than",
        ),
        # two-thirds -> 2/3, a share in percent
        (
            "Services should take up at least two-thirds of the added value by 2025.",
            2 / 3,
            "percent",
            "at_least",
        ),
        # a hundred -> 100, no "about": at_least
        (
            "The city will launch a hundred high-end products by 2030.",
            100.0,
            "products",
            "at_least",
        ),
        # about five -> 5
        (
            "The plan is to establish about five technology colleges by 2030.",
            5.0,
            "colleges",
            "about",
        ),
        # top -> more_than
        ("The industry's value should top 350 billion yuan by 2025.", 350e9, "CNY", "more_than"),
        # 亿: 4333亿 = 4333 * 10**8 = 433.3 billion
        ("The area aims to reach 4333亿元 in output by 2027.", 433.3e9, "CNY", "at_least"),
        # 万: 12万 = 12 * 10**4 vehicles
        ("The city will produce 12万 vehicles by 2026.", 120000.0, "vehicles", "at_least"),
        # 万亿: 1.2万亿 = 1.2 * 10**12
        ("Output should exceed 1.2万亿元 by 2030.", 1.2e12, "CNY", "more_than"),
        # physical units: 40 GWh
        ("Storage capacity should reach 40 GWh by 2026.", 40.0, "GWh", "at_least"),
        # at most
        ("Energy use should be at most 12 million tonnes by 2025.", 12e6, "t", "at_most"),
        # percent: 12 percent -> 0.12
        (
            "R&D spending should account for at least 12 percent of revenue by 2027.",
            0.12,
            "percent",
            "at_least",
        ),
    ],
)
def test_number_forms_as_targets(sentence: str, value: float, unit: str, comparator: str) -> None:
    item = one(sentence)
    assert item.kind == "target"
    assert item.value == pytest.approx(value, rel=1e-12)
    assert item.unit == unit
    assert item.comparator == comparator
    assert item.quote == sentence


def test_range_three_to_five() -> None:
    item = one("It will also form three to five industrial clusters by 2025.")
    assert (item.low, item.high, item.value, item.comparator) == (3.0, 5.0, None, "range")


def test_nearly_and_approaching_are_upper_bounds_of_actuals() -> None:
    text = (
        "In 2021, the size of frontier industries reached nearly RMB340 billion. "
        "Investment last year was approaching 100.8 billion yuan."
    )
    items = draft_text(text, published=date(2022, 8, 20)).items
    assert [(i.kind, i.value, i.comparator, i.period) for i in items] == [
        ("observation", 340e9, "at_most", "2021"),
        ("observation", 100.8e9, "at_most", "2021"),  # last year of 2022
    ]


def test_238600_count_with_its_noun_is_the_baseline_of_the_target() -> None:
    text = (
        "While Shanghai churned out 238,600 new energy vehicles in 2020, the annual output "
        "should exceed 1.2 million units by 2025."
    )
    items = draft_text(text, published=date(2021, 3, 1)).items
    obs, tgt = items
    assert (obs.kind, obs.value, obs.unit, obs.period) == (
        "observation",
        238600.0,
        "vehicles",
        "2020",
    )
    # "units" takes the noun named before it; 1.2 million = 1_200_000
    assert (tgt.kind, tgt.value, tgt.unit, tgt.deadline) == ("target", 1.2e6, "vehicles", "2025")
    assert tgt.baseline == 0 and obs.target == 1


def test_up_from_gives_the_baseline() -> None:
    text = (
        "The digital economy should account for 50 percent of GDP by 2025, "
        "up from 42.8 percent in 2022."
    )
    tgt, base = draft_text(text, published=PUB).items
    assert (tgt.kind, tgt.value, tgt.deadline) == ("target", 0.5, "2025")
    assert (base.kind, base.value, base.period) == ("observation", 0.428, "2022")
    assert tgt.baseline == 1 and base.target == 0


def test_dollar_figure_beside_yuan_is_linked_not_an_item() -> None:
    item = one("The goal is about 500 billion yuan (US$69.79 billion) in output by 2030.", None)
    assert (item.value, item.unit, item.published_usd) == (500e9, "CNY", 69.79e9)


def test_more_than_double_makes_a_multiple_of_the_baseline_read_next() -> None:
    text = (
        "The IC industry shall see its scale more than double by the end of 2025. "
        "The IC industry's turnover reached 207 billion yuan in 2020."
    )
    items = draft_text(text, published=date(2021, 3, 1)).items
    base, tgt = items
    assert base.kind == "observation" and base.value == 207e9
    # 2 x 207 billion = 414 billion
    assert (tgt.kind, tgt.value, tgt.target_kind, tgt.multiple, tgt.comparator) == (
        "target",
        414e9,
        "multiple",
        2.0,
        "more_than",
    )
    assert tgt.baseline == 0


def test_increase_by() -> None:
    # an increment is the amount to add over the plan period: a cumulative target
    item = one("The district will add 50 charging stations by 2026.")
    assert (item.value, item.unit, item.comparator, item.target_kind) == (
        50.0,
        "stations",
        "at_least",
        "cumulative",
    )
    item = one("Annual output will increase by 50 percent by 2026.")
    assert (item.value, item.unit, item.comparator) == (0.5, "percent", "at_least")


def test_growth_and_value_in_one_actual() -> None:
    item = one(
        "Total industrial output surged 22.5 percent year-on-year to 433.3 billion yuan in 2023.",
        date(2024, 5, 25),
    )
    assert (item.kind, item.value, item.growth_yoy, item.period) == (
        "observation",
        433.3e9,
        0.225,
        "2023",
    )


@pytest.mark.parametrize(
    ("sentence", "period", "growth"),
    [
        (
            "In the first half of 2022, industrial output increased by 27% year-on-year.",
            "2022-YTD06",
            0.27,
        ),
        (
            "From January to July, investment in the sector grew 18 percent year-on-year.",
            "2024-YTD07",
            0.18,
        ),
        (
            "In January-February, the industry's output grew 11.2 percent from a year earlier.",
            "2024-YTD02",
            0.112,
        ),
    ],
)
def test_growth_only_actuals_with_year_to_date_periods(
    sentence: str, period: str, growth: float
) -> None:
    item = one(sentence, date(2024, 9, 3) if "2022" not in sentence else date(2022, 8, 20))
    assert (item.kind, item.value, item.growth_yoy, item.period, item.unit) == (
        "observation",
        None,
        growth,
        period,
        "CNY",
    )


def test_plan_period_is_the_deadline() -> None:
    item = one(
        "Industrial investment is projected to top 850 billion yuan during the 14th Five-Year "
        "Plan period (2021-25).",
        date(2021, 3, 1),
    )
    assert (item.deadline, item.target_kind) == ("2025", "cumulative")


def test_end_of_this_year_is_a_date() -> None:
    item = one(
        "The 40GWh energy storage project will be put into use by the end of this year.",
        date(2024, 5, 25),
    )
    assert (item.value, item.unit, item.deadline) == (40.0, "GWh", "2024-12-31")


def test_past_three_years_is_a_span() -> None:
    item = one(
        "In the past three years, the average annual growth rate of industrial output "
        "has reached 40%.",
        date(2022, 8, 20),
    )
    assert (item.kind, item.value, item.unit, item.period) == (
        "observation",
        0.4,
        "percent",
        "2019/2021",
    )


@pytest.mark.parametrize(
    "text",
    [
        # definitions
        "For companies with a respective annual sales revenue of at least 20 million yuan, "
        "reporting is monthly.",
        # ordinals, photo dates, counts of authorities, addresses and telephone numbers
        "At the 3rd anniversary on August 20th, officials from 12 government departments spoke.",
        "A view of the zone. [Photo/VCG] 2024-11-02",
        "Address No 200 Shengang Avenue, Zip Code 201306, TEL +86-21-68283063.",
        "Updated: May 25, 2024 11:22 AM",
        "It will open a two-way channel and build 6G technology in the one-year plan.",
    ],
)
def test_numbers_that_are_neither_targets_nor_actuals_are_left_out(text: str) -> None:
    assert draft_text(text, published=PUB).items == ()


def test_milestone_without_a_number() -> None:
    item = one(
        "A pioneering innovation zone for connected vehicles should be built in Lin-gang in 2025."
    )
    assert (item.kind, item.target_kind, item.value, item.unit, item.deadline) == (
        "target",
        "milestone",
        None,
        None,
        "2025",
    )


def test_headline_is_not_read_but_sets_nothing_twice() -> None:
    text = (
        "Zone to see output reach $14b\n\nThe zone's output should reach 100 billion yuan by 2030."
    )
    items = draft_text(text, published=PUB).items
    assert [(i.value, i.unit) for i in items] == [(100e9, "CNY")]


def test_offsets_point_at_the_quote() -> None:
    text = "Intro line without a stop\n\nFirst. The city will build 40 stations by 2026. Last."
    item = one(text)
    assert text[item.start : item.end] == item.quote == "The city will build 40 stations by 2026."


@pytest.mark.parametrize(
    ("sentence", "period"),
    [
        ("Marine output grew 11.3 percent in the first quarter of 2023.", "2023-Q1"),
        ("Exports rose 4 percent year-on-year in Q3 2023.", "2023-Q3"),
    ],
)
def test_quarters(sentence: str, period: str) -> None:
    item = one(sentence, date(2024, 1, 10))
    assert (item.kind, item.period) == ("observation", period)


def test_passive_past_after_the_figure_is_an_actual() -> None:
    # no date in the sentence: "were signed" is what makes it a reported figure, of the
    # year of publication
    item = one(
        "In the fourth quarter alone, 19 new aerospace projects were signed.", date(2025, 2, 26)
    )
    assert (item.kind, item.value, item.unit, item.period) == (
        "observation",
        19.0,
        "projects",
        "2025",
    )


@pytest.mark.parametrize(
    ("sentence", "indicator"),
    [
        (
            "The zone will see the combined annual output of major pioneering industries of "
            "healthcare, intelligent production, energy and aerospace amounting to 100 billion "
            "yuan by 2030.",
            "combined annual output of major pioneering industries",
        ),
        (
            "It aims to hit about 600 billion yuan in the scale of its cutting-edge industries, "
            "with industrial output value at 500 billion yuan by 2025.",
            "industrial output value",  # the second figure: its own measure, after ", with"
        ),
        (
            "The value of display devices should reach 70 billion yuan by 2025, while that for "
            "smart sensors should reach 80 billion yuan.",
            "value of smart sensors",  # "that for": the measure named before
        ),
        (
            "The zone will add more than 1,000 high-tech enterprises by 2025.",
            "high-tech enterprises",
        ),
    ],
)
def test_indicators_are_named_from_the_sentence(sentence: str, indicator: str) -> None:
    items = draft_text(sentence, published=PUB).items
    assert items[-1].indicator == indicator
