"""Cell conversion: what spreadsheets do to values, settled before the model validates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from xlreport.io.cells import EMPTY, CellProblem, converter_for, unquote_csv_text
from xlreport.io.layout import ColumnKind, column_letter, layout_for


def _convert(collection: str, field: str, value: Any) -> Any:
    column = next(c for c in layout_for(collection).columns if c.name == field)
    return converter_for(column)(value)


def _problem(collection: str, field: str, value: Any) -> str:
    with pytest.raises(CellProblem) as info:
        _convert(collection, field, value)
    return str(info.value)


@pytest.mark.parametrize(
    ("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (63, "BL"), (16383, "XFD")]
)
def test_column_letters(index: int, letters: str) -> None:
    assert column_letter(index) == letters


def test_column_kinds_come_from_the_model() -> None:
    kinds = {c.name: c.kind for c in layout_for("observations").columns}
    assert kinds["id"] is ColumnKind.ID and kinds["target_id"] is ColumnKind.ID
    assert kinds["value"] is ColumnKind.NUMBER and kinds["published"] is ColumnKind.DATE
    assert kinds["derived"] is ColumnKind.BOOLEAN and kinds["qualifier"] is ColumnKind.CHOICE
    assert kinds["period"] is ColumnKind.PERIOD and kinds["unit"] is ColumnKind.UNIT
    assert {c.name: c.kind for c in layout_for("plans").columns}["end_year"] is ColumnKind.INTEGER


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        ("TRUE", True),
        ("true", True),
        (1.0, True),
        ("1", True),
        (False, False),
        ("FALSE", False),
        ("false", False),
        (0.0, False),
        ("0", False),
        ("", EMPTY),
    ],
)
def test_booleans(value: Any, expected: Any) -> None:
    assert _convert("observations", "derived", value) is expected


def test_boolean_problem() -> None:
    assert _problem("observations", "derived", "yes") == (
        "'yes' is not TRUE or FALSE (1 or 0 are accepted too)"
    )


def test_dates() -> None:
    assert _convert("observations", "published", date(2024, 5, 25)) == date(2024, 5, 25)
    assert _convert("observations", "published", datetime(2024, 5, 25)) == date(2024, 5, 25)
    assert _convert("observations", "published", " 2024-05-25 ") == date(2024, 5, 25)
    assert _problem("observations", "published", "25/05/2024") == (
        "'25/05/2024' is not a date: use a date cell or YYYY-MM-DD"
    )
    assert _problem("observations", "published", "2024-02-30").startswith(
        "'2024-02-30' is not a valid date"
    )
    assert _problem("observations", "published", 45437.0).startswith(
        "45437 is a number, not a date"
    )
    assert "has a time of day" in _problem("observations", "published", datetime(2024, 5, 25, 9))


def test_numbers_stay_floats_and_scaled_text_goes_to_the_model() -> None:
    assert _convert("targets", "value", 5) == 5.0 and type(_convert("targets", "value", 5)) is float
    assert _convert("targets", "value", " 433.3 billion ") == "433.3 billion"
    assert _convert("targets", "value", "  ") is EMPTY
    assert _problem("targets", "value", True) == "TRUE is not a number"


def test_ids_periods_and_deadlines() -> None:
    assert _problem("targets", "id", 2025.0).startswith("2025 is a number, but ids are text")
    assert _convert("targets", "id", " a.b ") == "a.b"
    assert _convert("observations", "period", 2023.0) == "2023"  # a typed year
    assert _problem("observations", "period", datetime(2024, 6, 1)).startswith(
        "a date cell (2024-06-01) is not a period: Excel turned the text into a date"
    )
    assert _convert("targets", "deadline", datetime(2024, 12, 31)) == "2024-12-31"
    assert _convert("targets", "deadline", 2025.0) == "2025"
    assert _convert("plans", "end_year", "2025") == 2025
    assert _convert("plans", "end_year", "2025.0") == 2025


def test_choices_accept_any_case_and_list_the_options() -> None:
    assert _convert("targets", "kind", " Level ") == "level"
    assert _problem("targets", "kind", "lvl") == (
        "'lvl' is not one of: level, cumulative, multiple, share, milestone"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'=1+1", "=1+1"),
        ("''x", "'x"),
        ("'-5", "-5"),
        ("'plain", "'plain"),
        ("'", "'"),
        ("=1", "=1"),
    ],
)
def test_csv_injection_prefix_is_removed_only_where_export_adds_it(
    text: str, expected: str
) -> None:
    assert unquote_csv_text(text) == expected
