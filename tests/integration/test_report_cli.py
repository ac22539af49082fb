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


def test_a_template_named_in_the_data_folder_is_found(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--template board` looks in <data folder>/templates first (the App tells the
    report layer where; the report layer reads no settings)."""
    from xlreport.report.template import BUILTIN_TEMPLATE_DIR

    folder = isolated / "data" / "templates"
    folder.mkdir(parents=True)
    text = (BUILTIN_TEMPLATE_DIR / "default.toml").read_text(encoding="utf-8")
    board = text.replace('name = "plan-targets-report"', 'name = "board-pack"', 1)
    assert board != text
    (folder / "board.toml").write_text(board, encoding="utf-8")
    (folder / "logo.png").write_bytes((BUILTIN_TEMPLATE_DIR / "logo.png").read_bytes())
    assert main(["init"]) == 0
    capsys.readouterr()
    out = isolated / "out"
    assert main(["report", "--month", "2024-05", "--template", "board", "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out / "board-pack-2024-05.xlsx")
    # a built-in name still works when the data folder has no such file
    assert main(["report", "--month", "2024-05", "--template", "default", "--out", str(out)]) == 0
    assert (out / "plan-targets-report-2024-05.xlsx").is_file()
