"""Errors that Excel formulas can test: #N/A or #VALUE!, with the message kept.

A failed custom function answers a :class:`~xlreport.excel.cells.CellError`: its text is
the ``#XLR! ...`` message, its ``code`` the Excel error. In Excel for Windows the wrapper
hands xlwings pywin32's ``VARIANT(VT_ERROR, code)``, which is what makes ``IFERROR``,
``ISNA`` and ``ISERROR`` see it; ``XLR_ERROR(cell)`` gives the message back.

No Excel runs here. The calls are made as xlwings makes them: the arguments Excel passes,
then the calling cell as the hidden last argument ``caller``. The cells are objects with
the parts of xlwings' ``Range`` that the code reads (``sheet.book.name``, ``sheet.name``,
``address``, ``formula``, ``count``, ``options(err_to_str=True).value``); pywin32 is
replaced by a module with its ``VT_ERROR`` constant and a ``VARIANT`` that records what
it is given. The error numbers are checked against the table xlwings itself uses to read
error cells (parsed from its source), so the two directions agree.
"""

from __future__ import annotations

import ast
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from xlreport.addin.metadata import build_metadata
from xlreport.excel import cache
from xlreport.excel import functions as f
from xlreport.excel.cache import ExcelData
from xlreport.excel.cells import XL_ERROR_NUMBERS, CellError, com_error_code, excel_value
from xlreport.store import Store

OUTPUT = "lingang-2025.industrial-output"
TODAY = date(2024, 12, 31)


@pytest.fixture
def data(monkeypatch: pytest.MonkeyPatch) -> Iterator[ExcelData]:
    with Store.open() as store:  # the isolated SQLite file of this test
        store.init()
        excel_data = ExcelData(lambda: store, today=lambda: TODAY)
        monkeypatch.setattr(cache, "DATA", excel_data)
        yield excel_data


@dataclass
class Book:
    name: str


@dataclass
class Sheet:
    name: str
    book: Book


@dataclass
class Cell:
    """The parts of an xlwings Range the error path reads."""

    sheet: Sheet
    address: str
    text: str = ""  # the formula of each of its cells
    shown: Any = None  # what the cell shows, as xlwings reads it with err_to_str=True
    count: int = 1
    reads: list[dict[str, Any]] = field(default_factory=list)

    @property
    def formula(self) -> Any:
        """As xlwings: a cell's formula, or rows of tuples for several cells."""
        if ":" not in self.address:
            return self.text
        return ((self.text, self.text), (self.text, self.text))  # enough rows for a test

    @formula.setter
    def formula(self, text: str) -> None:
        self.text = text

    def options(self, **kwargs: Any) -> Cell:
        self.reads.append(kwargs)
        return self

    @property
    def value(self) -> Any:
        return self.shown


def cell(address: str, formula: str = "", sheet: str = "Dashboard") -> Cell:
    return Cell(Sheet(sheet, Book("xlreport.xlsm")), address, formula)


def call(function: Any, *args: Any, caller: Cell) -> Any:
    """Call ``function`` as xlwings does: every argument (omitted ones as None), then
    the calling cell; then show the answer in the cell as Excel would."""
    arity = len(function.__xlreport_spec__.args)
    padded = [*args, *[None] * (arity - len(args))]
    answer = function(*padded, caller)
    caller.shown = answer.code if isinstance(answer, CellError) else answer
    return answer


# ------------------------------------------------------------------ which error


def test_no_answer_in_the_data_is_na_and_an_unusable_argument_is_value(data: ExcelData) -> None:
    unknown = f.XLR_STATUS("lingang-2025.industrial-outpt")
    assert isinstance(unknown, CellError) and unknown.code == "#N/A"
    assert unknown.message.startswith("unknown target 'lingang-2025.industrial-outpt'")
    # no figure had been published by 2024-05-24 for 2024, and the 2023 one came later
    assert f.XLR_LATEST(OUTPUT, 45436.0).code == "#N/A"
    assert f.XLR_RATE("CNY", "USD", 1000.0).code == "#N/A"  # 1902: before any rate
    assert f.XLR_TARGET(OUTPUT, "colour").code == "#VALUE!"  # no such field
    assert f.XLR_TARGET(None).code == "#VALUE!"  # an empty argument
    assert f.XLR_RATE("CNY", "XXX").code == "#VALUE!"  # no such currency
    assert f.XLR_RATE("CNY", "USD", 45436.0, "weekly").code == "#VALUE!"  # no such basis
    assert f.XLR_LATEST(OUTPUT, "soon").code == "#VALUE!"  # not a date
    # an answer is a plain value, never a CellError
    assert f.XLR_TARGET(OUTPUT) == 500e9 and not isinstance(f.XLR_TARGET(OUTPUT), CellError)


def test_the_same_failure_answers_the_same_error_when_remembered(data: ExcelData) -> None:
    first = f.XLR_SHARE("nope")
    again = f.XLR_SHARE("nope")  # from the remembered results
    assert (again, again.code) == (first, first.code) == (first, "#N/A")


def test_the_vba_bases_are_the_rate_books() -> None:
    from xlreport.fx.when import Basis

    assert tuple(b.value for b in Basis) == f.BASES


# ------------------------------------------------------------------ Windows: the error value


def _xlwings_error_table() -> dict[int, str]:
    """xlwings' ``cell_errors``: the VT_ERROR codes Excel gives for error cells over COM."""
    import xlwings

    source = (Path(xlwings.__file__).parent / "_xlwindows.py").read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "cell_errors" for t in node.targets
        ):
            table = ast.literal_eval(node.value)
            assert isinstance(table, dict)
            return table
    raise AssertionError("xlwings/_xlwindows.py has no cell_errors table")


def test_the_error_codes_are_the_ones_excel_uses_over_com() -> None:
    # 0x800A0000 | 2042 = 2148141050, as a signed 32-bit number 2148141050 - 2**32
    assert com_error_code("#N/A") == 2148141050 - 4294967296 == -2146826246
    # 0x800A0000 | 2015 = 2148141023 -> -2146826273
    assert com_error_code("#VALUE!") == -2146826273
    table = _xlwings_error_table()
    for code in XL_ERROR_NUMBERS:
        assert table[com_error_code(code)] == code


class Variant:
    def __init__(self, vartype: int, value: Any) -> None:
        self.varianttype, self.value = vartype, value


@pytest.fixture
def on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """sys.platform says win32, and pywin32's two names the error path uses exist."""
    pythoncom = types.ModuleType("pythoncom")
    pythoncom.VT_ERROR = 10  # type: ignore[attr-defined]  # VARENUM VT_ERROR
    win32com = types.ModuleType("win32com")
    client = types.ModuleType("win32com.client")
    client.VARIANT = Variant  # type: ignore[attr-defined]
    win32com.client = client  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pythoncom", pythoncom)
    monkeypatch.setitem(sys.modules, "win32com", win32com)
    monkeypatch.setitem(sys.modules, "win32com.client", client)
    monkeypatch.setattr(sys, "platform", "win32")


def test_on_windows_a_failure_reaches_excel_as_the_error_value(
    data: ExcelData, on_windows: None
) -> None:
    b7 = cell("B7", '=XLR_STATUS("nope")')
    answer = call(f.XLR_STATUS, "nope", caller=b7)
    assert isinstance(answer, Variant)
    assert (answer.varianttype, answer.value) == (10, -2146826246)  # VT_ERROR, #N/A
    bad = call(f.XLR_TARGET, OUTPUT, "colour", caller=cell("B8"))
    assert (bad.varianttype, bad.value) == (10, -2146826273)  # #VALUE!
    # the message is still noted for XLR_ERROR, which reads B7 showing #N/A
    b7.shown = "#N/A"
    assert call(f.XLR_ERROR, b7, caller=cell("C7")).startswith("unknown target 'nope'")
    # answers that are not errors go to xlwings unchanged
    assert call(f.XLR_TARGET, OUTPUT, caller=cell("B9")) == 500e9
    assert excel_value("#XLR! typed by a user") == "#XLR! typed by a user"  # plain text


def test_elsewhere_the_error_stays_text_with_its_code() -> None:
    error = CellError("unknown target 'x'", "#N/A")
    assert sys.platform != "win32"
    assert excel_value(error) is error and error == "#XLR! unknown target 'x'"


# ------------------------------------------------------------------ XLR_ERROR


def test_xlr_error_gives_the_message_of_the_error_a_cell_shows(data: ExcelData) -> None:
    b7 = cell("B7", '=XLR_SHARE("nope")')
    call(f.XLR_SHARE, "nope", caller=b7)
    assert b7.shown == "#N/A"
    message = call(f.XLR_ERROR, b7, caller=cell("C7", "=XLR_ERROR(B7)"))
    assert message == "unknown target 'nope': see XLR_TARGETS(plan) for the ids"
    assert {"err_to_str": True} in b7.reads  # it looked at what B7 shows now

    # the same formula in another cell, answered from the remembered result, is noted too
    b8 = cell("B8", '=XLR_SHARE("nope")')
    call(f.XLR_SHARE, "nope", caller=b8)
    assert call(f.XLR_ERROR, b8, caller=cell("C8")) == message
    # a cell of the same address on another sheet is another cell
    assert call(f.XLR_ERROR, cell("B7", '=XLR_SHARE("nope")', "Other"), caller=cell("C9")) == ""


def test_xlr_error_is_empty_once_the_cell_no_longer_shows_that_error(data: ExcelData) -> None:
    b7 = cell("B7", "=XLR_TARGET(A7)")
    call(f.XLR_TARGET, None, caller=b7)  # A7 still empty
    assert b7.shown == "#VALUE!"
    assert call(f.XLR_ERROR, b7, caller=cell("C7")) == "target: is empty: give a value"
    call(f.XLR_TARGET, OUTPUT, caller=b7)  # A7 filled in: recalculated, an answer
    assert b7.shown == 500e9
    assert call(f.XLR_ERROR, b7, caller=cell("C7")) == ""
    # an error that is not ours (the user typed =NA() over it) has no message from us
    call(f.XLR_TARGET, None, caller=b7)
    b7.formula, b7.shown = "=NA()", "#N/A"
    assert call(f.XLR_ERROR, b7, caller=cell("C7")) == ""
    # a cell that never failed
    assert call(f.XLR_ERROR, cell("D1", "=1+1"), caller=cell("C1")) == ""


def test_an_array_formula_s_error_is_found_from_its_top_left_cell(data: ExcelData) -> None:
    # a legacy array formula over A10:K40 is called with that whole range as its caller;
    # its error shows in every cell, and XLR_ERROR is pointed at the first one
    table = cell("$A$10:$K$40", '=XLR_PROGRESS("no-such-plan")')
    answer = call(f.XLR_PROGRESS, "no-such-plan", caller=table)
    assert answer.code == "#N/A"
    a10 = cell("$A$10", table.text)
    a10.shown = "#N/A"
    assert call(f.XLR_ERROR, a10, caller=cell("$M$10")).startswith("unknown plan 'no-such-plan'")


def test_xlr_error_wants_one_cell(data: ExcelData) -> None:
    wide = cell("B7:B9")
    wide.count = 3
    answer = call(f.XLR_ERROR, wide, caller=cell("C7"))
    assert answer.code == "#VALUE!"
    assert answer.message == "cell: B7:B9 has 3 cells: give one, such as B7"
    value = call(f.XLR_ERROR, "#N/A", caller=cell("C8"))  # a value, not a reference
    assert value.message == "cell: give a reference to one cell, such as B7"


def test_a_call_without_a_calling_cell_notes_nothing(data: ExcelData) -> None:
    # from VBA or the Function Wizard Application.Caller is not a cell
    class NotACell:
        @property
        def sheet(self) -> Any:
            raise AttributeError("no sheet")

    assert call(f.XLR_SHARE, "nope", caller=NotACell()).code == "#N/A"  # type: ignore[arg-type]
    assert len(data.cell_errors) == 0


def test_the_office_add_in_leaves_xlr_error_out() -> None:
    # the add-in's errors carry their message themselves (hover the cell)
    names = {fn["id"] for fn in build_metadata()["functions"]}
    assert "XLR_ERROR" not in names and "XLR_STATUS" in names


def test_the_noted_messages_are_bounded_oldest_first(
    data: ExcelData, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "MAX_NOTED_ERRORS", 3)
    cells = [cell(f"B{row}", '=XLR_SHARE("nope")') for row in range(1, 6)]
    for c in cells:
        call(f.XLR_SHARE, "nope", caller=c)
    assert len(data.cell_errors) == 3
    # B1 and B2 were dropped to make room; B3 to B5 are still known
    said = [call(f.XLR_ERROR, c, caller=cell("C1")) for c in cells]
    assert [bool(s) for s in said] == [False, False, True, True, True]
