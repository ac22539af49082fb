"""Native Excel charts: share achieved against time elapsed, actuals against the linear path.

Chart data sit on a hidden sheet; the points that come from the progress engine are
formulas referring to the plan sheets' cells (cached with the engine's values), so a
chart follows an edit. Chart titles come from cells, never from formula-like text.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from xlsxwriter.worksheet import Worksheet

from xlreport.report.tables import cell_ref, is_missing, printable_pixels, set_print
from xlreport.report.textfit import text_fit

if TYPE_CHECKING:
    from xlreport.report.context import PlanSheet, RenderContext

__all__ = ["CHART_DATA_SHEET", "write_charts_sheet"]

CHART_DATA_SHEET = "xlr_chart_data"
_ROWS_PER_CHART = 16  # 320 px at 20 px a row: a chart of 300 px and a gap
_ROW_PX = 20  # a default row (15 pt) in pixels


def _locate(ctx: RenderContext) -> dict[str, tuple[PlanSheet, int]]:
    """target id -> (plan sheet, row) of its table row."""
    out: dict[str, tuple[PlanSheet, int]] = {}
    for ps in ctx.plan_sheets:
        for i, target_id in enumerate(ps.rows.index):
            out[str(target_id)] = (ps, ps.first_row + i)
    return out


def _ref_formula(
    ws: Worksheet, row: int, col: int, ps: PlanSheet, src_row: int, key: str, value: Any, fmt: Any
) -> None:
    cached: Any = "" if is_missing(value) else float(value)
    ws.write_formula(row, col, "=" + cell_ref(ps.sheet, src_row, ps.col[key]), fmt, cached)


def write_charts_sheet(ctx: RenderContext, ws: Worksheet) -> None:
    d, t, fmts = ctx.data, ctx.template, ctx.fmts
    data = ctx.wb.add_worksheet(CHART_DATA_SHEET)
    data.hide()
    ws.hide_gridlines(2)
    ws.write_string(0, 0, "Charts", fmts.get("title"))
    subtitle = (
        f"As of {d.as_of.isoformat()}. Each point: a target's share achieved against the time "
        "elapsed at its latest figure, both from its starting value; above the dashed "
        "diagonal is ahead of the linear path. Targets without a baseline are left out."
    )
    ws.merge_range(1, 0, 1, 13, subtitle, fmts.get("subtitle_wrap"))  # 14 columns of 64 px
    fit = text_fit(t.theme.font_name, t.theme.font_size + 2)
    ws.set_row(1, fit.row_height(fit.lines(subtitle, (14 * 64 - 5) / 7)))
    ws.set_row(0, 28)
    colours = t.theme.colours.chart_series
    opts = t.charts

    # --- scatter: share achieved against time elapsed, one series per plan
    data.write_string(0, 0, "Plan")
    data.write_string(0, 1, "Target")
    data.write_string(0, 2, "Time elapsed at the latest figure")
    data.write_string(0, 3, "Share achieved")
    r = 1
    scatter = ctx.wb.add_chart({"type": "scatter", "subtype": "straight_with_markers"})
    n_series = 0
    # two measures from one starting point at one moment: the share achieved (from the
    # baseline, at the latest figure) against the time elapsed at that figure's date
    x_key = "time_elapsed_at_latest"
    for ps in ctx.plan_sheets:
        if x_key not in ps.rows or "share_achieved" not in ps.rows:
            continue
        start = r
        for i, (target_id, row) in enumerate(ps.rows.iterrows()):
            te, sh = row[x_key], row["share_achieved"]
            if is_missing(te) or is_missing(sh) or row.get("share_basis") == "no_baseline":
                continue
            data.write_string(r, 0, ps.plan_id)
            data.write_string(r, 1, str(target_id))
            for c, key, value in ((2, x_key, te), (3, "share_achieved", sh)):
                if key in ps.col:
                    _ref_formula(data, r, c, ps, ps.first_row + i, key, value, None)
                else:
                    data.write_number(r, c, float(value))
            r += 1
        if r == start:
            continue
        colour = colours[n_series % len(colours)]
        scatter.add_series(
            {
                "name": [CHART_DATA_SHEET, start, 0],
                "categories": [CHART_DATA_SHEET, start, 2, r - 1, 2],
                "values": [CHART_DATA_SHEET, start, 3, r - 1, 3],
                "line": {"none": True},
                "marker": {
                    "type": "circle",
                    "size": 7,
                    "fill": {"color": colour},
                    "border": {"color": colour},
                },
            }
        )
        n_series += 1
    data.write_string(r, 0, "Linear path")
    data.write_number(r, 2, 0.0)
    data.write_number(r, 3, 0.0)
    data.write_number(r + 1, 2, 1.0)
    data.write_number(r + 1, 3, 1.0)
    scatter.add_series(
        {
            "name": [CHART_DATA_SHEET, r, 0],
            "categories": [CHART_DATA_SHEET, r, 2, r + 1, 2],
            "values": [CHART_DATA_SHEET, r, 3, r + 1, 3],
            "line": {"color": "#7F7F7F", "dash_type": "dash", "width": 1.25},
            "marker": {"type": "none"},
        }
    )
    r += 3
    scatter.set_title(
        {"name": "Share achieved against time elapsed", "name_font": {"size": 12, "bold": True}}
    )
    scatter.set_x_axis(
        {
            "name": "Time elapsed at the latest figure",
            "num_format": "0%",
            "min": 0,
            "major_gridlines": {"visible": True, "line": {"color": "#E7E6E6"}},
        }
    )
    scatter.set_y_axis(
        {
            "name": "Share achieved",
            "num_format": "0%",
            "major_gridlines": {"visible": True, "line": {"color": "#E7E6E6"}},
        }
    )
    scatter.set_legend({"position": "right"})
    room = int(printable_pixels(t)) - 10
    scatter.set_size({"width": min(opts.width * 2 + 20, room), "height": _ROWS_PER_CHART * _ROW_PX})
    ws.insert_chart(3, 0, scatter, {"object_position": 1})
    if n_series == 0:
        ws.write_string(
            2,
            0,
            "No target with a baseline has both a share achieved and a time elapsed yet.",
            fmts.get("muted"),
        )

    # --- line charts: actuals against the linear path
    where = _locate(ctx)
    top = 3 + _ROWS_PER_CHART + 3
    ws.write_string(top - 1, 0, "Actuals against the linear path", fmts.get("section"))
    charted = 0
    for target_id, series in d.series.items():
        if charted >= opts.max_line_charts or target_id not in where:
            continue
        ps, src_row = where[target_id]
        needed = ("reference_time", "reference_value", "deadline_time", "target_value")
        if any(k not in ps.col for k in needed):
            continue
        row = ps.rows.loc[target_id]
        data.write_string(r, 0, str(row["name"]))  # the chart title, from a cell
        data.write_string(r, 1, "Actual")
        data.write_string(r, 3, "Linear path")
        first = r + 1
        for p, (time, value) in enumerate(zip(series["period_time"], series["value"], strict=True)):
            data.write_number(first + p, 0, float(time))
            data.write_number(first + p, 1, float(value))
        _ref_formula(data, first, 2, ps, src_row, "reference_time", row["reference_time"], None)
        _ref_formula(data, first, 3, ps, src_row, "reference_value", row["reference_value"], None)
        _ref_formula(data, first + 1, 2, ps, src_row, "deadline_time", row["deadline_time"], None)
        _ref_formula(data, first + 1, 3, ps, src_row, "target_value", row["target_value"], None)
        last = first + len(series) - 1
        chart = ctx.wb.add_chart({"type": "scatter", "subtype": "straight_with_markers"})
        chart.add_series(
            {
                "name": [CHART_DATA_SHEET, r, 1],
                "categories": [CHART_DATA_SHEET, first, 0, last, 0],
                "values": [CHART_DATA_SHEET, first, 1, last, 1],
                "line": {"color": colours[0], "width": 2.25},
                "marker": {
                    "type": "circle",
                    "size": 6,
                    "fill": {"color": colours[0]},
                    "border": {"color": colours[0]},
                },
            }
        )
        chart.add_series(
            {
                "name": [CHART_DATA_SHEET, r, 3],
                "categories": [CHART_DATA_SHEET, first, 2, first + 1, 2],
                "values": [CHART_DATA_SHEET, first, 3, first + 1, 3],
                "line": {"color": colours[1 % len(colours)], "dash_type": "dash", "width": 1.5},
                "marker": {"type": "none"},
            }
        )
        times = np.array(
            [*series["period_time"], row["reference_time"], row["deadline_time"]], dtype=float
        )
        chart.set_title({"name": [CHART_DATA_SHEET, r, 0], "name_font": {"size": 11}})
        chart.set_x_axis(
            {
                "name": "Year (period end)",
                "num_format": "0",
                "min": math.floor(np.nanmin(times)),
                "max": math.ceil(np.nanmax(times)),
                "major_unit": 1,
            }
        )
        y_format = (
            t.theme.number_formats.money
            if row["unit"] in ("CNY", "USD", "EUR")
            else ("0%" if row["unit"] == "percent" else "#,##0")
        )
        chart.set_y_axis(
            {
                "name": str(row["unit"]) if row["unit"] != "CNY" else "CNY",
                "num_format": y_format,
                "major_gridlines": {"visible": True, "line": {"color": "#E7E6E6"}},
            }
        )
        chart.set_legend({"position": "bottom"})
        width = min(opts.width, (room - 20) // 2)
        height = min(opts.height, (_ROWS_PER_CHART - 1) * _ROW_PX)
        chart.set_size({"width": width, "height": height})
        anchor_row = top + (charted // 2) * _ROWS_PER_CHART
        x_offset = 0 if charted % 2 == 0 else width + 20
        ws.insert_chart(anchor_row, 0, chart, {"object_position": 1, "x_offset": x_offset})
        charted += 1
        r = last + 2
    if charted == 0:
        ws.write_string(
            top,
            0,
            "No target has two or more comparable actuals and a reference value yet.",
            fmts.get("muted"),
        )
    # two rows of charts a page: no chart is cut by a page's end
    rows = (charted + 1) // 2
    ws.set_h_pagebreaks(
        [top - 1] + [top + k * 2 * _ROWS_PER_CHART for k in range(1, (rows + 1) // 2)]
    )
    set_print(ws, t, as_of=d.as_of)
