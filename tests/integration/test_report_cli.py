"""`xlreport report` from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlreport.cli.app import main


def test_report_command_prints_the_path(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init"]) == 0
    capsys.readouterr()
    out = isolated / "reports-here"
    assert main(["report", "--month", "2024-05", "--out", str(out)]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed == str(out / "plan-targets-report-2024-05.xlsx")
    assert Path(printed).stat().st_size > 10_000


def test_report_command_errors_are_one_line(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--month", "2024-13"]) == 1
    assert capsys.readouterr().err.startswith("Error: month '2024-13' is not of the form YYYY-MM")
    assert main(["init"]) == 0
    assert main(["report", "--month", "2024-05", "--template", "no-such-template"]) == 1
    assert "no template named 'no-such-template'" in capsys.readouterr().err
