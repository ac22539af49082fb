"""Hostile cell values, CSV rows, templates, Excel function arguments and settings.

The property everywhere: a correct result or one clear xlreport error (one line, or one
line per problem), never a hang, a traceback (any other exception), a partial file or a
changed store. All inputs are synthetic.
"""

from __future__ import annotations

import contextlib
import csv
import math
import tomllib
from datetime import date, datetime
from pathlib import Path

import pytest
from fuzz_bounds import bounded
from hypothesis import given, settings
from hypothesis import strategies as st

from xlreport.errors import XlreportError, escape_terminal
from xlreport.excel import functions as F
from xlreport.io import read_dataset
from xlreport.io.csvsafe import csv_safe, needs_prefix, unquote_csv
from xlreport.io.layout import sheet_layouts
from xlreport.quantity import parse_quantity
from xlreport.report.template import parse_template
from xlreport.settings import Settings, get_settings

DEFAULT_TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "default.toml"

# numbers as people (and attackers) type them
number_text = st.one_of(
    st.from_regex(r"\A[-+]?\d{1,12}(\.\d{1,6})?([eE][-+]?\d{1,9})?\Z", fullmatch=True),
    st.from_regex(r"\A\d{1,5}(e\d{1,9})?/\d{1,9}\Z", fullmatch=True),
    st.from_regex(r"\A\d{1,6}(e\d{1,9})? ?(billion|k|万亿|亿|%|tn)\Z", fullmatch=True),
    st.text(max_size=40),
)
hostile_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60
) | st.sampled_from(["\x1b]52;c;ZXZpbA==\x07", "=1+1", " =1+1", "\xa0@SUM(1)", "\u202e"])


@given(number_text)
def test_quantities_parse_or_fail_clearly(text: str) -> None:
    with bounded(5):
        try:
            value = parse_quantity(text)
        except XlreportError as exc:
            assert "\n" not in str(exc) and len(str(exc)) < 400
        else:
            assert math.isfinite(value)


@given(hostile_text)
def test_csv_prefix_round_trips_and_never_leaves_a_formula(text: str) -> None:
    safe = csv_safe(text)
    assert unquote_csv(safe) == text
    for line in safe.replace("\r", "\n").split("\n"):
        stripped = line.lstrip().lstrip('"').lstrip()
        assert not (stripped[:1] in ("=", "+", "-", "@") and not line.startswith("'")), safe
    assert needs_prefix(text) == (safe != text) or "\n" in text or "\r" in text


@given(hostile_text)
def test_terminal_escape_leaves_no_control_character(text: str) -> None:
    shown = escape_terminal(text, keep_newlines=False)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in shown)


def _csv_folder(tmp: Path, cells: list[list[str]]) -> Path:
    folder = tmp / "csv"
    folder.mkdir(exist_ok=True)
    for lay in sheet_layouts():
        with open(folder / lay.csv_name, "w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(lay.names)
            if lay.collection == "observations":
                out.writerows(cells)
    return folder


@given(
    st.lists(
        st.lists(st.one_of(number_text, hostile_text), min_size=0, max_size=16),
        max_size=6,
    )
)
def test_csv_rows_import_or_fail_clearly_leaving_the_store_unchanged(
    tmp_path_factory: pytest.TempPathFactory, initialised: None, rows: list[list[str]]
) -> None:
    from xlreport.io import import_file
    from xlreport.store import Store

    tmp = tmp_path_factory.mktemp("fuzz-csv")
    folder = _csv_folder(tmp, rows)
    with Store.open() as store:
        before = (store.revision(), store.load_dataset())
        with bounded(20):
            try:
                import_file(folder, store)
            except XlreportError as exc:
                assert "Traceback" not in str(exc)
                assert "\x1b" not in escape_terminal(str(exc))
                assert (store.revision(), store.load_dataset()) == before


cell_value = st.one_of(
    st.none(),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)),
    number_text,
    hostile_text,
)


@settings(max_examples=15)  # each example starts the guarded reader's child process
@given(st.lists(st.lists(cell_value, min_size=9, max_size=9), min_size=1, max_size=4))
def test_workbook_cells_validate_or_fail_clearly(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[object]]
) -> None:
    import xlsxwriter

    path = tmp_path_factory.mktemp("fuzz-xlsx") / "cells.xlsx"
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    for lay in sheet_layouts():
        sheet = book.add_worksheet(lay.sheet)
        sheet.write_row(0, 0, lay.names)
        if lay.collection != "observations":
            continue
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, date):
                    sheet.write_datetime(r, c, datetime(value.year, value.month, value.day))
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif value is not None:
                    sheet.write(r, c, value)
    book.close()
    with bounded(60):
        try:
            read_dataset(path)
        except XlreportError as exc:
            assert "Traceback" not in str(exc)


@given(st.text(max_size=300) | st.binary(max_size=300).map(lambda b: b.decode("latin-1")))
def test_template_files_load_or_fail_clearly(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    from xlreport.report.template import load_template

    path = tmp_path_factory.mktemp("fuzz-toml") / "t.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    with bounded(10), contextlib.suppress(XlreportError):
        load_template(path)


template_changes = st.dictionaries(
    st.sampled_from(["title", "logo", "sheet", "font_size", "paper", "columns"]),
    st.one_of(hostile_text, st.integers(-(10**6), 10**6), st.floats(allow_nan=True)),
    max_size=4,
)


@given(template_changes)
def test_templates_load_or_fail_clearly(
    tmp_path_factory: pytest.TempPathFactory, changes: dict[str, object]
) -> None:
    raw = tomllib.loads(DEFAULT_TEMPLATE.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if key == "title":
            raw["report"]["title"] = value
        elif key == "logo":
            raw["theme"]["logo"] = value
        elif key == "sheet":
            raw["sheets"][0]["title"] = value
        elif key == "font_size":
            raw["theme"]["font_size"] = value
        elif key == "paper":
            raw["theme"]["paper"] = value
        elif key == "columns":
            raw["plan_sheets"]["columns"] = [value]
    with bounded(10), contextlib.suppress(XlreportError):
        parse_template(raw, DEFAULT_TEMPLATE.parent, origin="fuzz")


excel_value = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**400), 10**400),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)),
    number_text,
    hostile_text,
    st.lists(st.lists(st.one_of(st.none(), st.floats(), hostile_text), max_size=3), max_size=3),
)
FUNCTIONS = sorted(n for n in dir(F) if n.startswith("XLR_"))


@pytest.fixture
def initialised() -> None:
    """A store with the embedded dataset, in the test's isolated data folder."""
    from xlreport.store import Store

    with Store.open() as store:
        store.init()


@given(st.sampled_from(FUNCTIONS), st.lists(excel_value, max_size=6))
def test_excel_functions_answer_or_say_what_is_wrong(
    initialised: None, monkeypatch: pytest.MonkeyPatch, name: str, args: list[object]
) -> None:
    import inspect

    fn = getattr(F, name)
    params = list(inspect.signature(fn).parameters)
    args = (args + [None] * len(params))[: len(params)]  # Excel passes every argument
    with bounded(20):
        answer = fn(*args)
    text = str(answer)
    assert "internal error" not in text, (name, args, text)
    assert "run `xlreport init`" not in text  # the store is there: the answer is real


@given(
    st.dictionaries(
        st.sampled_from(["ABOUT_TOLERANCE", "CURRENCY", "TEMPLATE", "RATE_SOURCE", "DATA_DIR"]),
        hostile_text | number_text,
        max_size=3,
    )
)
def test_settings_are_read_or_fail_clearly(
    monkeypatch: pytest.MonkeyPatch, values: dict[str, str]
) -> None:
    for key, value in values.items():
        if "\x00" in value:
            continue  # the environment cannot hold NUL
        monkeypatch.setenv(f"XLREPORT_{key}", value)
    get_settings.cache_clear()
    try:
        settings = get_settings()
    except XlreportError as exc:
        assert str(exc).startswith("setting XLREPORT_")
    else:
        assert isinstance(settings, Settings)
    finally:
        get_settings.cache_clear()


def test_dates_far_outside_are_refused_by_the_model() -> None:
    from xlreport.model import Observation

    with pytest.raises(ValueError, match="out of range"):
        Observation(
            id="o",
            indicator="i",
            period="2023",
            value=1.0,
            unit="CNY",
            source_id="s",
            published=date(1, 1, 1),
        )
