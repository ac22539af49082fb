"""The add-in workbook: its VBA read back by olevba (and LibreOffice), its xlwings.conf
read by openpyxl, its buttons and Dashboard formulas."""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from xlreport.data import load_embedded_dataset
from xlreport.excel import functions
from xlreport.excel.catalog import list_functions
from xlreport.excel.vba import decompress, list_modules
from xlreport.excel.workbook import (
    CONF_SHEET,
    REPORT_CALL,
    UDF_MODULE,
    read_template,
    write_addin_workbook,
)
from xlreport.excel.wrappers import udf_module

COMMITTED = Path(__file__).resolve().parents[2] / "workbooks" / "xlreport.xlsm"
RUN_PYTHON_LINE = 'RunPython "import xlreport.excel.macros as m; m.generate_report()"'


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_addin_workbook(tmp_path_factory.mktemp("wb") / "xlreport.xlsm")


def _vba_parser(path: Path) -> Any:
    # oletools 0.60 calls a pyparsing API deprecated in pyparsing 3.3; the warning is
    # theirs, not ours (pytest turns warnings into errors).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from oletools.olevba import VBA_Parser

        return VBA_Parser(str(path))


def _modules(path: Path) -> dict[str, str]:
    parser = _vba_parser(path)
    try:
        assert parser.detect_vba_macros()
        return {name: code.replace("\r\n", "\n") for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def _conf(path: Path) -> dict[str, object]:
    book = openpyxl.load_workbook(path, keep_vba=True)
    sheet = book[CONF_SHEET]
    values: dict[str, object] = {}
    for key, value in sheet.iter_rows(min_row=1, max_row=9, max_col=2, values_only=True):
        values[str(key)] = value
    return values


def _cells(sheet: Any) -> list[list[object]]:
    """Cell values, array formulas by their text."""
    return [[getattr(c.value, "text", c.value) for c in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("which", ["fresh", "committed"])
def test_the_button_macro_calls_the_report_through_runpython(which: str, fresh: Path) -> None:
    path = fresh if which == "fresh" else COMMITTED
    modules = _modules(path)
    module1 = modules["Module1.bas"]
    assert "Sub GenerateMonthlyReport()" in module1
    assert RUN_PYTHON_LINE in module1
    assert REPORT_CALL in RUN_PYTHON_LINE
    assert "Sub ImportFunctions()" in module1 and "\n    ImportPythonUDFs\n" in module1
    assert "SampleCall" not in module1  # the quickstart sample is replaced
    # xlwings' own standalone VBA module is there, with what the macros call
    xlwings_module = modules["xlwings.bas"]
    assert "Public Function RunPython(PythonCommand As String)" in xlwings_module
    assert "Sub ImportPythonUDFs()" in xlwings_module
    assert "Dictionary.cls" in modules


def test_the_committed_workbook_is_what_the_generator_writes(fresh: Path) -> None:
    committed, written = _modules(COMMITTED), _modules(fresh)
    assert set(committed) == set(written)
    for name in ("Module1.bas", "ThisWorkbook.cls", "xlwings_udfs.bas"):
        assert committed[name] == written[name], name
    assert _conf(COMMITTED) == _conf(fresh)
    fresh_sheet = openpyxl.load_workbook(fresh)["Dashboard"]
    committed_sheet = openpyxl.load_workbook(COMMITTED)["Dashboard"]
    assert _cells(fresh_sheet) == _cells(committed_sheet)


def test_module1_source_is_purged_of_pcode(fresh: Path) -> None:
    import io

    import olefile

    with zipfile.ZipFile(fresh) as zf:
        project = zf.read("xl/vbaProject.bin")
    ole = olefile.OleFileIO(io.BytesIO(project))
    modules = {m.name: m for m in list_modules(decompress(ole.openstream("VBA/dir").read()))}
    assert modules["Module1"].offset == 0  # the stream is the compressed source alone
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("cc61ffff000100")
    assert modules["xlwings_udfs"].offset == 0  # added as source alone, as xlwings adds its own
    assert set(modules) == {
        "ThisWorkbook", "Sheet1", "Module1", "Sheet2", "xlwings", "Dictionary", "xlwings_udfs",
    }  # fmt: skip


def test_xlwings_conf_names_the_function_module(fresh: Path) -> None:
    conf = _conf(fresh)
    template_keys = [k for k, _ in read_template().conf_rows]
    assert list(conf) == template_keys  # the template's own settings, in its order
    assert conf["UDF Modules"] == UDF_MODULE == "xlreport.excel.functions"
    assert conf["Interpreter_Win"] == "python"  # the template's default: python on PATH
    # the button runs in the functions' COM server: a warm Python, not one per click
    assert conf["Use UDF Server"] is True and conf["Show Console"] is False
    book = openpyxl.load_workbook(fresh, keep_vba=True)
    assert book.sheetnames == ["Dashboard", CONF_SHEET]  # active: no leading underscore
    assert book["Dashboard"].sheet_properties.codeName == "Sheet1"
    assert book[CONF_SHEET].sheet_properties.codeName == "Sheet2"


def test_installation_settings_go_into_xlwings_conf(tmp_path: Path) -> None:
    path = write_addin_workbook(
        tmp_path / "mine.xlsm",
        config={"Interpreter_Win": r"C:\Python311\python.exe", "Conda Env": "xlr"},
    )
    conf = _conf(path)
    assert conf["Interpreter_Win"] == r"C:\Python311\python.exe"
    assert conf["Conda Env"] == "xlr"
    assert conf["UDF Modules"] == "xlreport.excel.functions"


def test_the_buttons_run_the_macros(fresh: Path) -> None:
    with zipfile.ZipFile(fresh) as zf:
        names = zf.namelist()
        vml = zf.read(next(n for n in names if n.endswith(".vml"))).decode()
        assert "xl/vbaProject.bin" in names
    assert "<x:FmlaMacro>[0]!GenerateMonthlyReport</x:FmlaMacro>" in vml
    assert "<x:FmlaMacro>[0]!ImportFunctions</x:FmlaMacro>" in vml
    assert "<x:FmlaMacro>[0]!RefreshData</x:FmlaMacro>" in vml
    assert "Generate monthly report" in vml and "Import functions" in vml
    assert "Refresh data" in vml


@pytest.mark.parametrize("which", ["fresh", "committed"])
def test_formulas_are_recalculated_on_open_and_after_each_midnight(which: str, fresh: Path) -> None:
    """Functions without an as-of date mean today, and Excel recalculates a formula only
    when its arguments change: the workbook recalculates when it opens and just after
    each midnight while open (Application.OnTime, rescheduled every day)."""
    modules = _modules(fresh if which == "fresh" else COMMITTED)
    this = modules["ThisWorkbook.cls"]
    opening = this[this.index("Private Sub Workbook_Open()") :]
    assert opening.index("Application.CalculateFull") < opening.index("ScheduleNewDay")
    module1 = modules["Module1.bas"]
    assert 'Application.OnTime Date + 1 + TimeSerial(0, 0, 5), "RecalculateOnNewDay"' in module1
    new_day = module1[module1.index("Sub RecalculateOnNewDay()") :]
    assert new_day.index("Application.CalculateFull") < new_day.index("ScheduleNewDay")


@pytest.mark.parametrize("which", ["fresh", "committed"])
def test_refresh_recalculates_every_formula_also_after_the_report(which: str, fresh: Path) -> None:
    module1 = _modules(fresh if which == "fresh" else COMMITTED)["Module1.bas"]
    refresh = module1[module1.index("Sub RefreshData()") :]
    assert "\n    Application.CalculateFull\nEnd Sub" in refresh
    report = module1[module1.index("Sub GenerateMonthlyReport()") : module1.index("Sub Refresh")]
    # the report may bring newer rates: the cells are recalculated after it
    assert report.index("RunPython") < report.index("Application.CalculateFull")


@pytest.mark.parametrize("which", ["fresh", "committed"])
def test_the_functions_work_without_importing_them(which: str, fresh: Path) -> None:
    """The workbook carries xlwings' wrapper module for every function (so a formula
    works once macros are enabled, with no Trust access to the VBA project), and gives
    the Function Wizard their help when it opens."""
    modules = _modules(fresh if which == "fresh" else COMMITTED)
    specs = list_functions(functions)
    # as VBA stores it: the Attribute VB_Name line first, no blank line at the end
    assert modules["xlwings_udfs.bas"].rstrip("\n") == udf_module(specs, UDF_MODULE).rstrip("\n")
    this = modules["ThisWorkbook.cls"]
    opening = this[this.index("Private Sub Workbook_Open()") :]
    assert opening.index("DescribeFunctions") < opening.index("Application.CalculateFull")
    module1 = modules["Module1.bas"]
    describe = module1[module1.index("Sub DescribeFunctions()") :]
    assert describe.index("unchanged = ThisWorkbook.Saved") < describe.index("MacroOptions")
    assert describe.rstrip().endswith("ThisWorkbook.Saved = unchanged\nEnd Sub")
    for spec in specs:
        start = describe.index(f"""Macro:="'" & ThisWorkbook.Name & "'!{spec.name}", _""")
        end = describe.find("Application.MacroOptions", start)
        statement = describe[start : end if end > 0 else None]
        assert 'Description:="' + spec.help.replace('"', '""') + '"' in statement
        for arg in spec.args:  # VBA doubles a quote inside a string
            assert '"' + arg.help.replace('"', '""') + '"' in statement, (spec.name, arg.name)


def test_dashboard_formulas_use_known_functions_and_seed_ids(fresh: Path) -> None:
    sheet = openpyxl.load_workbook(fresh)["Dashboard"]
    formulas = [
        c.value.text if hasattr(c.value, "text") else c.value
        for row in sheet.iter_rows()
        for c in row
        if c.data_type == "f" or hasattr(c.value, "text")
    ]
    assert len(formulas) >= 20
    known = {s.name for s in list_functions(functions)}
    used = {name for f in formulas for name in re.findall(r"\b(XLR_[A-Z_]+)\(", f)}
    assert used <= known and {"XLR_SHARE", "XLR_STATUS", "XLR_RATE", "XLR_ABOUT"} <= used
    ds = load_embedded_dataset()
    ids = {t.id for t in ds.targets} | {p.id for p in ds.plans}
    quoted = {q for f in formulas for q in re.findall(r'"([a-z0-9.-]+-20\d\d[a-z0-9.-]*)"', f)}
    assert quoted and quoted <= ids


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_loads_the_vba_project_and_wires_the_button(
    fresh: Path, tmp_path: Path
) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    profile = tmp_path / "profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "ods",
            "--outdir",
            str(tmp_path),
            str(fresh),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    with zipfile.ZipFile(tmp_path / "xlreport.ods") as zf:
        module1 = zf.read("Basic/VBAProject/Module1.xml").decode()
        content = zf.read("content.xml").decode()
    assert "Sub GenerateMonthlyReport()" in module1
    assert "import xlreport.excel.macros as m; m.generate_report()" in module1
    # LibreOffice reads the added module from the project's dir stream too
    with zipfile.ZipFile(tmp_path / "xlreport.ods") as zf:
        wrappers = zf.read("Basic/VBAProject/xlwings_udfs.xml").decode()
    assert 'script:moduleType="normal"' in wrappers
    assert "Function XLR_STATUS(target, Optional field, Optional as_of, Optional tolerance)" in (
        wrappers
    )
    assert "vnd.sun.star.script:VBAProject.Module1.GenerateMonthlyReport" in content


@pytest.mark.parametrize("which", ["fresh", "committed"])
def test_the_vba_names_the_installed_xlwings_version(which: str, fresh: Path) -> None:
    """The xlwings module's DLL names and XLWINGS_VERSION must be the installed xlwings':
    Excel loads xlwings64-<version>.dll from the Python side's package, so a workbook from
    another version fails to call Python. pyproject.toml pins the version tested here."""
    from importlib.metadata import version

    installed = version("xlwings")
    module = _modules(fresh if which == "fresh" else COMMITTED)["xlwings.bas"]
    assert f'Public Const XLWINGS_VERSION As String = "{installed}"' in module
    named = set(re.findall(r"xlwings(?:32|64)-([0-9.]+)\.dll", module))
    assert named == {installed}
