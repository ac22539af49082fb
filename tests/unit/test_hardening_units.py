"""Bounds of the quantity parser, the CSV-injection prefix and the terminal escape
(issue 14), case by case; the fuzz suite (tests/fuzz) searches around them."""

from __future__ import annotations

import pytest

from xlreport.errors import DataError, escape_terminal, shown
from xlreport.io.csvsafe import csv_safe, unquote_csv
from xlreport.quantity import QuantityOutOfRange, parse_quantity


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.7e308", 1.7e308),
        ("1e-400/3", 0.0),  # underflows to zero, as a float does
        ("9" * 100, float("9" * 100)),  # 100 digits: the most accepted
        ("1e308/10", 1e307),
        ("2/3", 2 / 3),
        ("433.3 billion", 433_300_000_000.0),  # 433.3 * 10**9
    ],
)
def test_numbers_within_the_bounds_parse(text: str, expected: float) -> None:
    assert parse_quantity(text) == expected


@pytest.mark.parametrize(
    "text",
    ["1.8e308", "1e400/3", "1e401", "9" * 101, "1/" + "7" * 101, "1e308 billion", "1e123456789"],
)
def test_numbers_beyond_the_bounds_are_refused(text: str) -> None:
    with pytest.raises(QuantityOutOfRange):
        parse_quantity(text)


def test_huge_python_integers_are_refused() -> None:
    with pytest.raises(DataError, match="out of range"):
        parse_quantity(10**400)


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+1", "'=1+1"),
        (" =1+1", "' =1+1"),
        ("\xa0@SUM(1)", "'\xa0@SUM(1)"),
        ('"=1+1', "'\"=1+1"),
        ("x;=1+1", "x;=1+1"),  # quoted by the writer, not prefixed: no formula start
        ("a\n=1+1", "a\n'=1+1"),  # each line: a program splitting on ';' starts a row there
        ("'quoted", "''quoted"),
        ("-5 projects", "'-5 projects"),
        ("plain", "plain"),
    ],
)
def test_csv_prefix_per_line_and_its_exact_inverse(text: str, written: str) -> None:
    assert csv_safe(text) == written
    assert unquote_csv(written) == text


def test_terminal_escape_and_shown() -> None:
    assert escape_terminal("a\x1b]0;t\x07\nb\u202e") == "a\\x1b]0;t\\x07\nb\\u202e"
    assert shown("x" * 100) == "'" + "x" * 60 + "...'"
    assert shown("a\nb'") == "'a\\nb\\''"
