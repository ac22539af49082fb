"""The function list comes from the functions module; docs/excel.md is kept in step."""

from __future__ import annotations

import inspect
import json
import sys
from pathlib import Path

import pytest

from xlreport.cli.app import main
from xlreport.excel import functions
from xlreport.excel.catalog import DOCS_BEGIN, DOCS_END, list_functions, render_reference, spec_for

DOCS = Path(__file__).resolve().parents[2] / "docs" / "excel.md"

REQUIRED = {
    "XLR_TARGET",
    "XLR_TARGETS",
    "XLR_LATEST",
    "XLR_OBSERVATIONS",
    "XLR_SHARE",
    "XLR_STATUS",
    "XLR_CAGR_REQUIRED",
    "XLR_CAGR_ACTUAL",
    "XLR_ANTICIPATED",
    "XLR_RATE",
    "XLR_CONVERT",
    "XLR_ABOUT",
}


def test_the_docs_reference_is_generated_from_the_module() -> None:
    text = DOCS.read_text(encoding="utf-8")
    start, end = text.index(DOCS_BEGIN), text.index(DOCS_END) + len(DOCS_END)
    committed = text[start:end] + "\n"
    assert committed == render_reference(list_functions(functions)), (
        "docs/excel.md is out of date: paste the output of "
        "`xlreport excel functions --format markdown` between the markers"
    )


def test_every_required_function_exists_with_help_for_every_argument() -> None:
    specs = {s.name: s for s in list_functions(functions)}
    assert set(specs) >= REQUIRED
    for spec in specs.values():
        assert spec.help and all(a.help for a in spec.args)
        # the function xlwings calls takes one more, hidden, argument: the calling cell
        assert [a.name for a in spec.args] + ["caller"] == list(
            inspect.signature(getattr(functions, spec.name)).parameters
        )


def test_the_cli_lists_the_functions_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["excel", "functions", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [f["name"] for f in listed] == [s.name for s in list_functions(functions)]
    rate = next(f for f in listed if f["name"] == "XLR_RATE")
    assert [a["name"] for a in rate["args"]] == [
        "currency_from",
        "currency_to",
        "when",
        "basis",
        "source",
        "field",
    ]
    assert rate["args"][2]["optional"] is True and "2024-05" in rate["args"][2]["help"]
    assert set(rate) == {"name", "help", "returns", "args"}


def test_a_function_without_help_for_an_argument_is_refused() -> None:
    def XLR_X(target: object, field: object = None) -> object:
        return None

    with pytest.raises(TypeError, match=r"help is missing for \['field'\]"):
        spec_for(XLR_X, "Does X.", {"target": "a target"}, "value")
    with pytest.raises(TypeError, match="255 characters"):
        spec_for(XLR_X, "x" * 256, {"target": "a", "field": "b"}, "value")


def test_setup_explains_the_manual_steps_off_windows(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["excel", "setup"]) == 0
    out = capsys.readouterr().out
    assert "not Windows or macOS: nothing to install here" in out
    assert "enable macros: the XLR_ functions and the" in out  # no import step for ours
    assert "Only for XLR_ in your own workbooks" in out  # where the trust setting matters
    assert "Trust access to the VBA project object model" in out
    assert "Excel on the web, Excel for Mac and Windows without macros" in out
    assert "xlreport addin serve" in out  # the way there


def test_workbook_command_writes_and_refuses_to_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = tmp_path / "mine.xlsm"
    assert main(["excel", "workbook", str(dest)]) == 0
    out = capsys.readouterr().out
    assert dest.is_file() and "Wrote" in out
    assert "Open it and enable macros: the XLR_ functions work at once." in out
    assert main(["excel", "workbook", str(dest)]) == 1
    assert "exists: choose another name or add --force" in capsys.readouterr().err
    assert main(["excel", "workbook", str(dest), "--force"]) == 0
    assert main(["excel", "workbook", str(tmp_path / "mine.xlsx")]) == 1
    assert "must end in .xlsm" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("platform", "args"),
    [("win32", ["addin", "install"]), ("darwin", ["runpython", "install"])],
)
def test_setup_runs_what_runpython_needs_on_each_platform(
    platform: str,
    args: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """On a Mac RunPython needs xlwings' AppleScript installed (xlwings runpython
    install); on Windows the add-in. --dry-run shows the command and runs nothing."""
    monkeypatch.setattr(sys, "platform", platform)
    assert main(["excel", "setup", "--dry-run"]) == 0
    line = capsys.readouterr().out.strip().splitlines()[0]
    assert line.startswith("Running: ") and line.endswith(" ".join(args))
    assert "xlwings" in line
