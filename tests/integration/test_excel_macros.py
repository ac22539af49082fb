"""The report button's Python side: writes the report and tells where it went, or why not."""

from __future__ import annotations

from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from xlreport.excel import macros
from xlreport.store import Store


class Messages(list[tuple[str, str]]):
    def __call__(self, text: str, title: str) -> None:
        self.append((text, title))


def test_the_button_writes_the_report_and_says_where(isolated: Path) -> None:
    with Store.open() as store:
        store.init()
    told = Messages()
    result = macros.generate_report(month="2024-12", notify=told)
    assert result is not None
    path = Path(result.path)
    assert path.is_file() and path.suffix == ".xlsx"
    assert path.parent == isolated / "reports"  # XLREPORT_OUTPUT_DIR of the test
    assert CalamineWorkbook.from_path(str(path)).sheet_names  # a real workbook
    assert len(told) == 1
    text, title = told[0]
    assert title == "xlreport: monthly report"
    assert text.startswith("The monthly report for 2024-12 (data as of 2024-12-31) is at:")
    assert str(path) in text


def test_the_button_says_what_failed(isolated: Path) -> None:
    told = Messages()
    # no `xlreport init`: the store has no schema yet
    assert macros.generate_report(month="2024-12", notify=told) is None
    text, _ = told[0]
    assert text.startswith("The monthly report was not written.\n\n")
    assert "xlreport init" in text
    assert not (isolated / "reports").exists() or not list((isolated / "reports").glob("*.xlsx"))


def test_an_unexpected_failure_is_reported_briefly_and_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import xlreport.report as report

    def broken(**_: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(report, "write_monthly_report", broken)
    told = Messages()
    assert macros.generate_report(notify=told) is None
    text, _ = told[0]
    assert "internal error (RuntimeError: disk on fire)" in text
    assert "Traceback" not in text
    assert any(r.exc_info for r in caplog.records if r.name == "xlreport.excel")
