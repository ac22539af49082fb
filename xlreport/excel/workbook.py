"""The add-in workbook ``xlreport.xlsm``: xlwings' quickstart template, configured for us.

How it is made (``xlreport excel workbook PATH``, and ``workbooks/xlreport.xlsm`` in the
repository):

1. The VBA project is the one of xlwings' own ``quickstart --standalone`` template
   (``quickstart_standalone.xlsm`` in the installed xlwings package): the genuine
   ``xlwings`` VBA module (``RunPython``, ``ImportPythonUDFs``, ...), the ``Dictionary``
   class and the document modules. Standalone means no xlwings add-in is needed to run
   the button or import the functions.
2. Its ``Module1`` (the quickstart's sample module, meant for the user's macros) gets
   :data:`MACROS`: ``GenerateMonthlyReport`` (the button) calls the report through
   ``RunPython`` and ``ImportFunctions`` calls xlwings' ``ImportPythonUDFs``
   (:func:`xlreport.excel.vba.replace_module_source`), and ``DescribeFunctions``, the
   Function Wizard's help (:func:`xlreport.excel.wrappers.describe_macro`), which
   ``ThisWorkbook``'s ``Workbook_Open`` runs before it recalculates.
3. A new module ``xlwings_udfs`` holds the functions' VBA wrappers, the text xlwings'
   import would write (:func:`xlreport.excel.wrappers.udf_module`,
   :func:`xlreport.excel.vba.add_module`): the functions work once macros are enabled,
   without *Trust access to the VBA project object model*.
4. The workbook is written with xlsxwriter around that VBA project: a *Dashboard* sheet
   with the two buttons and example formulas over the seed plans, and the template's
   ``xlwings.conf`` sheet (activated: the template calls it ``_xlwings.conf``) with
   ``UDF Modules = xlreport.excel.functions`` and this installation's interpreter.

The template is found with :func:`importlib.util.find_spec`; the function catalog is read
from :mod:`xlreport.excel.functions` (which imports xlwings) only when writing.
"""

from __future__ import annotations

import importlib.util
import io
import os
import sys
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from xlreport.errors import TemplateError
from xlreport.excel.catalog import list_functions
from xlreport.excel.vba import add_module, replace_module_source
from xlreport.excel.wrappers import DESCRIBE_MACRO, UDF_MODULE_NAME, describe_macro, udf_module
from xlreport.fsio import scratch_dir, write_atomically

__all__ = [
    "CONF_SHEET",
    "DASHBOARD_EXAMPLES",
    "MACROS",
    "REFRESH_MACRO",
    "REPORT_MACRO",
    "UDF_MODULE",
    "WorkbookPlan",
    "installation_config",
    "read_template",
    "write_addin_workbook",
]

UDF_MODULE = "xlreport.excel.functions"
REPORT_MACRO = "GenerateMonthlyReport"
IMPORT_MACRO = "ImportFunctions"
REFRESH_MACRO = "RefreshData"
NEW_DAY_MACRO = "RecalculateOnNewDay"
REPORT_CALL = "import xlreport.excel.macros as m; m.generate_report()"
CONF_SHEET = "xlwings.conf"
TEMPLATE_NAME = "quickstart_standalone.xlsm"
TEMPLATE_CONF_SHEET = "_xlwings.conf"

MACROS = f"""\
' xlreport: the macros of the add-in workbook, behind the buttons on the Dashboard sheet.
' Written by `xlreport excel workbook`; regenerate the workbook rather than edit here.
Option Explicit

Sub {REPORT_MACRO}()
    ' Writes the monthly report with xlreport (the same function the scheduler calls).
    ' Python shows a message with the file's location, or with what failed.
    RunPython "{REPORT_CALL}"
    ' the report may have fetched newer rates: the cells show them at once
    Application.CalculateFull
End Sub

Sub {REFRESH_MACRO}()
    ' Recalculates every XLR_ formula: after a data import, a rate update or on a new
    ' day (functions without an as-of date mean today). Python reloads the data when the
    ' database changed, at most a second late.
    Application.CalculateFull
End Sub

Sub {NEW_DAY_MACRO}()
    ' Runs just after midnight while the workbook is open (scheduled by ThisWorkbook):
    ' "today" has changed, so every formula is recalculated, then tomorrow is scheduled.
    Application.CalculateFull
    ScheduleNewDay
End Sub

Sub ScheduleNewDay()
    Application.OnTime Date + 1 + TimeSerial(0, 0, 5), "{NEW_DAY_MACRO}"
End Sub

Sub {IMPORT_MACRO}()
    ' Writes the XLR_ functions of {UDF_MODULE} into this workbook again, with their help
    ' (the workbook carries them already: needed after an upgrade adds a function).
    ' Needs File > Options > Trust Center > Macro Settings >
    ' "Trust access to the VBA project object model".
    ImportPythonUDFs
End Sub
"""


#: The workbook's own module: recalculate when it opens (a new day since it was saved)
#: and just after each midnight while it stays open, so no cell keeps yesterday's answer.
WORKBOOK_EVENTS = f"""\
' xlreport: on opening, the functions' help, and a recalculation (functions without an
' as-of date mean today). Written by `xlreport excel workbook`.
Option Explicit

Private Sub Workbook_Open()
    {DESCRIBE_MACRO}
    Application.CalculateFull
    ScheduleNewDay
End Sub
"""


@dataclass(frozen=True)
class Example:
    label: str
    formula: str
    number_format: str = ""


T_OUTPUT = '"lingang-2025.industrial-output"'
DASHBOARD_EXAMPLES: tuple[Example, ...] = (
    Example("Target value (yuan)", f"=XLR_TARGET({T_OUTPUT})", "#,##0"),
    Example("Target unit", f'=XLR_TARGET({T_OUTPUT},"unit")'),
    Example("Deadline", f'=XLR_TARGET({T_OUTPUT},"deadline")'),
    Example("Latest actual (yuan)", f"=XLR_LATEST({T_OUTPUT})", "#,##0"),
    Example("Latest actual: period", f'=XLR_LATEST({T_OUTPUT},,"period")'),
    Example("Share achieved", f"=XLR_SHARE({T_OUTPUT})", "0.0%"),
    Example("Status", f"=XLR_STATUS({T_OUTPUT})"),
    Example("Status method", f'=XLR_STATUS({T_OUTPUT},"method")'),
    Example("Explanation", f'=XLR_STATUS({T_OUTPUT},"explanation")'),
    Example("Required growth a year", f"=XLR_CAGR_REQUIRED({T_OUTPUT})", "0.0%"),
    Example("Actual growth a year", f"=XLR_CAGR_ACTUAL({T_OUTPUT})", "0.0%"),
    Example("Anticipated by deadline (yuan)", f"=XLR_ANTICIPATED({T_OUTPUT})", "#,##0"),
    Example(
        "High-tech enterprises: status",
        '=XLR_STATUS("lingang-2025.high-tech-enterprises")',
    ),
    Example("CNY to USD on 2024-05-24 (ECB)", '=XLR_RATE("CNY","USD",DATE(2024,5,24))', "0.0000"),
    Example("CNY to USD, 2023 average", '=XLR_RATE("CNY","USD",2023)', "0.0000"),
    Example(
        "433.3 billion yuan in USD (2023 average)",
        '=XLR_CONVERT(433300000000,"CNY","USD",2023)',
        "#,##0",
    ),
    Example("Database in use", '=XLR_ABOUT("database")'),
    Example("Data vintage (latest publication)", '=XLR_ABOUT("data_vintage")'),
    Example("Store revision", '=XLR_ABOUT("revision")'),
    Example("xlreport version", '=XLR_ABOUT("version")'),
    # errors are Excel errors (#N/A here), IFERROR catches them, XLR_ERROR says why;
    # {above} is the result cell of the example before
    Example("An unknown target: #N/A", '=XLR_STATUS("no-such-target")'),
    Example("Why the cell above shows an error", "=XLR_ERROR({above})"),
    Example(
        "The same, caught by IFERROR",
        '=IFERROR(XLR_STATUS("no-such-target"),"(no such target)")',
    ),
)
TABLE_EXAMPLE = '=XLR_PROGRESS("lingang-2025")'
TARGETS_EXAMPLE = '=XLR_TARGETS("lingang-2025")'

INSTRUCTIONS = (
    "xlreport in Excel: custom functions XLR_... over the plan database, and the monthly "
    "report at one click.",
    "1. Once per computer: install Python and xlreport (see docs/excel.md). Enable macros "
    "for this workbook: the XLR_ functions then work, with their help in the Function Wizard.",
    "2. After upgrading xlreport, write the workbook again (xlreport excel workbook), or click "
    "Import functions (it needs File > Options > Trust Center > Macro Settings: "
    '"Trust access to the VBA project object model").',
    "3. Generate monthly report writes the report of the previous month and tells where it went.",
    "4. Refresh data recalculates every XLR_ formula: after an import, a rate update, or on "
    "a new day.",
    "5. A function that cannot answer shows #N/A (no such data) or #VALUE! (an argument to "
    "fix), so IFERROR works; =XLR_ERROR(cell) beside it says why.",
    "Custom functions need Excel for Windows; the button also works on macOS. For Excel on "
    "the web and Mac functions, use the Office add-in (xlreport addin serve).",
)


def _template_path() -> Path:
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise TemplateError("xlwings is not installed: pip install xlwings (xlreport needs it)")
    path = Path(next(iter(spec.submodule_search_locations))) / TEMPLATE_NAME
    if not path.is_file():
        raise TemplateError(
            f"xlwings' template {path} is missing: reinstall xlwings "
            "(pip install --force-reinstall xlwings)"
        )
    return path


@dataclass(frozen=True)
class WorkbookPlan:
    """What the add-in workbook is made of: the template's VBA project and conf sheet."""

    vba_project: bytes
    conf_rows: tuple[tuple[str, object], ...]  # key, value (the settings: rows 1-9)
    conf_notes: tuple[str, ...]  # the template's instructions below the settings
    template: Path


def read_template(path: Path | None = None) -> WorkbookPlan:
    """Read xlwings' standalone quickstart template (the installed one by default)."""
    import openpyxl

    path = path or _template_path()
    with zipfile.ZipFile(path) as zf:
        vba_project = zf.read("xl/vbaProject.bin")
    book = openpyxl.load_workbook(path, keep_vba=False)
    if TEMPLATE_CONF_SHEET not in book.sheetnames:
        raise TemplateError(f"{path}: no sheet {TEMPLATE_CONF_SHEET!r} (xlwings changed?)")
    rows: list[tuple[str, object]] = []
    notes: list[str] = []
    for key, value, *_ in book[TEMPLATE_CONF_SHEET].iter_rows(max_col=2, values_only=True):
        if key is None:
            continue
        if notes or str(key).endswith(":"):
            if not str(key).startswith("Rename this sheet"):  # done: the sheet is active
                notes.append(str(key))
        else:
            rows.append((str(key), value))
    return WorkbookPlan(vba_project, tuple(rows), tuple(notes), path)


def installation_config() -> dict[str, str]:
    """``xlwings.conf`` values for the Python running this code (interpreter, conda)."""
    config: dict[str, str] = {}
    if sys.platform == "win32":
        config["Interpreter_Win"] = sys.executable
    elif sys.platform == "darwin":
        config["Interpreter_Mac"] = sys.executable
    conda_exe = os.environ.get("CONDA_EXE")
    conda_env = os.environ.get("CONDA_DEFAULT_ENV")
    if conda_exe and conda_env and (Path(sys.prefix) / "conda-meta").is_dir():
        config["Conda Path"] = str(Path(conda_exe).resolve().parents[1])
        config["Conda Env"] = conda_env
    return config


def _conf_values(plan: WorkbookPlan, overrides: Mapping[str, str]) -> list[tuple[str, object]]:
    values = dict(plan.conf_rows)
    values["UDF Modules"] = UDF_MODULE
    # RunPython through the functions' COM server: the button's Python stays warm (its
    # imports and data loaded once), instead of a new interpreter per click
    values["Use UDF Server"] = True
    values.update(overrides)
    return list(values.items())


def _write(dest: Path, plan: WorkbookPlan, conf: list[tuple[str, object]], parts: Path) -> None:
    import xlsxwriter

    from xlreport.excel import functions  # the catalog (this imports xlwings)

    specs = list_functions(functions)
    module1 = MACROS + "\n" + describe_macro(specs)
    project = replace_module_source(plan.vba_project, "Module1", module1)
    project = replace_module_source(project, "ThisWorkbook", WORKBOOK_EVENTS)
    project = add_module(project, UDF_MODULE_NAME, udf_module(specs, UDF_MODULE))
    wb = xlsxwriter.Workbook(
        str(dest),
        {
            "tmpdir": str(parts),
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    wb.set_vba_name("ThisWorkbook")
    wb.add_vba_project(io.BytesIO(project), is_stream=True)
    wb.set_properties({"title": "xlreport", "comments": "Made by xlreport excel workbook"})

    bold = wb.add_format({"bold": True})
    title = wb.add_format({"bold": True, "font_size": 16})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    mono = wb.add_format({"font_name": "Consolas", "font_color": "#555555"})
    head = wb.add_format({"bold": True, "bottom": 1})

    ws = wb.add_worksheet("Dashboard")
    ws.set_vba_name("Sheet1")
    ws.set_column(0, 0, 36)
    ws.set_column(1, 1, 58)
    ws.set_column(2, 2, 24)
    ws.write_string(0, 0, "xlreport", title)
    for i, line in enumerate(INSTRUCTIONS):
        ws.write_string(1 + i, 0, line)
    ws.insert_button(
        1,
        3,
        {"macro": REPORT_MACRO, "caption": "Generate monthly report", "width": 190, "height": 36},
    )
    ws.insert_button(
        4,
        3,
        {"macro": IMPORT_MACRO, "caption": "Import functions", "width": 190, "height": 28},
    )
    ws.insert_button(
        6,
        3,
        {"macro": REFRESH_MACRO, "caption": "Refresh data", "width": 190, "height": 28},
    )
    top = len(INSTRUCTIONS) + 2
    ws.write_string(top, 0, "What", head)
    ws.write_string(top, 1, "Formula", head)
    ws.write_string(top, 2, "Result", head)
    for i, example in enumerate(DASHBOARD_EXAMPLES, start=top + 1):
        formula = example.formula.replace("{above}", f"C{i}")  # row i-1, 1-based: i
        ws.write_string(i, 0, example.label)
        ws.write_string(i, 1, formula, mono)
        fmt = wb.add_format({"num_format": example.number_format, "align": "left"})
        ws.write_formula(i, 2, formula, fmt if example.number_format else None, "")
    row = top + len(DASHBOARD_EXAMPLES) + 2
    for label, formula in (
        ("Progress of the Lin-gang 2025 targets (spills):", TABLE_EXAMPLE),
        ("The Lin-gang 2025 targets (spills):", TARGETS_EXAMPLE),
    ):
        ws.write_string(row, 0, label, bold)
        ws.write_string(row, 1, formula, mono)
        ws.write_dynamic_array_formula(row + 1, 0, row + 1, 0, formula, None, "")
        row += 42
    ws.activate()

    conf_ws = wb.add_worksheet(CONF_SHEET)
    conf_ws.set_vba_name("Sheet2")
    conf_ws.set_column(0, 0, 18)
    conf_ws.set_column(1, 1, 60)
    for i, (key, value) in enumerate(conf):
        conf_ws.write_string(i, 0, key)
        if isinstance(value, bool):
            conf_ws.write_boolean(i, 1, value)
        elif value is not None and value != "":
            conf_ws.write_string(i, 1, str(value))
    for j, note in enumerate(plan.conf_notes):
        conf_ws.write_string(len(conf) + 1 + j, 0, note, wrap if j == 0 else None)
    wb.close()


def write_addin_workbook(
    dest: Path,
    *,
    config: Mapping[str, str] | None = None,
    template: Path | None = None,
) -> Path:
    """Write the add-in workbook to ``dest`` (atomically). ``config`` overrides
    ``xlwings.conf`` values (default: none, so the template's own defaults stay, e.g.
    ``Interpreter_Win = python``); :func:`installation_config` gives this installation's."""
    dest = Path(dest)
    if dest.suffix.lower() != ".xlsm":
        raise TemplateError(f"{dest}: the add-in workbook has macros and must end in .xlsm")
    plan = read_template(template)
    conf = _conf_values(plan, config or {})

    def produce(tmp: Path) -> None:
        with scratch_dir(tmp) as parts:  # xlsxwriter's temporaries: not in TMPDIR
            _write(tmp, plan, conf, parts)

    return write_atomically(dest, produce)
