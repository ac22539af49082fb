"""Errors become short messages in the cell; values become what a cell can hold."""

from __future__ import annotations

import logging
import math
from datetime import date, datetime
from enum import StrEnum

import numpy as np
import pandas as pd
import pytest

from xlreport.errors import FxError, Problem, ValidationFailed
from xlreport.excel.args import ArgumentError
from xlreport.excel.cells import ERROR_PREFIX, answer_in_cell, message_for, to_cell, to_table


def test_xlreport_errors_become_the_message_in_the_cell() -> None:
    @answer_in_cell
    def XLR_DEMO(x: object) -> object:
        raise ArgumentError("target", "is empty: give a value")

    assert XLR_DEMO(None) == "#XLR! target: is empty: give a value"


def test_a_many_line_error_shows_its_first_problem_and_a_count() -> None:
    exc = ValidationFailed([Problem("Targets!C4", "not a number"), Problem("Targets!C5", "x")])
    text = message_for(exc, "XLR_X")
    assert (
        text == "#XLR! 2 problems found; nothing was written Targets!C4: not a number (and 1 more)"
    )


def test_long_messages_are_cut_to_fit_a_cell() -> None:
    text = message_for(FxError("rate " * 200), "XLR_RATE")
    assert text.startswith(ERROR_PREFIX + "rate rate")
    assert len(text) <= len(ERROR_PREFIX) + 250 and text.endswith("...")


def test_unexpected_errors_are_logged_and_shown_briefly(caplog: pytest.LogCaptureFixture) -> None:
    @answer_in_cell
    def XLR_BROKEN(x: object) -> object:
        return {}["missing"]  # a bug, not a user error

    with caplog.at_level(logging.ERROR, logger="xlreport.excel"):
        text = XLR_BROKEN(1.0)
    assert text.startswith("#XLR! internal error in XLR_BROKEN (KeyError: 'missing')")
    assert "Traceback" not in text
    assert "Traceback" in caplog.text or caplog.records[0].exc_info is not None


def test_the_wrapper_keeps_name_signature_and_plain_results() -> None:
    @answer_in_cell
    def XLR_OK(a: float, b: float = 2.0) -> float:
        """Adds."""
        return a + b

    assert XLR_OK(1.0) == 3.0
    assert XLR_OK.__name__ == "XLR_OK" and XLR_OK.__doc__ == "Adds."
    import inspect

    assert list(inspect.signature(XLR_OK).parameters) == ["a", "b"]


class Colour(StrEnum):
    RED = "red"


def test_cell_values() -> None:
    assert to_cell(np.float64(0.5)) == 0.5 and type(to_cell(np.float64(0.5))) is float
    assert to_cell(np.int64(3)) == 3
    assert to_cell(float("nan")) is None
    assert to_cell(pd.NaT) is None
    assert to_cell(pd.NA) is None
    assert to_cell(pd.Timestamp("2024-05-25")) == "2024-05-25"
    assert to_cell(date(2024, 5, 25)) == "2024-05-25"
    assert to_cell(datetime(2024, 5, 25, 10, 30)) == "2024-05-25 10:30:00"
    assert to_cell(Colour.RED) == "red" and type(to_cell(Colour.RED)) is str
    assert to_cell(np.bool_(True)) is True
    assert to_cell(math.inf) is None


def test_tables_have_a_header_and_blank_missing_values() -> None:
    rows = [{"id": "a", "value": 1.0}, {"id": "b", "value": float("nan")}]
    assert to_table(rows, ["id", "value"]) == [["id", "value"], ["a", 1.0], ["b", ""]]
