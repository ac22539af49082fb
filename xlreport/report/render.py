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
from xlreport.fsio import scratch_dir
from xlreport.quantity import UnitKind, unit_kind
from xlreport.report.appendix import (
    write_changes_sheet,
    write_currency_sheet,
    write_observations_sheet,
    write_sources_sheet,
)
from xlreport.report.charts import write_charts_sheet
from xlreport.report.columns import (
    COLUMNS,
    CONVERSION_COLUMNS,
    CellType,
    required_columns,
)
from xlreport.report.context import PlanSheet, RenderContext, rate_text
from xlreport.report.formats import FormatCache
from xlreport.report.labels import word
from xlreport.report.prepare import ReportData
from xlreport.report.summary import write_summary
from xlreport.report.tables import (
    StreamedWorksheet,
    is_missing,
    page_breaks,
    printable_pixels,
    quote_sheet,
    row_height,
    set_print,
    table_name,
    write_sheet_link,
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
            CellType.TEXT: "wrap",
            CellType.WRAP: "wrap",
            CellType.STATUS: "wrap",
            CellType.MONEY_REPORT: "money",
            CellType.PERCENT: "percent",
            CellType.YEARS: "years",
            CellType.RATE: "rate",
            CellType.DATE: "date",
        }[cell]
    )


def _cached(value: Any) -> Any:
    """The cached result of a formula: the engine's number, or "" where it has none."""
    if is_missing(value):
        return ""
    return float(value)


def _header_text(key: str, currency: str) -> str:
    return COLUMNS[key].header.replace("{currency}", currency)


def _needs_conversion(targets: pd.DataFrame, currency: str) -> bool:
    """Whether any amount of these targets is in another currency than the report's."""
    for unit in targets["unit"].dropna().unique():
        if isinstance(unit, str) and unit != currency and unit_kind(unit) is UnitKind.CURRENCY:
            return True
    return False


def _plan_columns(ctx: RenderContext, targets: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(listed, keys): the template's columns this plan shows (no conversion columns
    when all its amounts are in the report currency), and those plus the hidden inputs
    of their formulas."""
    listed = list(ctx.template.plan_sheets.columns)
    if not _needs_conversion(targets, ctx.data.currency):
        listed = [k for k in listed if k not in CONVERSION_COLUMNS]
    return listed, required_columns(listed)


def _write_plan_sheet(ctx: RenderContext, plan: dict[str, Any], ws: Worksheet) -> None:
    """One plan's targets as an Excel table under a title, with live derived columns.

    Printed at 100%: the columns the template groups (``new_page_before``), and any
    that would not fit, go to the following pages, with the target's name repeated."""
    t, data = ctx.template, ctx.data
    targets = data.targets[data.targets["plan_id"] == plan["id"]]
    targets = _sorted_targets(targets, t)
    listed, keys = _plan_columns(ctx, targets)
    col = {k: i for i, k in enumerate(keys)}

    hidden = set(keys) - set(listed)
    widths = [0.0 if k in hidden else COLUMNS[k].width for k in keys]
    forced = [col[k] for k in t.plan_sheets.new_page_before if k in col]
    breaks = page_breaks(widths, printable_pixels(t), repeat_first=True, forced=forced)
    first_page = (breaks[0] if breaks else len(listed)) - 1
    _write_plan_heading(ctx, plan, ws, col, first_page)
    for key, i in col.items():
        ws.set_column(i, i, COLUMNS[key].width, None, {"hidden": True} if key in hidden else None)
    headers = [_header_text(k, data.currency) for k in keys]
    ws.set_row(HEADER_ROW, row_height(t, list(zip(headers, widths, strict=True)), bold=True))
    first = HEADER_ROW + 1
    records = targets.reset_index(drop=True).to_dict("records")
    if not records:
        for i, text in enumerate(headers):
            ws.write_string(HEADER_ROW, i, text, ctx.fmts.get("header"))
        ws.write_string(first, 0, "No targets in this plan.", ctx.fmts.get("muted"))
        ctx.plan_sheets.append(PlanSheet(plan["id"], ws.name, first, first - 1, col, targets))
        set_print(ws, t, as_of=data.as_of, repeat_row=HEADER_ROW, widths=widths)
        return
    _write_plan_rows(ctx, ws, records, col, first, set(listed))
    last = first + len(records) - 1
    name = _add_plan_table(ctx, ws, plan["id"], headers, last)
    _plan_conditional_formats(ctx, ws, col, first, last)
    ws.freeze_panes(HEADER_ROW + 1, 1)
    set_print(
        ws,
        t,
        as_of=data.as_of,
        repeat_row=HEADER_ROW,
        widths=widths,
        repeat_first_col=True,
        forced_breaks=forced,
    )
    ctx.wb.define_name(
        f"Targets_{name[2:]}",
        f"={quote_sheet(ws.name)}!$A${HEADER_ROW + 2}:${xl_col_to_name(len(keys) - 1)}${last + 1}",
    )
    ctx.plan_sheets.append(PlanSheet(plan["id"], ws.name, first, last, col, targets))


def _write_plan_heading(
    ctx: RenderContext, plan: dict[str, Any], ws: Worksheet, col: dict[str, int], last_col: int
) -> None:
    """Title (the plan's name), subtitle (issuer, years, id, as-of date) and links to
    the summary and, above the converted amounts, the currency sheet (two links in one
    row of the same page print twice in LibreOffice's PDF, one over the other).

    Title and subtitle are merged over the first page's columns (``last_col``): text
    overflowing from the repeated column A would print over the next pages' headings."""
    fmts = ctx.fmts
    ws.merge_range(0, 0, 0, max(last_col, 1), str(plan["name"]), fmts.get("title"))
    years = (
        f"{int(plan['start_year'])}-{int(plan['end_year'])}"
        if not is_missing(plan.get("start_year"))
        else f"to {int(plan['end_year'])}"
    )
    ws.merge_range(
        1,
        0,
        1,
        max(last_col, 1),
        f"{plan['issuer']} · {years} · plan id {plan['id']} · as of {ctx.data.as_of.isoformat()}",
        fmts.get("subtitle"),
    )
    ws.set_row(0, 28)
    t = ctx.template
    # each link in a column of its own (merged with the next ones where it needs the
    # room: a link does not wrap in LibreOffice), on the page of the columns it concerns
    links = [
        ("summary", "See sheet {}", 0),
        ("currency", "Rates: see sheet {}", col.get("target_value_report")),
    ]
    keys = list(col)
    for kind, what, c in links:
        if c is None or (c == 0 and kind != "summary") or not t.has_sheet(kind):
            continue
        title = t.sheet_title(kind)
        text = what.format(title)
        end, room = c, COLUMNS[keys[c]].width
        while room < len(text) * 1.1 and end + 1 < len(keys):
            end += 1
            room += COLUMNS[keys[end]].width
        if end > c:
            ws.merge_range(2, c, 2, end, None, fmts.get("link"))
        write_sheet_link(ws, 2, c, title, text, fmts.get("link"))


def _write_plan_rows(
    ctx: RenderContext,
    ws: Worksheet,
    records: list[dict[str, Any]],
    col: dict[str, int],
    first: int,
    shown: set[str],
) -> None:
    """The data rows: codes as words, values with their unit's format, derived columns
    as formulas, each row as tall as its wrapped text needs."""
    fmts, t = ctx.fmts, ctx.template
    report_unit = ctx.data.report_rate.get("frm")
    for r, row in enumerate(records, start=first):
        refs = {k: xl_rowcol_to_cell(r, i) for k, i in col.items()}
        unit = row.get("unit")
        values = {k: word(k, row.get(k)) for k in col}
        height = row_height(
            t, [(values[k], COLUMNS[k].width) for k in col if k in shown and _is_text(k)]
        )
        if height is not None:
            ws.set_row(r, height)
        for key, i in col.items():
            fmt = _style_for(key, unit, fmts)
            formula = COLUMNS[key].formula
            value: Any = values[key]
            if formula is not None:
                ws.write_formula(r, i, "=" + formula.format(**refs), fmt, _cached(value))
            elif key == "target_rate" and unit == report_unit and not is_missing(value):
                ws.write_formula(r, i, f"={ctx.report_rate_name}", fmt, float(value))
            else:
                write_value(ws, r, i, value, fmt)


def _is_text(key: str) -> bool:
    return COLUMNS[key].cell in (CellType.TEXT, CellType.WRAP, CellType.STATUS)


def _add_plan_table(
    ctx: RenderContext, ws: Worksheet, plan_id: str, headers: list[str], last: int
) -> str:
    """The Excel table over header and rows; returns its name."""
    fmts = ctx.fmts
    name = table_name(plan_id, ctx.used_names)
    ws.add_table(
        HEADER_ROW,
        0,
        last,
        len(headers) - 1,
        {
            "name": name,
            "style": ctx.template.theme.table_style,
            "autofilter": True,
            "columns": [{"header": h, "header_format": fmts.get("header")} for h in headers],
        },
    )
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
    ws.set_row(5, 34)
    ws.write_string(5, 1, t.report.title, fmts.get("title"))
    if t.report.subtitle:
        ws.write_string(6, 1, t.report.subtitle, fmts.get("subtitle"))
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
    r = 8
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
        if not t.has_sheet(kind):
            continue
        if kind == "plans":
            for ps in ctx.plan_sheets:
                write_sheet_link(ws, r, 1, ps.sheet, ps.sheet, fmts.get("link_bold"))
                plan_name = _plan_name(ctx, ps.plan_id)
                ws.write_string(r, 2, plan_name, fmts.get("wrap"))
                ws.set_row(r, row_height(t, [(plan_name, 70)]))
                r += 1
            continue
        title = t.sheet_title(kind)
        write_sheet_link(ws, r, 1, title, title, fmts.get("link_bold"))
        ws.write_string(r, 2, text, fmts.get("wrap"))
        r += 1
    set_print(ws, t, as_of=data.as_of, widths=[3, 26, 70])


def _plan_name(ctx: RenderContext, plan_id: str) -> str:
    plans = ctx.data.plans
    match = plans[plans["id"] == plan_id]
    return str(match["name"].iloc[0]) if len(match) else plan_id


_CONTENTS = (
    ("summary", "Status counts, plans at a glance and headline figures"),
    ("plans", "A plan's targets: status, latest figure, target, share achieved, details"),
    ("charts", "Share achieved against time elapsed; actuals against the linear path"),
    ("changes", "Figures published this month (new and revised) and status changes"),
    ("currency", "Rates used and the audit of the documents' own conversions"),
    ("sources", "Every document cited, and method notes"),
    ("observations", "The observations in force as of the report date"),
)


# ------------------------------------------------------------------------ workbook


def render_report(data: ReportData, template: Template, path: Path) -> None:
    """Write the workbook for ``data`` with ``template`` to ``path``."""
    with scratch_dir(path) as parts:  # xlsxwriter's temporaries: beside path, not in TMPDIR
        _render_into(data, template, path, parts)


def _render_into(data: ReportData, template: Template, path: Path, parts: Path) -> None:
    wb = Workbook(str(path), {**WORKBOOK_OPTIONS, "tmpdir": str(parts)})
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
