"""The text of the README sheet: how to fill in a data workbook, from the layout itself."""

from __future__ import annotations

from xlreport.io.guard import DEFAULT_LIMITS
from xlreport.io.layout import Column, ColumnKind, sheet_layouts
from xlreport.quantity import COUNT_UNITS, PHYSICAL_UNITS, SCALES

__all__ = ["accepted_values", "readme_lines"]

_KIND_TEXT: dict[ColumnKind, str] = {
    ColumnKind.ID: "an id (text)",
    ColumnKind.TEXT: "text",
    ColumnKind.PERIOD: "a period as text: 2023, 2024-Q2, 2024-06, 2022-YTD06, 2019/2021",
    ColumnKind.DEADLINE: "a year (2025) or a date (date cell or YYYY-MM-DD)",
    ColumnKind.UNIT: "a unit code (see Units below)",
    ColumnKind.CURRENCY: "an ISO currency code (CNY, USD, EUR...)",
    ColumnKind.NUMBER: "a number in full units, or text with a scale ('433.3 billion')",
    ColumnKind.INTEGER: "a whole number",
    ColumnKind.BOOLEAN: "TRUE or FALSE (1/0 and true/false are accepted)",
    ColumnKind.DATE: "a date cell or text YYYY-MM-DD",
}


def accepted_values(column: Column) -> str:
    """What a cell of this column may hold, in one line."""
    if column.kind is ColumnKind.CHOICE:
        return "one of: " + ", ".join(column.choices)
    return _KIND_TEXT[column.kind]


def readme_lines(banner: str | None = None) -> list[str]:
    """Lines of the README sheet; a line starting with '# ' is a heading."""
    limits = DEFAULT_LIMITS
    layouts = sheet_layouts()
    scales = ", ".join(sorted(SCALES, key=lambda s: (SCALES[s], s)))
    lines: list[str] = []
    if banner:
        lines += [f"# {banner}", ""]
    lines += [
        "# xlreport plan data workbook",
        "Sources, plans, targets, observations (reported actuals) and exchange rates for "
        "xlreport. One row per record; the first row of each sheet is its header.",
        "",
        "# How to use it",
        "1. Fill in the sheets " + ", ".join(x.sheet for x in layouts) + ". Leave a sheet "
        "empty (header only) if you have nothing for it; empty rows are skipped.",
        "2. Check it: xlreport data validate plan_data.xlsx (lists every problem with its "
        "cell, e.g. Targets!G14; writes nothing).",
        "3. Import it: xlreport data import plan_data.xlsx (all or nothing: on any problem "
        "nothing is written). Importing the same file again changes nothing.",
        "4. Get the stored data back: xlreport data export data.xlsx (or a folder name for "
        "CSV files: sources.csv, plans.csv, targets.csv, observations.csv, rates.csv).",
        "Hover over a column header for its meaning; columns with a fixed set of values "
        "have a drop-down list.",
        "",
        "# Ids",
        "Every row has an id: lower-case letters, digits, '.', '_' or '-', starting with a "
        "letter or digit, at most 80 characters (e.g. lingang-2025.output). A row with an "
        "id that is already stored replaces the stored one. References (source_id, "
        "plan_id, target_id) may point to rows in this workbook or already in the "
        "database. Ids are text: if Excel turns an id into a number, format the column "
        "as Text and type it again.",
        "",
        "# Numbers, units and scales",
        "Values are in full units: 433.3 billion yuan is 433300000000. Text with a scale is "
        f"accepted and converted exactly: {scales} (e.g. '433.3 billion', '4333亿', '15万', "
        "'238,600'). Percentages are fractions: 0.225 or '22.5%' (not 22.5). '2/3' is "
        "accepted for two-thirds.",
        "Units: an ISO currency code (CNY, USD, EUR... see the drop-down), 'percent', a "
        f"physical unit ({', '.join(sorted(PHYSICAL_UNITS, key=str.lower))}) or a count "
        f"unit ({', '.join(sorted(COUNT_UNITS))}).",
        "",
        "# Periods, deadlines and dates",
        "Periods are text: 2023 (year), 2024-Q2 (quarter), 2024-06 (month), 2022-YTD06 "
        "(year to date through June), 2019/2021 (span of years). A deadline is a year "
        "(2025 means by the end of 2025) or a date. Dates are date cells or text "
        "YYYY-MM-DD; other date text (25/05/2024) is refused.",
        "",
        "# Vintages and revisions",
        "An observation's 'published' date is its vintage: reports as of an earlier date do "
        "not see it. A revised figure is a new row (a new id) for the same indicator and "
        "period with a later published date; the older vintage stays stored.",
        "",
        "# Limits",
        "Workbooks from outside are read with limits: " + limits.describe() + ".",
        "",
    ]
    for lay in layouts:
        lines.append(f"# Sheet {lay.sheet} (CSV: {lay.csv_name})")
        for c in lay.columns:
            need = "required" if c.required else "optional"
            lines.append(f"{c.name} ({need}; {accepted_values(c)}): {c.description}")
        lines.append("")
    return lines
