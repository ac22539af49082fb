"""The Summary sheet: key facts, headline figures, status counts and plans at a glance.

Layout: A labels and ids; B the target counts; C.. one per status; then the mean share
achieved and the plan's name. Every count is a COUNTIF over the plan sheets, so an
edit there flows through.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from xlreport.report.context import PlanSheet, RenderContext, rate_when
from xlreport.report.tables import column_range, quote_sheet, set_print, table_name, write_value

__all__ = ["write_summary"]

#: statuses the headline "behind" tile adds up
_BEHIND = ("moderate progress", "insufficient progress", "moving away", "not met", "overdue")
_COUNTS_TOP = 9  # the status-count table's header row


@dataclass(frozen=True)
class _Counts:
    """Where the status counts landed: what the headline formulas refer to."""

    cell: dict[str, str]  # status -> absolute cell of its count
    sum_all: str  # formula text: the sum of all counts
    last_row: int


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


def _status_format(ctx: RenderContext, value: str) -> dict[str, Any]:
    return {
        "type": "cell",
        "criteria": "==",
        "value": '"' + value.replace('"', '""') + '"',
        "format": ctx.fmts.get(f"status:{value}"),
    }


def _data_bar(ctx: RenderContext) -> dict[str, Any]:
    return {
        "type": "data_bar",
        "bar_color": ctx.template.theme.colours.data_bar,
        "bar_solid": True,
        "min_type": "num",
        "min_value": 0,
        "max_type": "num",
        "max_value": 1,
    }


def write_summary(ctx: RenderContext, ws: Worksheet) -> None:
    """Key facts and headline figures, status counts, then one row per plan."""
    statuses = _statuses(ctx)
    ws.hide_gridlines(2)
    share_col = 2 + len(statuses)
    ws.set_column(0, 0, 26)
    ws.set_column(1, share_col, 11)
    ws.set_column(share_col + 1, share_col + 1, 64)
    _write_heading(ctx, ws)
    # the counts first, so that the headline formulas can refer to them
    counts = _write_status_counts(ctx, ws, statuses)
    _write_key_facts(ctx, ws)
    _write_headlines(ctx, ws, counts)
    _write_plans_at_a_glance(ctx, ws, statuses, counts.last_row + 3)
    ws.freeze_panes(2, 0)
    set_print(ws, ctx.template, as_of=ctx.data.as_of, repeat_row=None)


def _write_heading(ctx: RenderContext, ws: Worksheet) -> None:
    t, fmts, data = ctx.template, ctx.fmts, ctx.data
    ws.write_string(0, 0, f"{t.report.title}: summary", fmts.get("title"))
    ws.set_row(0, 30)
    ws.write_string(
        1,
        0,
        f"Month {data.month} · as of {data.as_of.isoformat()} · "
        f"amounts in {data.currency} at {data.rate_source} rates",
        fmts.get("subtitle"),
    )


def _write_status_counts(
    ctx: RenderContext, ws: Worksheet, statuses: list[tuple[str, str]]
) -> _Counts:
    """A table of targets by status (rows 10..), COUNTIF over the plan sheets."""
    t, fmts, data = ctx.template, ctx.fmts, ctx.data
    top = _COUNTS_TOP
    counts = data.targets["status"].value_counts()
    total = len(data.targets)
    sheets = [ps for ps in ctx.plan_sheets if ps.last_row >= ps.first_row and "status" in ps.col]
    ws.write_string(top - 1, 0, "Targets by status", fmts.get("section"))
    cell: dict[str, str] = {}
    sum_all = f"SUM($B${top + 2}:$B${top + 1 + len(statuses)})"
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
        cell[value] = f"$B${r + 1}"
    last = top + len(statuses)
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
    known = {s.value for s in t.theme.statuses}
    for value, _label in statuses:
        if value in known:
            ws.conditional_format(top + 1, 0, last, 0, _status_format(ctx, value))
    ctx.wb.define_name("StatusCounts", f"={quote_sheet(ws.name)}!$A${top + 2}:$B${last + 1}")
    return _Counts(cell, sum_all, last)


def _write_key_facts(ctx: RenderContext, ws: Worksheet) -> None:
    """As-of date, data vintage, the rate and the number of status changes (A4:A7)."""
    data = ctx.data
    vintage = data.data_vintage.isoformat() if data.data_vintage else "none"
    rate = data.report_rate
    facts = [
        f"As of {data.as_of.isoformat()}",
        f"Data vintage {vintage}",
        # short: the boxes start in column C; the source is in the subtitle
        f"Rate: 1 {rate['frm']} = {float(rate['rate']):.4g} {rate['to']} ({rate_when(rate)})",
        f"Status changes: {len(data.status_changes)}",
    ]
    for i, text in enumerate(facts):
        ws.write_string(3 + i, 0, text, ctx.fmts.get("label"))


def _write_headlines(ctx: RenderContext, ws: Worksheet, counts: _Counts) -> None:
    """Headline figures: boxes over two columns each, from column C (rows 4-7)."""
    fmts, data = ctx.fmts, ctx.data
    vc = data.targets["status"].value_counts()
    cell = counts.cell
    heads: list[tuple[str, str | None, int]] = [
        ("Targets tracked", f"={counts.sum_all}", len(data.targets)),
        ("Met", f"={cell.get('met', '0')}", int(vc.get("met", 0))),
        ("On track", f"={cell.get('on track', '0')}", int(vc.get("on track", 0))),
        (
            "Behind or off track",
            "=" + ("+".join(cell[s] for s in _BEHIND if s in cell) or "0"),
            int(sum(vc.get(s, 0) for s in _BEHIND)),
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


def _write_plans_at_a_glance(
    ctx: RenderContext, ws: Worksheet, statuses: list[tuple[str, str]], ptop: int
) -> None:
    """One row per plan: its targets' statuses, mean share achieved and name."""
    t, fmts, data = ctx.template, ctx.fmts, ctx.data
    n_status = len(statuses)
    share_col, name_col = 2 + n_status, 3 + n_status
    ws.write_string(ptop - 1, 0, "Plans at a glance", fmts.get("section"))
    headers = ["Plan", "Targets", *[lbl for _, lbl in statuses], "Mean share achieved", "Plan name"]
    plans = data.plans.set_index("id") if len(data.plans) else data.plans
    r = ptop
    for ps in ctx.plan_sheets:
        r += 1
        _write_plan_row(ctx, ws, r, ps, statuses, share_col)
        ws.write_string(r, name_col, str(plans.loc[ps.plan_id, "name"]), fmts.get("text"))
    if r > ptop:
        known = {s.value for s in t.theme.statuses}

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
        ws.conditional_format(ptop + 1, share_col, r, share_col, _data_bar(ctx))
        ctx.wb.define_name(
            "PlanSummary",
            f"={quote_sheet(ws.name)}!$A${ptop + 2}:${xl_col_to_name(len(headers) - 1)}${r + 1}",
        )
    ws.set_row(ptop, 30)


def _write_plan_row(
    ctx: RenderContext,
    ws: Worksheet,
    r: int,
    ps: PlanSheet,
    statuses: list[tuple[str, str]],
    share_col: int,
) -> None:
    fmts = ctx.fmts
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
