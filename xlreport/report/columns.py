"""The catalogue of columns a plan sheet can show, and their cell types.

A template picks and orders columns by key; the renderer knows how to fill each one.
Keys name the engine's own fields where there is one (``share_achieved`` is the
``compute_progress`` column of that name), so a column shows exactly what the engine
computed. Columns with a formula are *live*: Excel formulas over the data cells of the
same row, written with the engine's value as the cached result.

Formulas are built only from the strings in this module, never from template or data
text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from xlreport.report.labels import SHARE_BASIS

__all__ = [
    "AUX_COLUMNS",
    "COLUMNS",
    "CONVERSION_COLUMNS",
    "ELAPSED_AT_LATEST",
    "CellType",
    "ColumnDef",
    "required_columns",
]


class CellType(StrEnum):
    TEXT = "text"  # data text, always written as a string
    WRAP = "wrap"  # long data text, wrapped
    VALUE = "value"  # a number in the target's unit (money, count, percent, physical)
    MONEY_REPORT = "money_report"  # an amount in the report currency
    PERCENT = "percent"  # a fraction shown as a percentage
    YEARS = "years"  # a position on the time axis
    RATE = "rate"  # an exchange rate
    DATE = "date"
    STATUS = "status"  # the engine's status, coloured by conditional formats


@dataclass(frozen=True, slots=True)
class ColumnDef:
    key: str
    header: str
    cell: CellType
    width: float
    #: formula over other columns: ``{key}`` is replaced by the cell of that column in
    #: the same row, ``{ReportRate}`` etc. by defined names.
    formula: str | None = None
    description: str = ""


def _c(
    key: str, header: str, cell: CellType, width: float, formula: str | None = None, desc: str = ""
) -> ColumnDef:
    return ColumnDef(key, header, cell, width, formula, desc)


# Formulas mirror xlreport.progress.engine exactly (A: assessed actual at t, B: reference
# value at t0, T: target at t1); where the engine gives NaN the formula gives "".
_A, _B, _T = "{assessed_value}", "{reference_value}", "{target_value}"
_t, _t0, _t1 = "{assessed_time}", "{reference_time}", "{deadline_time}"
_SHARE = (
    f'IF(OR({_A}="",{_T}=""),"",IF({{share_basis}}="{SHARE_BASIS["no_baseline"]}",'
    f'IF({_T}<>0,{_A}/{_T},""),'
    f'IF(OR({_B}="",{_T}={_B}),"",'
    f'IF(AND({{share_basis}}="{SHARE_BASIS["baseline"]}",{_t}<={_t0}),"",'
    f"({_A}-{_B})/({_T}-{_B})))))"
)
# time elapsed at the as-of date, from the clock's start, capped to 0..1
_c0, _now = "{clock_start_time}", "{as_of_time}"
_ELAPSED = (
    f'IF(OR({_c0}="",{_t1}="",{_now}=""),"",'
    f'IF({_t1}>{_c0},MIN(1,MAX(0,({_now}-{_c0})/({_t1}-{_c0}))),""))'
)
#: time elapsed at the latest figure's date (the moment its share achieved is measured)
ELAPSED_AT_LATEST = (
    f'IF(OR({_t}="",{_t0}="",{_t1}=""),"",IF({_t1}>{_t0},({_t}-{_t0})/({_t1}-{_t0}),""))'
)
_REQUIRED = (
    f'IF(OR({_T}="",{_B}="",{_t0}=""),"",'
    f'IF(AND({_T}>0,{_B}>0,{_t1}>{_t0}),({_T}/{_B})^(1/({_t1}-{_t0}))-1,""))'
)
_ACTUAL = (
    f'IF(OR({_A}="",{_B}="",{_t}="",{_t0}=""),"",'
    f'IF(AND({_A}>0,{_B}>0,{_t}>{_t0}),({_A}/{_B})^(1/({_t}-{_t0}))-1,""))'
)
# the latest actual beside the target converts at the target's rate: one rate, so that
# the ratio of the two in the report currency is the ratio in the plan's own currency
_LATEST_REPORT = 'IF(OR({latest_value}="",{target_rate}=""),"",{latest_value}*{target_rate})'
_LATEST_PERIOD = 'IF(OR({latest_value}="",{rate}=""),"",{latest_value}*{rate})'
_TARGET_REPORT = 'IF(OR({target_value}="",{target_rate}=""),"",{target_value}*{target_rate})'

_ALL: tuple[ColumnDef, ...] = (
    _c("target_id", "Target id", CellType.TEXT, 30),
    _c("name", "Target", CellType.WRAP, 24),
    _c("kind", "Kind", CellType.TEXT, 10),
    _c("comparator", "Comparator", CellType.TEXT, 10),
    _c("unit", "Unit", CellType.TEXT, 9),
    _c("target_text", "Target as stated", CellType.TEXT, 14),
    _c("target_value", "Target value", CellType.VALUE, 11),
    _c("deadline", "Deadline", CellType.TEXT, 10),
    _c("baseline_value", "Baseline", CellType.VALUE, 11),
    _c("baseline_period", "Baseline period", CellType.TEXT, 9),
    _c("latest_qualifier", "As stated", CellType.TEXT, 8),
    _c("latest_value", "Latest actual", CellType.VALUE, 11),
    _c("latest_period", "Period", CellType.TEXT, 8),
    _c("latest_source_id", "Source", CellType.WRAP, 20),
    _c("latest_published", "Published", CellType.DATE, 11),
    _c("assessed_qualifier", "Assessed as stated", CellType.TEXT, 9),
    _c("assessed_value", "Actual assessed", CellType.VALUE, 11),
    _c("assessed_period", "Assessed period", CellType.TEXT, 9),
    _c("reference_qualifier", "Reference as stated", CellType.TEXT, 9),
    _c("reference_value", "Reference value", CellType.VALUE, 11),
    _c("reference_period", "Reference period", CellType.TEXT, 9),
    _c("share_basis", "Share basis", CellType.TEXT, 14),
    _c("share_achieved", "Share achieved", CellType.PERCENT, 10, _SHARE),
    _c("time_elapsed", "Time elapsed", CellType.PERCENT, 9, _ELAPSED),
    _c(
        "time_elapsed_at_latest",
        "Time elapsed at the latest figure",
        CellType.PERCENT,
        10,
        ELAPSED_AT_LATEST,
    ),
    _c("required_cagr", "Required CAGR", CellType.PERCENT, 9, _REQUIRED),
    _c("actual_cagr", "Actual CAGR", CellType.PERCENT, 9, _ACTUAL),
    _c("expected_value", "On linear path", CellType.VALUE, 11),
    _c("anticipated_value", "Anticipated at deadline", CellType.VALUE, 11),
    _c("status", "Status", CellType.STATUS, 13),
    _c("outlook", "Outlook", CellType.TEXT, 10),
    _c("method", "Method", CellType.TEXT, 16),
    _c("explanation", "Explanation", CellType.WRAP, 34),
    _c(
        "latest_value_report",
        "Latest actual ({currency})",
        CellType.MONEY_REPORT,
        12,
        _LATEST_REPORT,
    ),
    _c("target_value_report", "Target ({currency})", CellType.MONEY_REPORT, 12, _TARGET_REPORT),
    _c("target_rate", "Rate (as of date)", CellType.RATE, 9),
    _c(
        "latest_value_period_rate",
        "Latest actual ({currency}) at its period's average rate",
        CellType.MONEY_REPORT,
        14,
        _LATEST_PERIOD,
    ),
    _c("rate", "Average rate of the latest period", CellType.RATE, 10),
    _c("rate_note", "Rate basis", CellType.TEXT, 14),
    _c("note", "Note", CellType.WRAP, 40),
    # positions on the time axis: data cells the formulas use (hidden unless listed)
    _c("reference_time", "Reference time", CellType.YEARS, 9),
    _c("assessed_time", "Assessed time", CellType.YEARS, 9),
    _c("deadline_time", "Deadline time", CellType.YEARS, 9),
    _c("clock_start_time", "Clock start time", CellType.YEARS, 9),
    _c("as_of_time", "As-of time", CellType.YEARS, 9),
)

COLUMNS: dict[str, ColumnDef] = {c.key: c for c in _ALL}

#: Columns of amounts converted to the report currency: a plan whose amounts are all in
#: the report currency (or that has none) shows none of them.
CONVERSION_COLUMNS: frozenset[str] = frozenset(
    {
        "latest_value_report",
        "target_value_report",
        "target_rate",
        "latest_value_period_rate",
        "rate",
        "rate_note",
    }
)

#: Columns that exist to feed formulas; added hidden when a template does not list them.
AUX_COLUMNS: tuple[str, ...] = (
    "reference_time",
    "assessed_time",
    "deadline_time",
    "clock_start_time",
    "as_of_time",
)


def _inputs(key: str) -> list[str]:
    import re

    formula = COLUMNS[key].formula or ""
    return [k for k in dict.fromkeys(re.findall(r"\{([a-z_]+)\}", formula)) if k in COLUMNS]


def required_columns(keys: list[str]) -> list[str]:
    """``keys`` followed by every column their formulas need and that is not listed."""
    out = list(dict.fromkeys(keys))
    i = 0
    while i < len(out):
        for dep in _inputs(out[i]):
            if dep not in out:
                out.append(dep)
        i += 1
    return out
