"""The Summary sheet: headline figures, the month in sentences, targets by status with a
chart of statuses by plan, and the plans at a glance.

Layout (fits one page wide at 100%): column A labels; B.. the headline boxes, one
column each. Every count is a COUNTIF over the plan sheets, so an edit there flows
through; the sentences are text written with the engine's counts.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from xlreport.report.context import PlanSheet, RenderContext, rate_text
from xlreport.report.tables import (
    column_range,
    quote_sheet,
    row_height,
    set_print,
    table_name,
    write_sheet_link,
    write_value,
)
from xlreport.report.textfit import column_pixels

__all__ = ["HEADLINES", "headline_groups", "write_summary"]

#: the headline boxes: (label, the statuses each counts), when the engine has no
#: HEADLINE_GROUPS of its own
HEADLINES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Met or done", ("met", "done")),
    ("On track", ("on track",)),
    ("Behind", ("moderate progress", "insufficient progress", "moving away", "not met")),
    ("Awaiting final figure", ("awaiting final figure",)),
    ("Unconfirmed milestones", ("unconfirmed", "overdue")),
    ("Pending milestones", ("pending",)),
    ("Not assessable", ("not assessable",)),
)
#: how a sentence names a group's targets: (one, many)
_PHRASES = {
    "Met or done": ("met or done", "met or done"),
    "On track": ("on track", "on track"),
    "Behind": ("behind", "behind"),
    "Awaiting final figure": ("awaiting its final figure", "awaiting their final figure"),
    "Unconfirmed milestones": ("milestone unconfirmed", "milestones unconfirmed"),
    "Pending milestones": ("milestone pending", "milestones pending"),
    "Not assessable": ("not assessable", "not assessable"),
}
LABEL_WIDTH = 22  # column A
BOX_WIDTH = 10  # columns B..: one headline box each
COUNT_WIDTH = 7  # the last column: how many targets a mean covers
_BOX_ROW = 3  # boxes: value rows 4-5, label rows 6-7


#: the engine's tile names as the summary labels them (others: capitalised)
_TILE_LABELS = {
    "met": "Met or done",
    "unconfirmed": "Unconfirmed milestones",
    "pending": "Pending milestones",
}


def _tile_label(key: str) -> str:
    return _TILE_LABELS.get(key, key[:1].upper() + key[1:])


def headline_groups() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The engine's HEADLINE_GROUPS (tile -> statuses) when it has them, else HEADLINES."""
    import xlreport.progress as progress

    engine: Any = getattr(progress, "HEADLINE_GROUPS", None)
    if not engine:
        return HEADLINES
    groups = tuple((_tile_label(str(k)), tuple(v)) for k, v in engine.items())
    return groups or HEADLINES


@dataclass(frozen=True)
class _Counts:
    """Where the status counts landed: what the headline formulas refer to."""

    cell: dict[str, str]  # status -> absolute cell of its count
    sum_all: str  # formula text: the sum of all counts
    top: int
    last_row: int


def _statuses(ctx: RenderContext) -> list[tuple[str, str]]:
    """(value, label) of every status: the template's, then any other the engine gave."""
    out = [(s.value, s.label) for s in ctx.template.theme.statuses]
    known = {v for v, _ in out}
    for value in ctx.data.targets["status"].dropna().unique():
        if value not in known:
            out.append((str(value), str(value)))
    return out


def _countif(ps: PlanSheet, statuses: tuple[str, ...]) -> str:
    rng = column_range(ps.sheet, ps.first_row, ps.last_row, ps.col["status"])
    return "+".join(f'COUNTIF({rng},"{s}")' for s in statuses)


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


def _n_columns() -> int:
    """Columns A.. the sheet uses: labels, targets, one per group, mean and its count."""
    return 1 + 1 + len(headline_groups()) + 2


def write_summary(ctx: RenderContext, ws: Worksheet) -> None:
    """Headline figures, the month in sentences, status counts and a chart, the plans."""
    statuses = _statuses(ctx)
    ws.hide_gridlines(2)
    n_cols = _n_columns()
    ws.set_column(0, 0, LABEL_WIDTH)
    ws.set_column(1, n_cols - 2, BOX_WIDTH)
    ws.set_column(n_cols - 1, n_cols - 1, COUNT_WIDTH)
    _write_heading(ctx, ws)
    # the counts first, so that the headline formulas can refer to them
    sentences = _sentences(ctx)
    counts_top = _BOX_ROW + 6 + len(sentences)
    counts = _write_status_counts(ctx, ws, statuses, counts_top)
    _write_headlines(ctx, ws, counts)
    _write_sentences(ctx, ws, sentences, n_cols)
    chart_rows = _CHART_ROWS
    ptop = max(counts.last_row + 3, counts.top + chart_rows + 2)
    plans_rows = _write_plans_at_a_glance(ctx, ws, ptop)
    if plans_rows is not None:
        _insert_status_chart(ctx, ws, counts.top, plans_rows)
    ws.freeze_panes(2, 0)
    ws.set_h_pagebreaks([ptop - 1])  # the plans' table with its heading, on a page of its own
    set_print(
        ws,
        ctx.template,
        as_of=ctx.data.as_of,
        repeat_row=None,
        widths=[LABEL_WIDTH] + [BOX_WIDTH] * (n_cols - 2) + [COUNT_WIDTH],
    )


def _write_heading(ctx: RenderContext, ws: Worksheet) -> None:
    t, fmts, data = ctx.template, ctx.fmts, ctx.data
    ws.write_string(0, 0, f"{t.report.title}: summary", fmts.get("title"))
    ws.set_row(0, 30)
    ws.write_string(
        1,
        0,
        f"{_month_name(data.month)} · as of {data.as_of.isoformat()} · amounts in {data.currency}",
        fmts.get("subtitle"),
    )


def _month_name(month: str) -> str:
    year, mon = month.split("-")
    return f"{calendar.month_name[int(mon)]} {year}"


def _write_status_counts(
    ctx: RenderContext, ws: Worksheet, statuses: list[tuple[str, str]], top: int
) -> _Counts:
    """A table of targets by status, COUNTIF over the plan sheets."""
    t, fmts, data = ctx.template, ctx.fmts, ctx.data
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
        parts = [_countif(ps, (value,)) for ps in sheets]
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
    return _Counts(cell, sum_all, top, last)


def _write_headlines(ctx: RenderContext, ws: Worksheet, counts: _Counts) -> None:
    """Headline boxes from column B: the value over two rows, its label under it."""
    fmts, data, t = ctx.fmts, ctx.data, ctx.template
    vc = data.targets["status"].value_counts()
    cell = counts.cell
    heads: list[tuple[str, str | None, int]] = [
        ("Targets tracked", f"={counts.sum_all}", len(data.targets))
    ]
    for label, members in headline_groups():
        total = "+".join(cell[s] for s in members if s in cell) or "0"
        heads.append((label, "=" + total, int(sum(vc.get(s, 0) for s in members))))
    heads.append(
        (f"Figures published in {_month_name(data.month)}", None, len(data.published_in_month))
    )
    label_height = row_height(t, [(label, BOX_WIDTH) for label, _, _ in heads])
    for i, (label, formula, cached) in enumerate(heads):
        c = 1 + i
        ws.merge_range(_BOX_ROW, c, _BOX_ROW + 1, c, None, fmts.get("headline_value"))
        if formula is None:
            ws.write_number(_BOX_ROW, c, cached, fmts.get("headline_value"))
        else:
            ws.write_formula(_BOX_ROW, c, formula, fmts.get("headline_value"), cached)
        ws.merge_range(_BOX_ROW + 2, c, _BOX_ROW + 3, c, label, fmts.get("headline_label"))
    if label_height is not None:  # the label's two rows share its height
        ws.set_row(_BOX_ROW + 2, label_height / 2)
        ws.set_row(_BOX_ROW + 3, label_height / 2)
    ws.write_string(_BOX_ROW, 0, "Headline", fmts.get("section"))


# ------------------------------------------------------------------------ sentences


def _newest_figure(ctx: RenderContext) -> date | None:
    data = ctx.data
    if data.data_vintage is not None:
        return data.data_vintage
    published = data.observations["published"] if len(data.observations) else pd.Series([])
    if published.empty:
        return None
    newest = pd.Timestamp(published.max())
    return None if pd.isna(newest) else newest.date()


def _months_between(earlier: date, later: date) -> int:
    """Whole months from ``earlier`` to ``later`` (2024-05-25 -> 2026-10-31: 29)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (1 if later.day < earlier.day else 0)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _sentences(ctx: RenderContext) -> list[tuple[str, str, str | None]]:
    """(text, style, sheet linked or None) of each line of "The month in brief"."""
    data, t = ctx.data, ctx.template
    targets = data.targets
    vc = targets["status"].value_counts()
    out: list[tuple[str, str, str | None]] = []
    parts = []
    for label, members in headline_groups():
        n = int(sum(vc.get(s, 0) for s in members))
        if n:
            one, many = _PHRASES.get(label, (label.lower(), label.lower()))
            parts.append(f"{n} {one if n == 1 else many}")
    n_plans = len(data.plans)
    head = f"{_plural(len(targets), 'target')} in {_plural(n_plans, 'plan')}"
    out.append((f"{head}: {', '.join(parts)}." if parts else f"{head}.", "sentence", None))
    pub = data.published_in_month
    changes = pub["change"].value_counts() if len(pub) else pd.Series(dtype=int)
    detail = ""
    if len(pub):
        detail = f" ({int(changes.get('new', 0))} new, {int(changes.get('revised', 0))} revised)"
    moved = len(data.status_changes)
    out.append(
        (
            f"{_plural(len(pub), 'figure')} published in {_month_name(data.month)}{detail}; "
            f"{_plural(moved, 'status', 'statuses')} changed since "
            f"{data.previous_as_of.isoformat()}.",
            "sentence",
            None,
        )
    )
    share = targets["share_achieved"].to_numpy(dtype=float)
    finite = share[np.isfinite(share)]
    if len(finite):
        out.append(
            (
                f"Mean share achieved {finite.mean():.1%} over "
                f"{_plural(len(finite), 'target')} with a known share (of {len(targets)}).",
                "sentence",
                None,
            )
        )
    else:
        out.append(("No target has a known share achieved yet.", "sentence", None))
    newest = _newest_figure(ctx)
    limit = t.report.data_age_warning_months
    if newest is None:
        out.append(("No figure has been published by the report's date.", "warning", None))
    else:
        age = _months_between(newest, data.as_of)
        if limit and age >= limit:
            out.append(
                (
                    f"Warning: the newest figure was published on {newest.isoformat()}, "
                    f"{_plural(age, 'month')} before this report's date; the report shows "
                    "nothing more recent.",
                    "warning",
                    None,
                )
            )
        else:
            out.append(
                (f"The newest figure was published on {newest.isoformat()}.", "sentence", None)
            )
    out.append((f"Rate: {rate_text(data.report_rate)}.", "sentence", None))
    if t.has_sheet("changes"):
        title = t.sheet_title("changes")
        out.append(
            (f"The month's figures and status changes: see sheet {title}.", "link_wrap", title)
        )
    return out


def _write_sentences(
    ctx: RenderContext, ws: Worksheet, sentences: list[tuple[str, str, str | None]], n_cols: int
) -> None:
    fmts = ctx.fmts
    top = _BOX_ROW + 5
    ws.write_string(top, 0, "The month in brief", fmts.get("section"))
    px = (
        column_pixels(LABEL_WIDTH)
        + (n_cols - 2) * column_pixels(BOX_WIDTH)
        + column_pixels(COUNT_WIDTH)
    )
    width = (px - 5) / 7  # the merged cell's width in characters
    for i, (text, style, sheet) in enumerate(sentences):
        r = top + 1 + i
        ws.merge_range(r, 0, r, n_cols - 1, None, fmts.get(style))
        if sheet is None:
            ws.write_string(r, 0, text, fmts.get(style))
        else:
            write_sheet_link(ws, r, 0, sheet, text, fmts.get(style))
        ws.set_row(r, row_height(ctx.template, [(text, width)]))


# ------------------------------------------------------------------------ plans


@dataclass(frozen=True)
class _PlanRows:
    header_row: int
    last_row: int
    groups: tuple[tuple[str, tuple[str, ...]], ...]


def _write_plans_at_a_glance(ctx: RenderContext, ws: Worksheet, ptop: int) -> _PlanRows | None:
    """One row per plan: its name (a link to its sheet), targets, the headline groups'
    counts, and the mean share achieved with the number of targets it covers."""
    t, fmts = ctx.template, ctx.fmts
    groups = headline_groups()
    share_col = 2 + len(groups)
    ws.write_string(ptop - 1, 0, "Plans at a glance", fmts.get("section"))
    headers = [
        "Plan",
        "Targets",
        *[label for label, _ in groups],
        "Mean share achieved",
        "Targets in mean",
    ]
    ws.set_row(
        ptop,
        row_height(
            t,
            list(
                zip(
                    headers,
                    [LABEL_WIDTH] + [BOX_WIDTH] * (len(headers) - 2) + [COUNT_WIDTH],
                    strict=True,
                )
            ),
            bold=True,
        ),
    )
    r = ptop
    for ps in ctx.plan_sheets:
        r += 1
        # the sheet's name (short: a link does not wrap in LibreOffice); the plan's
        # name is the sheet's title and is on the cover
        write_sheet_link(ws, r, 0, ps.sheet, ps.sheet, fmts.get("link"))
        _write_plan_row(ctx, ws, r, ps, groups, share_col)
    if r == ptop:
        return None
    ws.add_table(
        ptop,
        0,
        r,
        len(headers) - 1,
        {
            "name": table_name("plans", ctx.used_names),
            "style": t.theme.table_style,
            "autofilter": True,
            "columns": [{"header": h, "header_format": fmts.get("header")} for h in headers],
        },
    )
    ws.conditional_format(ptop + 1, share_col, r, share_col, _data_bar(ctx))
    ctx.wb.define_name(
        "PlanSummary",
        f"={quote_sheet(ws.name)}!$A${ptop + 2}:${xl_col_to_name(len(headers) - 1)}${r + 1}",
    )
    return _PlanRows(ptop, r, groups)


def _write_plan_row(
    ctx: RenderContext,
    ws: Worksheet,
    r: int,
    ps: PlanSheet,
    groups: tuple[tuple[str, tuple[str, ...]], ...],
    share_col: int,
) -> None:
    fmts = ctx.fmts
    rows = ps.rows
    has_rows = ps.last_row >= ps.first_row
    ws.write_number(r, 1, len(rows), fmts.get("count"))
    vc = rows["status"].value_counts()
    for j, (_label, members) in enumerate(groups):
        cached = int(sum(vc.get(s, 0) for s in members))
        if has_rows and "status" in ps.col:
            ws.write_formula(r, 2 + j, "=" + _countif(ps, members), fmts.get("count"), cached)
        else:
            ws.write_number(r, 2 + j, cached, fmts.get("count"))
    # means skip unknowns (AVERAGE and COUNT ignore blank cells) and say how many they cover
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
        ws.write_formula(r, share_col + 1, f"=COUNT({rng})", fmts.get("count"), len(share))
    else:
        write_value(ws, r, share_col, None, fmts.get("percent"))
        ws.write_number(r, share_col + 1, len(share), fmts.get("count"))


# ------------------------------------------------------------------------ chart

_CHART_ROWS = 14  # rows the chart of statuses by plan covers, beside the status counts


def _insert_status_chart(ctx: RenderContext, ws: Worksheet, top: int, plans: _PlanRows) -> None:
    """A stacked bar per plan: its targets by headline group (from the plans table)."""
    theme = ctx.template.theme
    fills = {s.value: s.fill for s in theme.statuses}
    chart = ctx.wb.add_chart({"type": "bar", "subtype": "stacked"})
    first, last = plans.header_row + 1, plans.last_row
    for j, (_label, members) in enumerate(plans.groups):
        colour = next((fills[s] for s in members if s in fills), "#A6A6A6")
        chart.add_series(
            {
                "name": [ws.name, plans.header_row, 2 + j],
                "categories": [ws.name, first, 0, last, 0],
                "values": [ws.name, first, 2 + j, last, 2 + j],
                "fill": {"color": colour},
                "border": {"color": "#7F7F7F", "width": 0.5},
                "gap": 60,
            }
        )
    chart.set_title({"name": "Targets by status, per plan", "name_font": {"size": 11}})
    chart.set_x_axis(
        {"num_format": "0", "major_gridlines": {"visible": True, "line": {"color": "#E7E6E6"}}}
    )
    chart.set_y_axis({"reverse": True, "num_font": {"size": 9}})
    chart.set_legend({"position": "right", "font": {"size": 9}})
    left_cols = 4  # the chart starts in column E, right of the status counts
    width = (_n_columns() - left_cols) * column_pixels(BOX_WIDTH)
    chart.set_size({"width": width, "height": math.floor(_CHART_ROWS * 20)})
    ws.insert_chart(top, left_cols, chart, {"object_position": 1})
