"""The model rejects what the documents could never say, with a readable location."""

from __future__ import annotations

import pytest

from xlreport.errors import ValidationFailed
from xlreport.model import Dataset, Target
from xlreport.quantity import parse_quantity


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("433.3 billion", 433_300_000_000.0),  # 433.3 * 10**9
        ("4333亿", 433_300_000_000.0),  # 4333 * 10**8
        ("238,600", 238_600.0),
        ("1.5 trillion", 1_500_000_000_000.0),
        ("15万", 150_000.0),
        ("22.5%", 0.225),
        ("2/3", 2 / 3),
    ],
)
def test_quantities_are_parsed_exactly(text: str, expected: float) -> None:
    assert parse_quantity(text) == expected


def _target(**over: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "p.t",
        "plan_id": "p",
        "name": "t",
        "indicator": "p.t",
        "kind": "level",
        "comparator": "at_least",
        "value": "500 billion",
        "unit": "CNY",
        "deadline": "2025",
        "source_id": "s",
    }
    base.update(over)
    return base


def test_multiple_target_value_is_multiple_times_baseline() -> None:
    t = Target.model_validate(
        _target(
            kind="multiple",
            comparator="more_than",
            value=None,
            multiple="2",
            baseline_value="207 billion",
            baseline_period="2020",
        )
    )
    assert t.value == 414e9  # 2 * 207e9


@pytest.mark.parametrize(
    ("over", "fragment"),
    [
        ({"unit": "widgets"}, "unknown unit 'widgets'"),
        ({"value": "abc"}, "'abc' is not a number"),
        ({"comparator": "range"}, "a range target needs low and high"),
        ({"deadline": "next year"}, "is not a deadline"),
        ({"colour": "red"}, "unknown field"),
        ({"kind": "share", "unit": "CNY"}, "a share target is in 'percent'"),
    ],
)
def test_bad_targets_say_what_is_wrong(over: dict[str, object], fragment: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        Dataset.build(targets=(_target(**over),))
    assert fragment in str(err.value)
    assert "targets.0" in str(err.value)


def test_dangling_references_are_listed_with_their_owner() -> None:
    with pytest.raises(ValidationFailed) as err:
        Dataset.build(targets=(_target(),))
    text = str(err.value)
    assert "target p.t: plan_id 'p' is not a known plan id" in text
    assert "target p.t: source_id 's' is not a known source id" in text
