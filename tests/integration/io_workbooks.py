"""Builders of real data files for the io tests: workbooks written cell by cell with
xlsxwriter (so a test controls every cell type), CSV folders, and hand-made zip files."""

from __future__ import annotations

import csv
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from xlreport.io.layout import sheet_layouts

Rows = list[list[Any]]

#: A small valid dataset, as rows per sheet (header first), that tests then spoil.
GOOD: dict[str, Rows] = {
    "Sources": [
        ["id", "title", "publisher", "published"],
        ["src-a", "A report", "A publisher", date(2024, 5, 25)],
    ],
    "Plans": [
        ["id", "name", "issuer", "start_year", "end_year", "source_id"],
        ["plan-a", "A plan", "A government", 2021.0, 2025.0, "src-a"],
    ],
    "Targets": [
        [
            "id",
            "plan_id",
            "name",
            "indicator",
            "kind",
            "comparator",
            "value",
            "unit",
            "deadline",
            "source_id",
        ],
        [
            "plan-a.output",
            "plan-a",
            "Output",
            "output",
            "level",
            "at_least",
            500e9,
            "CNY",
            2025.0,
            "src-a",
        ],
        [
            "plan-a.projects",
            "plan-a",
            "Projects",
            "projects",
            "cumulative",
            "more_than",
            "1,000",
            "projects",
            "2025",
            "src-a",
        ],
    ],
    "Observations": [
        [
            "id",
            "indicator",
            "target_id",
            "period",
            "value",
            "growth_yoy",
            "unit",
            "source_id",
            "published",
        ],
        [
            "obs-1",
            "output",
            "plan-a.output",
            "2023",
            "433.3 billion",
            "22.5%",
            "CNY",
            "src-a",
            date(2024, 5, 25),
        ],
    ],
    "Rates": [["id", "source", "base", "quote", "date", "rate"]],
}


def good_rows() -> dict[str, Rows]:
    return {name: [list(r) for r in rows] for name, rows in GOOD.items()}


def write_rows_workbook(path: Path, sheets: dict[str, Rows]) -> Path:
    """Write each sheet's rows; str -> text cell, float/int -> number, date -> date cell,
    bool -> boolean, None -> empty."""
    wb = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, bool):
                    ws.write_boolean(r, c, value)
                elif isinstance(value, int | float):
                    ws.write_number(r, c, value)
                elif isinstance(value, datetime):
                    ws.write_datetime(r, c, value, date_fmt)
                elif isinstance(value, date):
                    ws.write_datetime(r, c, datetime(value.year, value.month, value.day), date_fmt)
                else:
                    ws.write_string(r, c, str(value))
    wb.close()
    return path


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


def write_csv_folder(folder: Path, sheets: dict[str, Rows]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    files = {lay.sheet: lay.csv_name for lay in sheet_layouts()}
    for name, rows in sheets.items():
        with open(folder / files[name], "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            for row in rows:
                writer.writerow([_csv_value(v) for v in row])
    return folder


_PKG = "http://schemas.openxmlformats.org/package/2006"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<Types xmlns="{_PKG}/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_MIME}.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    f'ContentType="{_MIME}.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_BOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def _book_xml(sheet: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def sheet_xml(cells_xml: str, dimension: str | None) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{cells_xml}</sheetData></worksheet>"
    )


def write_raw_xlsx(path: Path, sheet: str, worksheet_xml: str) -> Path:
    """A minimal one-sheet xlsx whose worksheet XML is written by hand."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _book_xml(sheet))
        z.writestr("xl/_rels/workbook.xml.rels", _BOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", worksheet_xml)
    return path


def inline_row(r: int, values: list[str]) -> str:
    """One <row> of inline-string cells starting at column A."""
    from xlreport.io.layout import column_letter

    cells = "".join(
        f'<c r="{column_letter(i)}{r}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values)
    )
    return f'<row r="{r}">{cells}</row>'
