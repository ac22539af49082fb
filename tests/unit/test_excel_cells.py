"""Errors become short messages in the cell; values become what a cell can hold."""

from __future__ import annotations

import math
from datetime import date, datetime
from enum import StrEnum

import numpy as np
import pandas as pd

from xlreport.errors import FxError, Problem, ValidationFailed
from xlreport.excel.cells import ERROR_PREFIX, message_for, to_cell, to_table


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
