"""What every sheet writer of a report shares: the render context, where each plan's
table landed, and the wording of a rate.

Its own module so that the sheet writers (``render``, ``appendix``, ``charts``) import
it and not each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from xlsxwriter.workbook import Workbook

from xlreport.report.formats import FormatCache
from xlreport.report.labels import word
from xlreport.report.prepare import ReportData
from xlreport.report.template import Template

__all__ = ["PlanSheet", "RenderContext", "rate_text", "rate_when"]


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


def rate_when(rate: dict[str, Any]) -> str:
    """The day (a daily quote) or the period (an average or end rate) of a rate."""
    when = rate.get("date_used") or rate.get("period") or ""
    return when.isoformat() if hasattr(when, "isoformat") else str(when)


def rate_text(rate: dict[str, Any]) -> str:
    """'1 CNY = 0.1381 USD (ECB daily reference rate, 2024-05-31)': no 'USD/CNY' shorthand, whose
    market reading (yuan per dollar) is the inverse of the number shown.

    The one place a rate is worded for a reader (cover, summary, currency sheet). A
    report in the plans' own currency converts nothing and says so."""
    if rate["frm"] == rate["to"]:
        return f"none: amounts are in {rate['to']}, the plans' own currency"
    text = (
        f"1 {rate['frm']} = {float(rate['rate']):.4f} {rate['to']} "
        f"({rate['source']} {word('basis', rate['basis'])}, {rate_when(rate)})"
    )
    # a rate older than the day it stands for says so: "provisional: rate of 2026-10-30
    # (31 days before the month's end)"
    return f"{text}; {rate['provisional']}" if rate.get("provisional") else text
