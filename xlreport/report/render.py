"""Rendering a prepared report into an xlsx workbook (the only xlsxwriter user of report/).

Sheets follow the template's order. Plan sheets hold one Excel table per plan whose
derived columns are live formulas (see :mod:`xlreport.report.columns`) written with the
engine's values as cached results; the other sheets refer to them (status counts with
COUNTIF, chart data with references), so an edit in Excel flows through.
"""

from __future__ import annotations

import gc
import re
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from xlreport import __version__
from xlreport.report.appendix import (
    write_changes_sheet,
    write_currency_sheet,
    write_observations_sheet,
    write_sources_sheet,
)
from xlreport.report.charts import write_charts_sheet
from xlreport.report.columns import COLUMNS, CellType, required_columns
from xlreport.report.context import PlanSheet, RenderContext, rate_text
from xlreport.report.formats import FormatCache
from xlreport.report.prepare import ReportData
from xlreport.report.summary import write_summary
from xlreport.report.tables import (
    StreamedWorksheet,
    is_missing,
    quote_sheet,
    set_print,
    table_name,
    write_value,
)
from xlreport.report.template import Template

__all__ = ["WORKBOOK_OPTIONS", "PlanSheet", "RenderContext", "render_report"]

#: Text is never turned into a formula, a link or a number.
WORKBOOK_OPTIONS: dict[str, Any] = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}

HEADER_ROW = 3  # plan sheets: title, subtitle, blank, header


_SHEET_BAD = re.compile(r"[\[\]:*?/\\']")


def _sheet_names(prefix: str, plan_ids: list[str], taken: set[str]) -> list[str]:
    names = []
    for pid in plan_ids:
        base = _SHEET_BAD.sub("_", f"{prefix}{pid}")[:31]
        name, i = base, 2
        while name.lower() in taken:
            suffix = f"~{i}"
            name, i = base[: 31 - len(suffix)] + suffix, i + 1
        taken.add(name.lower())
        names.append(name)
    return names


def _status_rank(template: Template) -> dict[str, int]:
    return {s.value: i for i, s in enumerate(template.theme.statuses)}


def _sorted_targets(frame: pd.DataFrame, template: Template) -> pd.DataFrame:
    keys = template.plan_sheets.sort
    if not keys:
        return frame
    rank = _status_rank(template)
    tmp = frame.copy()
    by, asc = [], []
    for key in keys:
        col = key.lstrip("-")
        sort_col = f"__sort_{col}"
        if col == "status":
            tmp[sort_col] = tmp["status"].map(rank).fillna(len(rank)).astype(float)
        elif col in tmp:
            tmp[sort_col] = tmp[col]
        else:
            continue
        by.append(sort_col)
        asc.append(not key.startswith("-"))
    if not by:
        return frame
    out = tmp.sort_values(by, ascending=asc, kind="mergesort", na_position="last")
    return out[frame.columns]


def _style_for(key: str, unit: Any, fmts: FormatCache) -> Any:
    cell = COLUMNS[key].cell
    if cell is CellType.VALUE:
        return fmts.for_unit(unit)
    return fmts.get(
        {
            CellType.TEXT: "text",
            CellType.WRAP: "wrap",
            CellType.STATUS: "text",
            CellType.MONEY_REPORT: "money_report",
            CellType.PERCENT: "percent",
            CellType.YEARS: "years",
            CellType.RATE: "rate",
            CellType.DATE: "date",
        }[cell]
    )


def _wrapped_lines(value: Any, width: float) -> int:
    """Lines a wrapped text needs in a column ``width`` characters wide (an estimate:
    Excel and LibreOffice do not size rows of generated files themselves)."""
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(int(width * 1.1) - 1, 1)
    return sum(max(-(-len(part) // per_line), 1) for part in value.split("\n"))


def _cached(value: Any) -> Any:
    """The cached result of a formula: the engine's number, or "" where it has none."""
    if is_missing(value):
        return ""
    return float(value)


def _header_text(key: str, currency: str) -> str:
    return COLUMNS[key].header.replace("{currency}", currency)


def _write_plan_sheet(ctx: RenderContext, plan: dict[str, Any], ws: Worksheet) -> None:
    """One plan's targets as an Excel table under a title, with live derived columns."""
    t, data = ctx.template, ctx.data
    listed = list(t.plan_sheets.columns)
    keys = required_columns(listed)
    col = {k: i for i, k in enumerate(keys)}
    targets = data.targets[data.targets["plan_id"] == plan["id"]]
    targets = _sorted_targets(targets, t)

    _write_plan_heading(ctx, plan, ws)
    hidden = set(keys) - set(listed)
    for key, i in col.items():
        ws.set_column(i, i, COLUMNS[key].width, None, {"hidden": True} if key in hidden else None)
    first = HEADER_ROW + 1
    records = targets.reset_index(drop=True).to_dict("records")
    if not records:
        for key, i in col.items():
            ws.write_string(HEADER_ROW, i, _header_text(key, data.currency), ctx.fmts.get("header"))
        ws.write_string(first, 0, "No targets in this plan.", ctx.fmts.get("muted"))
        ctx.plan_sheets.append(PlanSheet(plan["id"], ws.name, first, first - 1, col, targets))
        set_print(ws, t, as_of=data.as_of, repeat_row=HEADER_ROW)
        return
    _write_plan_rows(ctx, ws, records, col, first, listed)
    last = first + len(records) - 1
    name = _add_plan_table(ctx, ws, plan["id"], keys, last)
    _plan_conditional_formats(ctx, ws, col, first, last)
    ws.freeze_panes(HEADER_ROW + 1, 1)
    set_print(ws, t, as_of=data.as_of, repeat_row=HEADER_ROW)
    ctx.wb.define_name(
        f"Targets_{name[2:]}",
        f"={quote_sheet(ws.name)}!$A${HEADER_ROW + 2}:${xl_col_to_name(len(keys) - 1)}${last + 1}",
    )
    ctx.plan_sheets.append(PlanSheet(plan["id"], ws.name, first, last, col, targets))


def _write_plan_heading(ctx: RenderContext, plan: dict[str, Any], ws: Worksheet) -> None:
    """Title (the plan's name) and subtitle (issuer, years, id, as-of date)."""
    fmts = ctx.fmts
    ws.write_string(0, 0, str(plan["name"]), fmts.get("title"))
    years = (
        f"{int(plan['start_year'])}-{int(plan['end_year'])}"
        if not is_missing(plan.get("start_year"))
        else f"to {int(plan['end_year'])}"
    )
    ws.write_string(
        1,
        0,
        f"{plan['issuer']} · {years} · plan id {plan['id']} · as of {ctx.data.as_of.isoformat()}",
        fmts.get("subtitle"),
    )
    ws.set_row(0, 28)


def _write_plan_rows(
    ctx: RenderContext,
    ws: Worksheet,
    records: list[dict[str, Any]],
    col: dict[str, int],
    first: int,
    listed: list[str],
) -> None:
    """The data rows: values with their unit's format, derived columns as formulas."""
    fmts = ctx.fmts
    report_unit = ctx.data.report_rate.get("frm")
    wrap_cols = [(k, COLUMNS[k].width) for k in listed if COLUMNS[k].cell is CellType.WRAP]
    line_height = ctx.template.theme.font_size * 1.3
    for r, row in enumerate(records, start=first):
        refs = {k: xl_rowcol_to_cell(r, i) for k, i in col.items()}
        unit = row.get("unit")
        lines = max([_wrapped_lines(row.get(k), w) for k, w in wrap_cols] or [1])
        if lines > 1:
            ws.set_row(r, line_height * lines + 2)
        for key, i in col.items():
            fmt = _style_for(key, unit, fmts)
            formula = COLUMNS[key].formula
            value: Any = row.get(key)
            if formula is not None:
                ws.write_formula(r, i, "=" + formula.format(**refs), fmt, _cached(value))
            elif key == "target_rate" and unit == report_unit and not is_missing(value):
                ws.write_formula(r, i, f"={ctx.report_rate_name}", fmt, float(value))
            else:
                write_value(ws, r, i, value, fmt)


def _add_plan_table(
    ctx: RenderContext, ws: Worksheet, plan_id: str, keys: list[str], last: int
) -> str:
    """The Excel table over header and rows; returns its name."""
    fmts = ctx.fmts
    name = table_name(plan_id, ctx.used_names)
    ws.add_table(
        HEADER_ROW,
        0,
        last,
        len(keys) - 1,
        {
            "name": name,
            "style": ctx.template.theme.table_style,
            "autofilter": True,
            "columns": [
                {"header": _header_text(k, ctx.data.currency), "header_format": fmts.get("header")}
                for k in keys
            ],
        },
    )
    ws.set_row(HEADER_ROW, 30)
    return name


def _plan_conditional_formats(
    ctx: RenderContext, ws: Worksheet, col: dict[str, int], first: int, last: int
) -> None:
    """Traffic-light colours on the status column, a data bar on the share achieved."""
    t = ctx.template
    if "status" in col:
        c = col["status"]
        for style in t.theme.statuses:
            ws.conditional_format(
                first,
                c,
                last,
                c,
                {
                    "type": "cell",
                    "criteria": "==",
                    "value": '"' + style.value.replace('"', '""') + '"',
                    "format": ctx.fmts.get(f"status:{style.value}"),
                },
            )
    if "share_achieved" in col:
        c = col["share_achieved"]
        ws.conditional_format(first, c, last, c, _data_bar(t))


def _data_bar(t: Template) -> dict[str, Any]:
    return {
        "type": "data_bar",
        "bar_color": t.theme.colours.data_bar,
        "bar_solid": True,
        "min_type": "num",
        "min_value": 0,
        "max_type": "num",
        "max_value": 1,
    }


# ------------------------------------------------------------------------ cover


def _write_cover(ctx: RenderContext, ws: Worksheet) -> None:
    t, fmts, data = ctx.template, ctx.fmts, ctx.data
    ws.hide_gridlines(2)
    ws.set_column(0, 0, 3)
    ws.set_column(1, 1, 26)
    ws.set_column(2, 2, 70)
    if t.logo_path is not None:
        ws.insert_image(
            1, 1, str(t.logo_path), {"x_scale": 0.8, "y_scale": 0.8, "object_position": 3}
        )
    ws.set_row(6, 34)
    ws.write_string(6, 1, t.report.title, fmts.get("title"))
    if t.report.subtitle:
        ws.write_string(7, 1, t.report.subtitle, fmts.get("subtitle"))
    rate = data.report_rate
    facts: list[tuple[str, Any, str]] = [
        ("Report month", data.month, "text"),
        ("As of", data.as_of, "kv_date"),
        (
            "Data vintage (latest publication)",
            data.data_vintage if data.data_vintage else "no observations",
            "kv_date",
        ),
        ("Report currency", data.currency, "text"),
        ("Rate source", data.rate_source, "text"),
        ("Report rate", rate_text(rate), "text"),
        ("Generated", data.generated_at.replace(tzinfo=None), "kv_datetime"),
        ("Targets", len(data.targets), "text"),
        ("Template", f"{t.report.name} (xlreport {__version__})", "text"),
    ]
    r = 9
    for label, value, style in facts:
        ws.write_string(r, 1, label, fmts.get("label"))
        if isinstance(value, int):
            ws.write_number(r, 2, value, fmts.get("kv_int"))
        else:
            write_value(ws, r, 2, value, fmts.get(style))
        r += 1
    ws.write_string(r + 1, 1, "Contents", fmts.get("section"))
    ws.write_blank(r + 1, 2, None, fmts.get("section"))
    r += 2
    for kind, text in _CONTENTS:
        if t.has_sheet(kind):
            name = "one sheet per plan" if kind == "plans" else t.sheet_title(kind)
            ws.write_string(r, 1, name, fmts.get("bold"))
            ws.write_string(r, 2, text, fmts.get("wrap"))
            r += 1
    set_print(ws, t, as_of=data.as_of)


_CONTENTS = (
    ("summary", "Status counts, plans at a glance and headline figures"),
    ("plans", "Each target: baseline, latest actual, target, progress measures, status"),
    ("charts", "Share achieved against time elapsed; actuals against the linear path"),
    ("changes", "Figures published this month (new and revised) and status changes"),
    ("currency", "Rates used and the audit of the documents' own conversions"),
    ("sources", "Every document cited, and method notes"),
    ("observations", "The observations in force as of the report date"),
)


# ------------------------------------------------------------------------ workbook


def render_report(data: ReportData, template: Template, path: Path) -> None:
    """Write the workbook for ``data`` with ``template`` to ``path``."""
    wb = Workbook(str(path), WORKBOOK_OPTIONS)
    # Millions of cell records are created and none is garbage: the cyclic collector
    # would only rescan them again and again (most of the render time), so it pauses.
    collecting = gc.isenabled()
    gc.disable()
    # xlsxwriter warns (instead of raising) about invalid input; here that is a bug
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                _render(wb, data, template)
            finally:
                wb.close()
    finally:
        if collecting:
            gc.enable()


def _render(wb: Workbook, data: ReportData, template: Template) -> None:
    fmts = FormatCache(wb, template.theme)
    ctx = RenderContext(data=data, template=template, wb=wb, fmts=fmts)
    wb.set_properties(
        {
            "title": f"{template.report.title}: {data.month}",
            "subject": f"Progress towards plan targets as of {data.as_of.isoformat()}",
            "author": template.report.author,
            "company": template.report.company,
            "keywords": "plan targets, progress, monthly report, xlreport",
            "comments": f"Generated by xlreport {__version__} with template {template.report.name}",
            "created": data.generated_at.replace(tzinfo=None),
        }
    )
    wb.set_custom_property("As of", data.as_of.isoformat())
    wb.set_custom_property("Report month", data.month)
    wb.set_custom_property("Report currency", data.currency)
    taken = {template.sheet_title(s.kind).lower() for s in template.sheets if s.kind != "plans"}
    plan_records = data.plans.to_dict("records")
    plan_names = _sheet_names(
        template.plan_sheets.title_prefix, [p["id"] for p in plan_records], taken
    )
    # Create every sheet in template order, then fill them so that what others refer to
    # (plan tables, the report rate) is written first.
    sheets: dict[str, Worksheet] = {}
    plan_sheets: list[tuple[dict[str, Any], Worksheet]] = []
    for spec in template.sheets:
        if spec.kind == "plans":
            plan_sheets = [
                (p, wb.add_worksheet(n)) for p, n in zip(plan_records, plan_names, strict=True)
            ]
        else:
            # the observations appendix can be the size of the whole store: streamed
            cls = StreamedWorksheet if spec.kind == "observations" else None
            sheets[spec.kind] = wb.add_worksheet(
                template.sheet_title(spec.kind), worksheet_class=cls
            )
    if "currency" not in sheets:  # otherwise the Currency sheet holds the rate in a cell
        wb.define_name(ctx.report_rate_name, "=" + repr(float(data.report_rate["rate"])))
    for plan, ws in plan_sheets:
        _write_plan_sheet(ctx, plan, ws)
    appendix = {
        "changes": write_changes_sheet,
        "currency": write_currency_sheet,
        "sources": write_sources_sheet,
        "observations": write_observations_sheet,
    }
    for kind, write in appendix.items():
        if kind in sheets:
            write(ctx, sheets[kind])
    if "summary" in sheets:
        write_summary(ctx, sheets["summary"])
    if "cover" in sheets:
        _write_cover(ctx, sheets["cover"])
    if "charts" in sheets:
        write_charts_sheet(ctx, sheets["charts"])
    first = template.sheets[0].kind
    if first in sheets:
        sheets[first].activate()
