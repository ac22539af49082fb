"""The report in a real spreadsheet engine: LibreOffice recalculates every formula, and
prints the workbook to a PDF whose pages are not blank."""

from __future__ import annotations

import math
import shutil
import subprocess
import warnings
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from xlreport.data import load_embedded_dataset
from xlreport.frames import observations_frame, targets_frame
from xlreport.fx import RateBook
from xlreport.progress import compute_progress
from xlreport.report import write_monthly_report
from xlreport.report.libreoffice import LibreOffice
from xlreport.store import Store

pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="session")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LibreOffice]:
    """One LibreOffice profile for the whole run (first start is slow; never concurrent)."""
    if shutil.which("soffice") is None:
        pytest.fail("LibreOffice (soffice) is required for tests marked libreoffice")
    yield LibreOffice(tmp_path_factory.mktemp("lo-profile") / "profile")


@pytest.fixture(scope="module")
def book() -> RateBook:
    return RateBook.default()


@pytest.fixture
def report(isolated: Path, book: RateBook) -> Path:
    with Store.open() as store:
        store.init()
        return write_monthly_report(
            month="2024-05",
            store=store,
            book=book,
            out_dir=isolated / "out",
            generated_at=datetime(2024, 6, 1, 9, 0),
        ).path


def _load(path: Path, **kw: object):
    import openpyxl

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*extension is not supported")
        return openpyxl.load_workbook(path, **kw)


def _same(a: object, b: object) -> bool:
    if a in ("", None) and b in ("", None):
        return True
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def test_every_formula_recalculates_to_the_engines_value(
    report: Path, office: LibreOffice, tmp_path: Path
) -> None:
    recalculated = office.convert(report, "xlsx", tmp_path / "recalc")
    formulas = _load(report)
    cached = _load(report, data_only=True)
    fresh = _load(recalculated, data_only=True)
    checked = 0
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type != "f":
                    continue
                mine = cached[ws.title][cell.coordinate].value
                theirs = fresh[ws.title][cell.coordinate].value
                assert _same(mine, theirs), (ws.title, cell.coordinate, cell.value, mine, theirs)
                checked += 1
    assert checked > 200
    # ... and the cached values are the engine's own numbers
    ds = load_embedded_dataset()
    progress = compute_progress(targets_frame(ds), observations_frame(ds), date(2024, 5, 31))
    ws = fresh["lingang-2025"]
    header = [c.value for c in ws[4]]
    col = {name: header.index(name) for name in header}
    two_clocks = "time_elapsed_at_latest" in progress  # engines from issue 11 on
    engine_columns = {
        "Share achieved": "share_achieved",
        "Time elapsed at the latest figure": (
            "time_elapsed_at_latest" if two_clocks else "time_elapsed"
        ),
        "Required CAGR": "required_cagr",
        "Actual CAGR": "actual_cagr",
    }
    if two_clocks:
        engine_columns["Time elapsed"] = "time_elapsed"
    hidden_ids = [r[header.index("Target")].value for r in ws.iter_rows(min_row=5)]
    by_name = progress.set_index("name")
    compared = 0
    for row, name in zip(ws.iter_rows(min_row=5), hidden_ids, strict=True):
        for label, column in engine_columns.items():
            engine = by_name.loc[name, column]
            value = row[col[label]].value
            if isinstance(engine, float) and math.isnan(engine):
                assert value in ("", None)
            else:
                assert math.isclose(value, engine, rel_tol=1e-9), (name, label, value, engine)
                compared += 1
    # industrial output: share, elapsed, both CAGRs; cutting-edge scale: share, elapsed,
    # required CAGR
    assert compared >= 7


def _non_white(ppm: bytes) -> int:
    """Pixels that are not near-white in a binary PPM (P6) image."""
    parts = ppm.split(maxsplit=4)
    assert parts[0] == b"P6"
    pixels = parts[4]
    dark = 0
    for i in range(0, len(pixels) - 2, 3):
        if pixels[i] < 200 or pixels[i + 1] < 200 or pixels[i + 2] < 200:
            dark += 1
    return dark


@pytest.mark.slow
def test_pdf_pages_are_not_blank(report: Path, office: LibreOffice, tmp_path: Path) -> None:
    pdf = office.convert(report, "pdf", tmp_path / "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-r", "30", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.ppm"))
    # cover, summary, four plans, charts, changes, currency, sources, observations
    assert len(pages) >= 11
    for page in pages:
        assert _non_white(page.read_bytes()) > 500, page.name


@pytest.mark.slow
def test_report_command_writes_the_pdf_beside_the_workbook(isolated: Path, book: RateBook) -> None:
    with Store.open() as store:
        store.init()
        result = write_monthly_report(
            month="2024-05",
            store=store,
            book=book,
            out_dir=isolated / "out",
            pdf=True,
            generated_at=datetime(2024, 6, 1, 9, 0, tzinfo=UTC),
        )
    assert result.pdf_path == result.path.with_suffix(".pdf")
    assert result.pdf_path.read_bytes().startswith(b"%PDF")
    assert not [p for p in result.path.parent.iterdir() if p.name.startswith(".xlreport")]


@pytest.mark.slow
def test_formulas_recalculate_on_a_varied_synthetic_portfolio(
    office: LibreOffice, tmp_path: Path, book: RateBook
) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from report_synthetic import synthetic_dataset

    from xlreport.report import load_template, prepare_report
    from xlreport.report.api import write_report_file

    data = prepare_report(
        synthetic_dataset(60, 38, plans=3),
        month="2024-03",
        as_of=date(2024, 3, 31),
        currency="EUR",
        book=book,
        generated_at=datetime(2024, 4, 1),
        data_vintage=None,
    )
    # met, on track, moderate, insufficient and moving away all occur
    assert data.targets["status"].nunique() >= 4
    path = write_report_file(data, load_template(), tmp_path)
    recalculated = office.convert(path, "xlsx", tmp_path / "recalc")
    formulas, cached = _load(path), _load(path, data_only=True)
    fresh = _load(recalculated, data_only=True)
    numbers = 0
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    mine = cached[ws.title][cell.coordinate].value
                    theirs = fresh[ws.title][cell.coordinate].value
                    assert _same(mine, theirs), (
                        ws.title,
                        cell.coordinate,
                        cell.value,
                        mine,
                        theirs,
                    )
                    numbers += isinstance(mine, float)
    assert numbers > 500
