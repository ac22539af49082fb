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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
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
from xlreport.report.formats import FormatCache
from xlreport.report.prepare import ReportData
from xlreport.report.tables import (
    StreamedWorksheet,
    column_range,
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


@dataclass
class PlanSheet:
    """Where a plan's table landed: what the summary and charts refer to."""

    plan_id: str
    sheet: str
    first_row: int  # first data row (0-based)
    last_row: int
    col: dict[str, int]  # column key -> column index
    rows: pd.DataFrame  # the targets in sheet order


@dataclass
class RenderContext:
    data: ReportData
    template: Template
    wb: Workbook
    fmts: FormatCache
    used_names: set[str] = field(default_factory=set)
    plan_sheets: list[PlanSheet] = field(default_factory=list)
    report_rate_name: str = "ReportRate"


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


def _rate_when(rate: dict[str, Any]) -> str:
    # A daily quote has the day used and no period; an average or end rate has a period.
    when = rate.get("date_used") or rate.get("period") or ""
    return when.isoformat() if hasattr(when, "isoformat") else str(when)


def _rate_text(rate: dict[str, Any]) -> str:
    """'1 CNY = 0.1381 USD (ECB daily, 2024-05-31)': no 'USD/CNY' shorthand, whose
    market reading (yuan per dollar) is the inverse of the number shown."""
    text = (
        f"1 {rate['frm']} = {float(rate['rate']):.6g} {rate['to']} "
        f"({rate['source']} {rate['basis']}, {_rate_when(rate)})"
    )
    return f"{text}; {rate['provisional']}" if rate.get("provisional") else text


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
    t, fmts, data = ctx.template, ctx.fmts, ctx.data
    sheet = ws.name
    listed = list(t.plan_sheets.columns)
    keys = required_columns(listed)
    hidden = set(keys) - set(listed)
    col = {k: i for i, k in enumerate(keys)}
    targets = data.targets[data.targets["plan_id"] == plan["id"]]
    targets = _sorted_targets(targets, t)

    ws.write_string(0, 0, str(plan["name"]), fmts.get("title"))
    years = (
        f"{int(plan['start_year'])}-{int(plan['end_year'])}"
        if not is_missing(plan.get("start_year"))
        else f"to {int(plan['end_year'])}"
    )
    ws.write_string(
        1,
        0,
        f"{plan['issuer']} · {years} · plan id {plan['id']} · as of {data.as_of.isoformat()}",
        fmts.get("subtitle"),
    )
    ws.set_row(0, 28)
    for key, i in col.items():
        options = {"hidden": True} if key in hidden else None
        ws.set_column(i, i, COLUMNS[key].width, None, options)

    first = HEADER_ROW + 1
    records = targets.reset_index(drop=True).to_dict("records")
    if not records:
        for key, i in col.items():
            ws.write_string(HEADER_ROW, i, _header_text(key, data.currency), fmts.get("header"))
        ws.write_string(first, 0, "No targets in this plan.", fmts.get("muted"))
        ctx.plan_sheets.append(PlanSheet(plan["id"], sheet, first, first - 1, col, targets))
        set_print(ws, t, as_of=data.as_of, repeat_row=HEADER_ROW)
        return
    report_unit = ctx.data.report_rate.get("frm")
    wrap_cols = [(k, COLUMNS[k].width) for k in listed if COLUMNS[k].cell is CellType.WRAP]
    line_height = t.theme.font_size * 1.3
    for r, row in enumerate(records, start=first):
        refs = {k: xl_rowcol_to_cell(r, i) for k, i in col.items()}
        unit = row.get("unit")
        lines = max([_wrapped_lines(row.get(k), w) for k, w in wrap_cols] or [1])
        if lines > 1:
            ws.set_row(r, line_height * lines + 2)
        for key, i in col.items():
            fmt = _style_for(key, unit, fmts)
            formula = COLUMNS[key].formula
            value = row.get(key)
            if formula is not None:
                ws.write_formula(r, i, "=" + formula.format(**refs), fmt, _cached(value))
            elif key == "target_rate" and unit == report_unit and not is_missing(value):
                ws.write_formula(r, i, f"={ctx.report_rate_name}", fmt, float(value))
            else:
                write_value(ws, r, i, value, fmt)
    last = first + len(records) - 1
    name = table_name(plan["id"], ctx.used_names)
    ws.add_table(
        HEADER_ROW,
        0,
        last,
        len(keys) - 1,
        {
            "name": name,
            "style": t.theme.table_style,
            "autofilter": True,
            "columns": [
                {"header": _header_text(k, data.currency), "header_format": fmts.get("header")}
                for k in keys
            ],
        },
    )
    ws.set_row(HEADER_ROW, 30)
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
                    "format": fmts.get(f"status:{style.value}"),
                },
            )
    if "share_achieved" in col:
        c = col["share_achieved"]
        ws.conditional_format(
            first,
            c,
            last,
            c,
            {
                "type": "data_bar",
                "bar_color": t.theme.colours.data_bar,
                "bar_solid": True,
                "min_type": "num",
                "min_value": 0,
                "max_type": "num",
                "max_value": 1,
            },
        )
    ws.freeze_panes(HEADER_ROW + 1, 1)
    set_print(ws, t, as_of=data.as_of, repeat_row=HEADER_ROW)
    ctx.wb.define_name(
        f"Targets_{name[2:]}",
        f"={quote_sheet(sheet)}!$A${HEADER_ROW + 2}:${xl_col_to_name(len(keys) - 1)}${last + 1}",
    )
    ctx.plan_sheets.append(PlanSheet(plan["id"], sheet, first, last, col, targets))


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
    rate_text = _rate_text(rate)
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
        ("Report rate", rate_text, "text"),
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


# ------------------------------------------------------------------------ summary


def _statuses(ctx: RenderContext) -> list[tuple[str, str]]:
    """(value, label) of every status: the template's, then any other the engine gave."""
    out = [(s.value, s.label) for s in ctx.template.theme.statuses]
    known = {v for v, _ in out}
    for value in ctx.data.targets["status"].dropna().unique():
        if value not in known:
            out.append((str(value), str(value)))
    return out


def _countif(ps: PlanSheet, status: str) -> str:
    rng = column_range(ps.sheet, ps.first_row, ps.last_row, ps.col["status"])
    return f'COUNTIF({rng},"{status}")'


def _write_summary(ctx: RenderContext, ws: Worksheet) -> None:
    """Key facts and headline figures, status counts, then one row per plan.

    Columns: A labels and ids; B the target counts; C.. one per status; then the mean
    share achieved and the plan's name. Every count is a COUNTIF over the plan sheets.
    """
    t, fmts, data = ctx.template, ctx.fmts, ctx.data
    ws.hide_gridlines(2)
    statuses = _statuses(ctx)
    known = {s.value for s in t.theme.statuses}
    counts = data.targets["status"].value_counts()
    total = len(data.targets)
    sheets = [ps for ps in ctx.plan_sheets if ps.last_row >= ps.first_row and "status" in ps.col]
    n_status = len(statuses)
    share_col = 2 + n_status
    name_col = share_col + 1
    ws.set_column(0, 0, 26)
    ws.set_column(1, share_col, 11)
    ws.set_column(name_col, name_col, 64)

    ws.write_string(0, 0, f"{t.report.title}: summary", fmts.get("title"))
    ws.set_row(0, 30)
    ws.write_string(
        1,
        0,
        f"Month {data.month} · as of {data.as_of.isoformat()} · "
        f"amounts in {data.currency} at {data.rate_source} rates",
        fmts.get("subtitle"),
    )

    # status counts (rows 9..), written first so the headline formulas can refer to them
    top = 9
    ws.write_string(top - 1, 0, "Targets by status", fmts.get("section"))
    count_cell: dict[str, str] = {}
    sum_all = f"SUM($B${top + 2}:$B${top + 1 + n_status})"
    for i, (value, _label) in enumerate(statuses):
        r = top + 1 + i
        ws.write_string(r, 0, value, fmts.get("text"))
        cached = int(counts.get(value, 0))
        parts = [_countif(ps, value) for ps in sheets]
        ws.write_formula(r, 1, "=" + ("+".join(parts) if parts else "0"), fmts.get("count"), cached)
        ws.write_formula(
            r,
            2,
            f'=IF({sum_all}=0,"",B{r + 1}/{sum_all})',
            fmts.get("percent"),
            cached / total if total else "",
        )
        count_cell[value] = f"$B${r + 1}"
    last = top + n_status
    ws.add_table(
        top,
        0,
        last,
        2,
        {
            "name": table_name("status_counts", ctx.used_names),
            "style": t.theme.table_style,
            "autofilter": False,
            "columns": [
                {"header": h, "header_format": fmts.get("header")}
                for h in ("Status", "Targets", "Share")
            ],
        },
    )
    for value, _label in statuses:
        if value in known:
            ws.conditional_format(
                top + 1,
                0,
                last,
                0,
                {
                    "type": "cell",
                    "criteria": "==",
                    "value": '"' + value.replace('"', '""') + '"',
                    "format": fmts.get(f"status:{value}"),
                },
            )
    ctx.wb.define_name("StatusCounts", f"={quote_sheet(ws.name)}!$A${top + 2}:$B${last + 1}")

    # key facts (A4:A7) and headline figures (boxes over two columns each, from column C)
    vintage = data.data_vintage.isoformat() if data.data_vintage else "none"
    rate = data.report_rate
    facts = [
        f"As of {data.as_of.isoformat()}",
        f"Data vintage {vintage}",
        # short: the boxes start in column C; the source is in the subtitle
        f"Rate: 1 {rate['frm']} = {float(rate['rate']):.4g} {rate['to']} ({_rate_when(rate)})"
        + (f"; {rate['provisional']}" if rate.get("provisional") else ""),
        f"Status changes: {len(data.status_changes)}",
    ]
    for i, text in enumerate(facts):
        ws.write_string(3 + i, 0, text, fmts.get("label"))
    behind = ("moderate progress", "insufficient progress", "moving away", "not met", "overdue")
    heads: list[tuple[str, str | None, int]] = [
        ("Targets tracked", f"={sum_all}", total),
        ("Met", f"={count_cell.get('met', '0')}", int(counts.get("met", 0))),
        ("On track", f"={count_cell.get('on track', '0')}", int(counts.get("on track", 0))),
        (
            "Behind or off track",
            "=" + ("+".join(count_cell[s] for s in behind if s in count_cell) or "0"),
            int(sum(counts.get(s, 0) for s in behind)),
        ),
        (f"Figures published in {data.month}", None, len(data.published_in_month)),
    ]
    for i, (label, formula, cached) in enumerate(heads):
        c = 2 + 2 * i
        ws.merge_range(3, c, 4, c + 1, None, fmts.get("headline_value"))
        if formula is None:
            ws.write_number(3, c, cached, fmts.get("headline_value"))
        else:
            ws.write_formula(3, c, formula, fmts.get("headline_value"), cached)
        ws.merge_range(5, c, 6, c + 1, label, fmts.get("headline_label"))

    # plans: one row per plan with its targets' statuses
    ptop = last + 3
    ws.write_string(ptop - 1, 0, "Plans at a glance", fmts.get("section"))
    headers = ["Plan", "Targets", *[lbl for _, lbl in statuses], "Mean share achieved", "Plan name"]
    plans = data.plans.set_index("id") if len(data.plans) else data.plans
    r = ptop
    for ps in ctx.plan_sheets:
        r += 1
        rows = ps.rows
        has_rows = ps.last_row >= ps.first_row
        ws.write_string(r, 0, ps.plan_id, fmts.get("text"))
        ws.write_number(r, 1, len(rows), fmts.get("count"))
        vc = rows["status"].value_counts()
        for j, (value, _label) in enumerate(statuses):
            cached = int(vc.get(value, 0))
            if has_rows and "status" in ps.col:
                ws.write_formula(r, 2 + j, "=" + _countif(ps, value), fmts.get("count"), cached)
            else:
                ws.write_number(r, 2 + j, cached, fmts.get("count"))
        share = rows["share_achieved"].to_numpy(dtype=float)
        share = share[np.isfinite(share)]
        if has_rows and "share_achieved" in ps.col:
            rng = column_range(ps.sheet, ps.first_row, ps.last_row, ps.col["share_achieved"])
            ws.write_formula(
                r,
                share_col,
                f'=IFERROR(AVERAGE({rng}),"")',
                fmts.get("percent"),
                float(share.mean()) if len(share) else "",
            )
        else:
            write_value(ws, r, share_col, None, fmts.get("percent"))
        ws.write_string(r, name_col, str(plans.loc[ps.plan_id, "name"]), fmts.get("text"))
    if r > ptop:

        def header_format(i: int) -> Any:
            if 2 <= i < 2 + n_status and statuses[i - 2][0] in known:
                return fmts.get(f"status_header:{statuses[i - 2][0]}")
            return fmts.get("header")

        ws.add_table(
            ptop,
            0,
            r,
            len(headers) - 1,
            {
                "name": table_name("plans", ctx.used_names),
                "style": t.theme.table_style,
                "autofilter": True,
                "columns": [
                    {"header": h, "header_format": header_format(i)} for i, h in enumerate(headers)
                ],
            },
        )
        ws.conditional_format(
            ptop + 1,
            share_col,
            r,
            share_col,
            {
                "type": "data_bar",
                "bar_color": t.theme.colours.data_bar,
                "bar_solid": True,
                "min_type": "num",
                "min_value": 0,
                "max_type": "num",
                "max_value": 1,
            },
        )
        ctx.wb.define_name(
            "PlanSummary",
            f"={quote_sheet(ws.name)}!$A${ptop + 2}:${xl_col_to_name(len(headers) - 1)}${r + 1}",
        )
    ws.set_row(ptop, 30)
    ws.freeze_panes(2, 0)
    set_print(ws, t, as_of=data.as_of, repeat_row=None)


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
        _write_summary(ctx, sheets["summary"])
    if "cover" in sheets:
        _write_cover(ctx, sheets["cover"])
    if "charts" in sheets:
        write_charts_sheet(ctx, sheets["charts"])
    first = template.sheets[0].kind
    if first in sheets:
        sheets[first].activate()
