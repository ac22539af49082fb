"""The report's reference sheets: changes, currency, sources and the observations in force."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, cast

import pandas as pd
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from xlreport.report.context import rate_text
from xlreport.report.formats import unit_style
from xlreport.report.labels import STATUS_MEANING, word
from xlreport.report.tables import (
    StreamColumn,
    StreamedWorksheet,
    TableColumn,
    is_missing,
    quote_sheet,
    row_height,
    set_print,
    table_name,
    write_table,
)
from xlreport.report.textfit import column_pixels

if TYPE_CHECKING:
    from xlreport.report.context import RenderContext

__all__ = [
    "OBSERVATION_COLUMNS",
    "write_changes_sheet",
    "write_currency_sheet",
    "write_observations_sheet",
    "write_sources_sheet",
]


def _unit_style(row: dict[str, Any]) -> str:
    return unit_style(row.get("unit"))


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    if frame is None or frame.empty:
        return []
    records: list[dict[str, Any]] = (
        frame.astype(object).where(frame.notna(), None).to_dict("records")
    )
    return records


def _title(ctx: RenderContext, ws: Worksheet, title: str, subtitle: str) -> None:
    ws.set_row(0, 28)  # before row 1 is written: a streamed sheet goes top to bottom
    ws.write_string(0, 0, title, ctx.fmts.get("title"))
    ws.write_string(1, 0, subtitle, ctx.fmts.get("subtitle"))


def _section(ctx: RenderContext, ws: Worksheet, row: int, text: str) -> None:
    ws.write_string(row, 0, text, ctx.fmts.get("section"))


def write_changes_sheet(ctx: RenderContext, ws: Worksheet) -> None:
    d = ctx.data
    _title(
        ctx,
        ws,
        f"Changes in {d.month}",
        f"Figures published from {d.month}-01 to {min(d.as_of, _month_end(d)).isoformat()} "
        f"and statuses changed since {d.previous_as_of.isoformat()}",
    )
    _section(ctx, ws, 3, "Figures published in the month")
    obs_cols = [
        TableColumn("Indicator", "indicator_name", "wrap", 28),
        TableColumn("Change", "change", "text", 9),
        TableColumn("Period", "period", "text", 9),
        TableColumn("As stated", "qualifier", "text", 9),
        TableColumn("Value", "value", _unit_style, 11),
        TableColumn("Previous value", "previous_value", _unit_style, 11),
        TableColumn("Unit", "unit", "text", 8),
        TableColumn("Published", "published", "date", 11),
        TableColumn("Source", "source_id", "wrap", 20),
        TableColumn("Note", "note", "wrap", 40),
    ]
    used = ctx.used_names
    nxt = write_table(
        ws,
        ctx.fmts,
        ctx.template,
        top=4,
        columns=obs_cols,
        rows=_records(d.published_in_month),
        name=table_name("published", used),
        empty_text=f"No figures were published in {d.month}.",
    )
    _section(ctx, ws, nxt, "Status changes")
    status_cols = [
        TableColumn("Target", "name", "wrap", 28),
        TableColumn("Plan", "plan_id", "wrap", 18),
        TableColumn(f"Status on {d.previous_as_of.isoformat()}", "previous_status", "text", 13),
        TableColumn(f"Status on {d.as_of.isoformat()}", "status", "text", 13),
        TableColumn("Share achieved before", "previous_share", "percent", 11),
        TableColumn("Share achieved now", "share_achieved", "percent", 11),
    ]
    write_table(
        ws,
        ctx.fmts,
        ctx.template,
        top=nxt + 1,
        columns=status_cols,
        rows=_records(d.status_changes),
        name=table_name("status_changes", used),
        empty_text="No status changed.",
    )
    ws.freeze_panes(2, 0)
    widths = _shared_widths(ws, obs_cols, status_cols)
    set_print(ws, ctx.template, as_of=d.as_of, repeat_row=None, widths=widths)


def _shared_widths(ws: Worksheet, *tables: list[TableColumn]) -> list[float]:
    """Two tables on one sheet share its columns: each column as wide as the wider of
    them (a wrapped cell then needs no more lines than its row height allows)."""
    n = max(len(t) for t in tables)
    widths = [max((t[c].width for t in tables if c < len(t)), default=8.0) for c in range(n)]
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    return widths


def _month_end(d: Any) -> Any:
    from xlreport.report.prepare import month_bounds

    return month_bounds(d.month)[1]


def write_currency_sheet(ctx: RenderContext, ws: Worksheet) -> None:
    d, fmts = ctx.data, ctx.fmts
    rate = d.report_rate
    same = rate["frm"] == rate["to"]
    _title(
        ctx,
        ws,
        "Currency",
        f"Report currency {d.currency}; rate source {d.rate_source}. A target and the latest "
        "figure beside it convert at one rate, the reference rate of the as-of date.",
    )
    ws.write_string(3, 0, "Report rate", fmts.get("label"))
    if same:  # nothing converts: no "1 CNY = 1 CNY"
        ws.write_string(3, 1, rate_text(rate), fmts.get("text"))
        ctx.wb.define_name(ctx.report_rate_name, "=1")
    else:
        ws.write_number(3, 1, float(rate["rate"]), fmts.get("kv_rate"))
        text = (
            f"{rate_text(rate)}; the defined name ReportRate: edit it and the targets in "
            f"{d.currency} follow"
        )
        # over columns C-G (they print on the first page), wrapped
        ws.merge_range(3, 2, 3, 6, text, fmts.get("wrap"))
        ws.set_row(3, row_height(ctx.template, [(text, 12 + 10 + 10 + 10 + 11)]))
        ctx.wb.define_name(ctx.report_rate_name, f"={quote_sheet(ws.name)}!$B$4")
    _section(ctx, ws, 5, "Rates used")
    rate_cols = [
        TableColumn("Used for", "used_for", "wrap", 26),
        TableColumn("From", "frm", "text", 7),
        TableColumn("To", "to", "text", 7),
        TableColumn("Basis", "basis", "text", 12),
        TableColumn("Period", "period", "text", 10),
        TableColumn("Rate", "rate", "rate", 10),
        TableColumn("Date used", "date_used", "date", 11),
        TableColumn("Source", "source", "text", 8),
    ]
    used = ctx.used_names
    rates = d.rates_used
    if len(rates):
        rates = rates[rates["frm"] != rates["to"]]
    nxt = write_table(
        ws,
        fmts,
        ctx.template,
        top=6,
        columns=rate_cols,
        rows=_records(rates),
        name=table_name("rates_used", used),
        empty_text="No amounts needed converting.",
    )
    _section(ctx, ws, nxt, "Audit of the documents' own conversions")
    audit_cols = [
        TableColumn("Target", "target_id", "wrap", 26),
        TableColumn("Source", "source_id", "wrap", 20),
        TableColumn("Amount", "amount", "money", 10),
        TableColumn("Currency", "currency", "text", 8),
        TableColumn("Printed USD", "published_usd", "money", 10),
        TableColumn("Implied rate", "implied_rate", "rate", 10),
        TableColumn("Reference rate", "reference_rate", "rate", 10),
        TableColumn("Reference date", "reference_date", "text", 11),
        TableColumn("Basis", "reference_basis", "text", 12),
        TableColumn("Deviation", "deviation", "percent", 10),
        TableColumn("Note", "note", "wrap", 36),
    ]
    audit = d.audit.copy() if d.audit is not None else pd.DataFrame()
    if "reference_date" in audit:
        audit["reference_date"] = [
            None if is_missing(v) else (v.isoformat() if hasattr(v, "isoformat") else str(v))
            for v in audit["reference_date"]
        ]
    write_table(
        ws,
        fmts,
        ctx.template,
        top=nxt + 1,
        columns=audit_cols,
        rows=_records(audit),
        name=table_name("conversion_audit", used),
        empty_text="No document prints its own conversion.",
    )
    widths = _shared_widths(ws, rate_cols, audit_cols)
    set_print(ws, ctx.template, as_of=d.as_of, repeat_row=None, widths=widths)


def _when(rate: dict[str, Any]) -> str:
    when = rate.get("date_used") or rate.get("period") or ""
    return when.isoformat() if hasattr(when, "isoformat") else str(when)


def write_sources_sheet(ctx: RenderContext, ws: Worksheet) -> None:
    d, fmts = ctx.data, ctx.fmts
    _title(ctx, ws, "Sources and methods", "Every document the report's figures come from.")
    src = d.sources.copy()
    if len(src):
        src["date_text"] = [
            _date_text(r) for r in src[["published", "published_precision"]].to_dict("records")
        ]
    cols = [
        TableColumn("Id", "id", "wrap", 22),
        TableColumn("Title", "title", "wrap", 36),
        TableColumn("Publisher", "publisher", "wrap", 22),
        TableColumn("Published", "date_text", "text", 11),
        TableColumn("Date known", "published_precision", "text", 10),
        TableColumn("Date", "published_certainty", "text", 12),
        TableColumn("How the date was determined", "published_basis", "wrap", 34),
        TableColumn("Figures attributed to", "attributed_to", "wrap", 22),
        TableColumn("Stored copy", "file", "wrap", 22),
        TableColumn("URL", "url", "wrap", 26),
        TableColumn("Note", "note", "wrap", 40),
    ]
    nxt = write_table(
        ws,
        fmts,
        ctx.template,
        top=3,
        columns=cols,
        rows=_records(src),
        name=table_name("sources", ctx.used_names),
        empty_text="No sources.",
    )
    _section(ctx, ws, nxt, "Method notes")
    # a note spans columns B-F, which print on the first page
    span = (sum(column_pixels(c.width) for c in cols[1:6]) - 5) / 7
    for i, note in enumerate(ctx.template.report.method_notes):
        ws.write_string(nxt + 1 + i, 0, f"{i + 1}.", fmts.get("text"))
        ws.merge_range(nxt + 1 + i, 1, nxt + 1 + i, 5, note, fmts.get("wrap"))
        ws.set_row(nxt + 1 + i, row_height(ctx.template, [(note, span)]))
    _write_status_legend(ctx, ws, nxt + 2 + len(ctx.template.report.method_notes), span)
    ws.freeze_panes(4, 1)
    set_print(
        ws,
        ctx.template,
        as_of=d.as_of,
        repeat_row=3,
        widths=[c.width for c in cols],
        repeat_first_col=True,
    )


def _write_status_legend(ctx: RenderContext, ws: Worksheet, top: int, span: float) -> None:
    """What each status means, in the template's colours and order."""
    fmts = ctx.fmts
    _section(ctx, ws, top, "What the statuses mean")
    statuses = [s.value for s in ctx.template.theme.statuses]
    shown = set(ctx.data.targets["status"].dropna().unique())
    statuses += sorted(shown - set(statuses))
    for i, status in enumerate(statuses):
        r = top + 1 + i
        meaning = STATUS_MEANING.get(status, "")
        ws.write_string(r, 0, status, fmts.get("text"))
        if status in {s.value for s in ctx.template.theme.statuses}:
            ws.conditional_format(
                r,
                0,
                r,
                0,
                {
                    "type": "cell",
                    "criteria": "==",
                    "value": '"' + status.replace('"', '""') + '"',
                    "format": fmts.get(f"status:{status}"),
                },
            )
        ws.merge_range(r, 1, r, 5, meaning, fmts.get("wrap"))
        ws.set_row(r, row_height(ctx.template, [(meaning, span)]))


def _date_text(row: dict[str, Any]) -> str:
    value, precision = row["published"], row["published_precision"]
    if is_missing(value) or value is None:
        return "unknown"
    precision = getattr(precision, "value", precision)
    if precision == "year":
        return f"{value:%Y}"
    if precision == "month":
        return f"{value:%Y-%m}"
    return f"{value:%Y-%m-%d}"


OBSERVATION_COLUMNS = (
    TableColumn("Indicator", "indicator_name", "wrap", 30),
    TableColumn("Period", "period", "text", 9),
    TableColumn("As stated", "qualifier", "text", 9),
    TableColumn("Value", "value", _unit_style, 12),
    TableColumn("Unit", "unit", "text", 8),
    TableColumn("Published", "published", "date", 11),
    TableColumn("Source", "source_id", "wrap", 24),
    TableColumn("Indicator id", "indicator", "wrap", 28),
)


#: The rows of an Excel sheet; a longer sheet makes a workbook Excel cannot open.
EXCEL_MAX_ROWS = 1_048_576

logger = logging.getLogger("xlreport.report")


def write_observations_sheet(ctx: RenderContext, ws: Worksheet) -> None:
    """Every observation in force as of the report date, under a filtered header row.

    A range with filters rather than an Excel table: the sheet may hold hundreds of
    thousands of rows, so it is written as a :class:`StreamedWorksheet` (a row at a time
    to disk), where xlsxwriter allows no table. The range is the defined name
    ``ObservationsInForce``.
    """
    d, fmts = ctx.data, ctx.fmts
    _title(
        ctx,
        ws,
        "Observations in force",
        f"One per indicator and period, as published by {d.as_of.isoformat()} "
        "(a revision replaces the older vintage)",
    )
    obs = d.observations
    top = 3
    room = EXCEL_MAX_ROWS - (top + 1)  # rows below the header that a sheet can hold
    if len(obs) > room:
        note = (
            f"Only the first {room:,} of {len(obs):,} observations are shown: an Excel sheet "
            f"holds {EXCEL_MAX_ROWS:,} rows. `xlreport observations --format csv` lists all."
        )
        logger.warning("report %s: %s", d.month, note)
        obs = obs.iloc[:room]
        ws.write_string(2, 0, note, fmts.get("muted"))
    header = fmts.get("header")
    for c, col in enumerate(OBSERVATION_COLUMNS):
        ws.set_column(c, c, col.width)
        ws.write_string(top, c, col.header, header)
    n = len(obs)
    ws.freeze_panes(top + 1, 0)
    set_print(
        ws,
        ctx.template,
        as_of=d.as_of,
        repeat_row=top,
        widths=[c.width for c in OBSERVATION_COLUMNS],
        repeat_first_col=True,
    )
    if n == 0:
        ws.write_string(top + 1, 0, "No observations.", fmts.get("muted"))
        return
    last = top + n
    ws.autofilter(top, 0, last, len(OBSERVATION_COLUMNS) - 1)
    ctx.wb.define_name(
        "ObservationsInForce",
        f"={quote_sheet(ws.name)}!$A${top + 1}:${xl_col_to_name(len(OBSERVATION_COLUMNS) - 1)}"
        f"${last + 1}",
    )
    # whole columns to the sheet's fast path: texts with a fixed style, Value styled by
    # its unit, dates as Excel serial numbers (days since 1899-12-30) with a date format
    units = obs["unit"].astype(object).where(obs["unit"].notna(), None).to_numpy()
    unit_fmt = {u: fmts.for_unit(u) for u in set(units.tolist())}
    serials = (
        (pd.to_datetime(obs["published"]) - pd.Timestamp("1899-12-30")).dt.days.astype(float)
    ).to_numpy()
    columns = []
    for spec in OBSERVATION_COLUMNS:
        if spec.key == "value":
            column = StreamColumn(
                obs["value"].to_numpy(dtype=float), [unit_fmt[u] for u in units.tolist()]
            )
        elif spec.key == "published":
            column = StreamColumn(serials, fmts.get("date"))
        else:
            texts = _words(spec.key, obs[spec.key])
            column = StreamColumn(texts, fmts.get(cast(str, spec.style)))
        columns.append(column)
    if not isinstance(ws, StreamedWorksheet):
        raise TypeError("the observations sheet is made with worksheet_class=StreamedWorksheet")
    ws.write_rows(top + 1, columns, _heights(ctx, obs))


def _words(key: str, values: pd.Series) -> Any:
    """A text column as an object array of reader words (None for missing): each distinct
    value looked up once."""
    texts = values.astype(object).where(values.notna(), None)
    lookup = {v: word(key, v) for v in texts.dropna().unique()}
    lookup = {k: (v if v != "" else None) for k, v in lookup.items()}
    return texts.map(lambda v: None if v is None else lookup[v]).to_numpy(dtype=object)


def _heights(ctx: RenderContext, obs: pd.DataFrame) -> list[float | None]:
    """Each row's height: as tall as its wrapped texts need (distinct texts measured once)."""
    wrapped = [c for c in OBSERVATION_COLUMNS if c.style == "wrap"]
    per_column = []
    for c in wrapped:
        values = obs[c.key].astype(object)
        need = {v: row_height(ctx.template, [(v, c.width)]) for v in values.dropna().unique()}
        per_column.append([need.get(v) for v in values.tolist()])
    out: list[float | None] = []
    for hs in zip(*per_column, strict=True):
        known = [h for h in hs if h is not None]
        out.append(max(known) if known else None)
    return out
