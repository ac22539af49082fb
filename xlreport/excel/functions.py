"""The Excel custom functions (xlwings UDFs): the only module of xlreport importing xlwings.

The workbook ``workbooks/xlreport.xlsm`` carries their VBA wrappers already
(:mod:`xlreport.excel.wrappers`); another workbook names this module in the ``UDF
Modules`` setting of ``xlwings.conf`` and clicks *Import Functions*. Every function:

* is named ``XLR_...`` so they group in Excel's function list, and carries help for the
  Function Wizard: the docstring for the function, ``xw.arg(name, doc=...)`` for each
  argument (the same texts feed ``xlreport excel functions`` and ``docs/excel.md``);
* takes what Excel sends (whole numbers as ``2025.0``, dates as datetimes or serial
  numbers, text, single cells or ranges, empty cells as ``None``: :mod:`.args`);
* answers errors with a short ``#XLR! ...`` message in the cell, never a traceback,
  and repeated calls from remembered results (:func:`.cache.answer_from_cache`);
* reads data through :data:`xlreport.excel.cache.DATA`: loaded once per Excel process and
  reloaded when the store's revision changes, so a call is a few dictionary lookups.

On Windows the decorators record what xlwings needs to generate the VBA wrappers; on
other systems they leave the functions unchanged, which is how the tests call them.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import xlwings as xw

from xlreport import __version__
from xlreport.errors import DataError
from xlreport.excel import cache as _cache
from xlreport.excel.args import (
    ArgumentError,
    to_bool,
    to_choice,
    to_date,
    to_names,
    to_number,
    to_text,
    to_when,
)
from xlreport.excel.catalog import SPEC_ATTRIBUTE, spec_for
from xlreport.excel.cells import ensure_log_file, to_cell, to_table
from xlreport.progress.text import format_amount
from xlreport.vintage import current_observations, visible_observations

__all__ = [
    "WINDOWS_ONLY",
    "XLR_ABOUT",
    "XLR_ANTICIPATED",
    "XLR_CAGR_ACTUAL",
    "XLR_CAGR_REQUIRED",
    "XLR_CONVERT",
    "XLR_ERROR",
    "XLR_LATEST",
    "XLR_OBSERVATIONS",
    "XLR_PLANS",
    "XLR_PROGRESS",
    "XLR_RATE",
    "XLR_SHARE",
    "XLR_STATUS",
    "XLR_TARGET",
    "XLR_TARGETS",
    "excel_function",
    "show_message",
]

CATEGORY = "xlreport"
#: xlwings fills the wrapper's last argument with the calling cell and hides it in Excel
CALLER_HELP = "The calling cell, filled in by xlwings (not shown in Excel)."
F = TypeVar("F", bound=Callable[..., Any])

ensure_log_file()


def excel_function(
    help_text: str,
    *,
    returns: str = "value",
    remember: bool = True,
    ranges: tuple[str, ...] = (),
    **arg_help: str,
) -> Callable[[F], F]:
    """Make ``func`` an Excel function: errors to the cell, results remembered per
    arguments (unless ``remember=False``), xlwings help, and a spec for docs and
    ``xlreport excel functions``. Arguments named in ``ranges`` arrive as xlwings Ranges
    (the cell itself, not its value)."""

    def decorate(func: F) -> F:
        spec = spec_for(func, help_text, arg_help, returns)
        func.__doc__ = spec.help  # the Function Wizard's description of the function
        wrapped: Any = _cache.answer_from_cache(func, remember=remember)
        wrapped = xw.arg("caller", doc=CALLER_HELP)(wrapped)
        for arg in reversed(spec.args):
            convert = ("range",) if arg.name in ranges else ()
            wrapped = xw.arg(arg.name, *convert, doc=arg.help)(wrapped)
        wrapped = xw.func(category=CATEGORY)(wrapped)
        setattr(wrapped, SPEC_ATTRIBUTE, spec)
        return wrapped  # type: ignore[no-any-return]

    return decorate


# ---------------------------------------------------------------------- arguments

TARGET_HELP = "Target id, e.g. lingang-2025.industrial-output (list them with XLR_TARGETS)."
AS_OF_HELP = "Date of the data to use (a date cell, serial number or 2024-05-24); empty: today."
TOL_HELP = "Tolerance of 'about' targets as a fraction (0.05 = 5%); empty: the setting."
TABLE_COLUMNS = (
    "id",
    "name",
    "kind",
    "comparator",
    "value",
    "low",
    "high",
    "unit",
    "deadline",
    "baseline_value",
    "baseline_period",
)
PROGRESS_TABLE_COLUMNS = (
    "target_id",
    "name",
    "latest_value",
    "latest_period",
    "share_achieved",
    "required_cagr",
    "actual_cagr",
    "anticipated_value",
    "status",
    "method",
    "explanation",
)
OBSERVATION_COLUMNS = (
    "period",
    "value",
    "growth_yoy",
    "unit",
    "qualifier",
    "cumulative",
    "derived",
    "source_id",
    "published",
    "in_force",
    "id",
)
LATEST_FIELDS = {
    "value": "latest_value",
    "period": "latest_period",
    "source": "latest_source_id",
    "published": "latest_published",
    "growth_yoy": "latest_growth_yoy",
    "month_value": "month_value",
    "full_year_value": "latest_full_year_value",
    "full_year_period": "latest_full_year_period",
    "qualifier": "latest_qualifier",
    "text": "latest_value",
}
RATE_FIELDS = ("rate", "date_used", "period", "basis", "source")


def _target_id(value: Any) -> str:
    return value if type(value) is str and value else to_text(value, "target")


def _unknown(kind: str, given: str, known: list[str], hint: str) -> DataError:
    close = difflib.get_close_matches(given, known, n=1, cutoff=0.6)
    suggestion = f" (did you mean {close[0]!r}?)" if close else ""
    return DataError(f"unknown {kind} {given!r}{suggestion}: see {hint}")


def _tolerance(value: Any) -> float | None:
    if value is None:
        return None
    tol = to_number(value, "tolerance")
    if not 0 <= tol < 1:
        raise ArgumentError("tolerance", f"{tol:g} must be a fraction from 0 to 1 (0.05 = 5%)")
    return tol


def _progress_row(target: Any, as_of: Any, tolerance: Any) -> tuple[str, dict[str, Any]]:
    """The progress row of a target; the as-of date used is in ``row["as_of"]``."""
    tid = _target_id(target)
    day = None if as_of is None else to_date(as_of, "as_of")
    rows = _cache.DATA.progress(day, None if tolerance is None else _tolerance(tolerance))
    row = rows.get(tid)
    if row is None:
        tid = tid.strip()
        row = rows.get(tid)
        if row is None:
            raise _unknown("target", tid, list(rows), "XLR_TARGETS(plan) for the ids")
    return tid, row


def _measure(row: dict[str, Any], column: str, tid: str, what: str) -> Any:
    value = row[column]
    if value is None:
        why = row.get("status_reason") or row.get("explanation") or "no data"
        raise DataError(f"no {what} for {tid} as of {row['as_of']}: {why}")
    return value


def _field(
    value: Any, choices: list[str] | tuple[str, ...], default: str, name: str = "field"
) -> str:
    if value is None:
        return default
    return to_choice(value, name, choices, default=default)


# ---------------------------------------------------------------------- targets


@excel_function(
    "A target's value (in full units), or any other field of the target.",
    target=TARGET_HELP,
    field="Field to return: value (default), name, unit, deadline, kind, comparator, low, "
    "high, baseline_value, baseline_period, plan_id, plan_name, source_id, note, ...",
)
def XLR_TARGET(target: Any, field: Any = None) -> Any:
    tid = _target_id(target)
    snap = _cache.DATA.snapshot()
    fields = snap.target_fields.get(tid) or snap.target_fields.get(tid.strip())
    if fields is None:
        raise _unknown("target", tid, list(snap.target_fields), "XLR_TARGETS(plan) for the ids")
    if field is None:
        return fields["value"]
    name = to_text(field, "field").lower()
    if name == "plan_name":
        return snap.plans[fields["plan_id"]].name
    if name not in fields:
        raise ArgumentError("field", f"unknown field {name!r}: use one of {', '.join(fields)}")
    return fields[name]


@excel_function(
    "All targets of a plan as a table with a header row (spills); empty plan: every plan.",
    returns="table",
    plan="Plan id, e.g. lingang-2025 (list them with XLR_PLANS); empty: all targets.",
    fields="Columns to show: a range of names or text such as id,name,value; "
    "empty: id, name, kind, comparator, value, low, high, unit, deadline, baseline.",
)
def XLR_TARGETS(plan: Any = None, fields: Any = None) -> Any:
    snap = _cache.DATA.snapshot()
    plan_id = to_text(plan, "plan", default="")
    if plan_id and plan_id not in snap.plan_targets:
        raise _unknown("plan", plan_id, list(snap.plan_targets), "XLR_PLANS() for the ids")
    columns = to_names(fields, "fields") or list(TABLE_COLUMNS)
    known = next(iter(snap.target_fields.values()), {})
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise ArgumentError("fields", f"unknown {unknown[0]!r}: use {', '.join(known)}")
    ids = snap.plan_targets[plan_id] if plan_id else list(snap.target_fields)
    return to_table((snap.target_fields[t] for t in ids), columns)


@excel_function(
    "The plans in the database as a table with a header row (spills).",
    returns="table",
    fields="Columns: a range or text such as id,name; empty: id, name, issuer, start_year, "
    "end_year, source_id.",
)
def XLR_PLANS(fields: Any = None) -> Any:
    snap = _cache.DATA.snapshot()
    columns = to_names(fields, "fields") or [
        "id",
        "name",
        "issuer",
        "start_year",
        "end_year",
        "source_id",
    ]
    rows = [p.model_dump() for p in snap.plans.values()]
    if rows and any(c not in rows[0] for c in columns):
        bad = next(c for c in columns if c not in rows[0])
        raise ArgumentError("fields", f"unknown {bad!r}: use {', '.join(rows[0])}")
    return to_table(rows, columns)


# ---------------------------------------------------------------------- actuals


@excel_function(
    "The latest actual of a target published by a date (the figure in force then); "
    "text gives it with its qualifier, e.g. nearly 340 bn CNY.",
    target=TARGET_HELP,
    as_of=AS_OF_HELP,
    field="What to return: value (default), text (the value with its qualifier and unit), "
    "qualifier (nearly, more than, about; empty when exact), period, source, published, "
    "growth_yoy, month_value, full_year_value, full_year_period.",
)
def XLR_LATEST(target: Any, as_of: Any = None, field: Any = None) -> Any:
    tid, row = _progress_row(target, as_of, None)
    if field is None:
        return _measure(row, "latest_value", tid, "actual")
    name = to_choice(field, "field", LATEST_FIELDS, default="value")
    column = LATEST_FIELDS[name]
    if name == "text":
        value = _measure(row, column, tid, "actual")
        word = row["latest_qualifier"]
        amount = format_amount(value, row["unit"])
        return f"{word} {amount}" if word else amount
    if name == "qualifier":
        return row[column] or ""
    return _measure(row, column, tid, f"actual {name}") if name == "value" else row[column]


@excel_function(
    "A target's actuals published by a date as a table with a header row (spills).",
    returns="table",
    target=TARGET_HELP,
    as_of=AS_OF_HELP,
    all_vintages="TRUE: also the superseded figures (revisions); FALSE or empty: only the "
    "figures in force.",
)
def XLR_OBSERVATIONS(target: Any, as_of: Any = None, all_vintages: Any = None) -> Any:
    tid = _target_id(target)
    snap = _cache.DATA.snapshot()
    fields = snap.target_fields.get(tid)
    if fields is None:
        raise _unknown("target", tid, list(snap.target_fields), "XLR_TARGETS(plan) for the ids")
    day = to_date(as_of, "as_of", default=_cache.DATA.today) or _cache.DATA.today
    everything = to_bool(all_vintages, "all_vintages", default=False)

    def build() -> list[list[Any]]:
        mine = [
            o
            for o in snap.observations_by_indicator.get(fields["indicator"], [])
            if o.target_id in (None, tid)
        ]
        in_force = {o.id for o in current_observations(mine, day)}
        shown = visible_observations(mine, day) if everything else current_observations(mine, day)
        shown.sort(key=lambda o: (o.period_obj.end, o.period_obj.months, o.published, o.id))
        rows = [{**o.model_dump(), "in_force": o.id in in_force} for o in shown]
        return to_table(rows, OBSERVATION_COLUMNS)

    return _cache.DATA.memoised(("observations", tid, day, everything), build)


# ---------------------------------------------------------------------- progress


@excel_function(
    "Share of the way from baseline to target achieved (1 = met), as of a date.",
    target=TARGET_HELP,
    as_of=AS_OF_HELP,
    tolerance=TOL_HELP,
)
def XLR_SHARE(target: Any, as_of: Any = None, tolerance: Any = None) -> Any:
    tid, row = _progress_row(target, as_of, tolerance)
    return _measure(row, "share_achieved", tid, "share achieved")


@excel_function(
    "A target's status (met, not met, on track, moderate progress, insufficient progress, "
    "moving away, awaiting final figure, done, pending, unconfirmed, not assessable), or "
    "its outlook, explanation or any other progress measure.",
    target=TARGET_HELP,
    field="What to return: status (default), outlook, evidence, explanation, met (TRUE, "
    "FALSE or empty when unknown), met_detail, deadline_passed, time_elapsed, "
    "time_elapsed_at_latest, method, eurostat_class, growth_ratio, ...",
    as_of=AS_OF_HELP,
    tolerance=TOL_HELP,
)
def XLR_STATUS(target: Any, field: Any = None, as_of: Any = None, tolerance: Any = None) -> Any:
    _, row = _progress_row(target, as_of, tolerance)
    if field is None:
        return row["status"]
    name = to_text(field, "field").lower()
    if name not in row:
        raise ArgumentError("field", f"unknown measure {name!r}: use one of {', '.join(row)}")
    value = row[name]
    # unknown (met not decided, no outlook, no evidence): an empty cell, never FALSE or 0
    return "" if value is None else value


@excel_function(
    "Compound annual growth rate needed to reach the target by its deadline.",
    target=TARGET_HELP,
    start="From when: baseline (default: from the baseline or reference value) or now "
    "(from the latest actual).",
    as_of=AS_OF_HELP,
)
def XLR_CAGR_REQUIRED(target: Any, start: Any = None, as_of: Any = None) -> Any:
    tid, row = _progress_row(target, as_of, None)
    if _field(start, ("baseline", "now"), "baseline", name="start") == "now":
        return _measure(row, "required_cagr_from_now", tid, "required growth from now")
    return _measure(row, "required_cagr", tid, "required growth")


@excel_function(
    "Compound annual growth rate achieved from the baseline to the latest actual.",
    target=TARGET_HELP,
    as_of=AS_OF_HELP,
)
def XLR_CAGR_ACTUAL(target: Any, as_of: Any = None) -> Any:
    tid, row = _progress_row(target, as_of, None)
    return _measure(row, "actual_cagr", tid, "actual growth")


@excel_function(
    "Value the observed trend reaches by the deadline (UN ESCAP anticipated progress).",
    target=TARGET_HELP,
    field="value (default): the anticipated value; gap: the anticipated gap as a share of "
    "the distance from baseline to target.",
    as_of=AS_OF_HELP,
)
def XLR_ANTICIPATED(target: Any, field: Any = None, as_of: Any = None) -> Any:
    tid, row = _progress_row(target, as_of, None)
    if _field(field, ("value", "gap"), "value") == "gap":
        return _measure(row, "anticipated_gap", tid, "anticipated gap")
    return _measure(row, "anticipated_value", tid, "anticipated value")


@excel_function(
    "Progress of every target of a plan as a table with a header row (spills).",
    returns="table",
    plan="Plan id, e.g. lingang-2025; empty: all targets.",
    as_of=AS_OF_HELP,
    fields="Columns: a range or text such as target_id,status; empty: target_id, name, latest, "
    "share, CAGRs, anticipated value, status, method, explanation.",
)
def XLR_PROGRESS(plan: Any = None, as_of: Any = None, fields: Any = None) -> Any:
    plan_id = to_text(plan, "plan", default="")
    day = None if as_of is None else to_date(as_of, "as_of")
    rows = _cache.DATA.progress(day, None)
    snap = _cache.DATA.snapshot()
    if plan_id and plan_id not in snap.plan_targets:
        raise _unknown("plan", plan_id, list(snap.plan_targets), "XLR_PLANS() for the ids")
    columns = to_names(fields, "fields") or list(PROGRESS_TABLE_COLUMNS)
    ids = snap.plan_targets[plan_id] if plan_id else list(rows)
    chosen = [{"target_id": t, **rows[t]} for t in ids if t in rows]
    if chosen and any(c not in chosen[0] for c in columns):
        bad = next(c for c in columns if c not in chosen[0])
        raise ArgumentError("fields", f"unknown {bad!r}: use {', '.join(chosen[0])}")
    return to_table(chosen, columns)


# ---------------------------------------------------------------------- currency

CURRENCY_FROM_HELP = "Currency to convert from, an ISO code such as CNY."
CURRENCY_TO_HELP = "Currency to convert to, an ISO code such as USD."
WHEN_HELP = (
    "A date (cell or 2024-05-24): that day's rate; 2024-05: the month; 2024: the year; "
    "empty: the latest published rate."
)
BASIS_HELP = "daily, month-average, year-average or end-of-period; empty: daily for a date, "
BASIS_HELP += "the period average for a month or year."
SOURCE_HELP = "Rate source, e.g. ECB (default: the setting) or a rate table you imported."


#: The rate bases (:class:`xlreport.fx.when.Basis`), checked here so that a misspelt one
#: is an argument error (#VALUE!), not a missing rate (#N/A).
BASES = ("daily", "month-average", "year-average", "end-of-period")


def _rate_query(when: Any, basis: Any, source: Any) -> tuple[Any, ...]:
    moment = to_when(when, "when")
    chosen_basis = None if basis is None else to_text(basis, "basis", default="") or None
    if chosen_basis is not None and chosen_basis.strip().lower() not in BASES:
        raise ArgumentError(
            "basis", f"unknown basis {chosen_basis!r}: use one of {', '.join(BASES)}"
        )
    chosen_source = None if source is None else to_text(source, "source", default="") or None
    return (moment, chosen_basis, chosen_source)


def _rate_kwargs(query: tuple[Any, ...]) -> dict[str, Any]:
    moment, basis, source = query
    kwargs: dict[str, Any] = {"basis": basis, "source": source}
    if moment is not None:
        kwargs[moment[0]] = moment[1]
    return kwargs


def _currency(value: Any, name: str) -> str:
    return to_text(value, name).upper()


@excel_function(
    "Exchange rate: units of the second currency per one unit of the first, with its date, "
    "basis and source on request.",
    currency_from=CURRENCY_FROM_HELP,
    currency_to=CURRENCY_TO_HELP,
    when=WHEN_HELP,
    basis=BASIS_HELP,
    source=SOURCE_HELP,
    field="What to return: rate (default), date_used, period, basis or source.",
)
def XLR_RATE(
    currency_from: Any,
    currency_to: Any,
    when: Any = None,
    basis: Any = None,
    source: Any = None,
    field: Any = None,
) -> Any:
    frm = _currency(currency_from, "currency_from")
    to = _currency(currency_to, "currency_to")
    query = _rate_query(when, basis, source)
    data = _cache.DATA
    quote = data.memoised(
        ("rate", frm, to, query),
        lambda: data.rate_book().rate(frm, to, **_rate_kwargs(query)),
    )
    name = "rate" if field is None else _field(field, RATE_FIELDS, "rate")
    return to_cell(getattr(quote, name))


@excel_function(
    "Converts an amount from one currency to another at a reference rate.",
    amount="The amount to convert (a number, or text such as 433.3 billion).",
    currency_from=CURRENCY_FROM_HELP,
    currency_to=CURRENCY_TO_HELP,
    when=WHEN_HELP,
    basis=BASIS_HELP,
    source=SOURCE_HELP,
)
def XLR_CONVERT(
    amount: Any,
    currency_from: Any,
    currency_to: Any,
    when: Any = None,
    basis: Any = None,
    source: Any = None,
) -> Any:
    value = to_number(amount, "amount")
    frm = _currency(currency_from, "currency_from")
    to = _currency(currency_to, "currency_to")
    query = _rate_query(when, basis, source)
    data = _cache.DATA
    conversion = data.memoised(
        ("convert", value, frm, to, query),
        lambda: data.rate_book().convert(value, frm, to, **_rate_kwargs(query)),
    )
    return conversion.result


# ---------------------------------------------------------------------- about

ABOUT_FIELDS = ("version", "database", "data_vintage", "revision", "today", "python", "xlwings")


def _about() -> dict[str, Any]:
    data = _cache.DATA
    snap = data.snapshot()
    return {
        "version": __version__,
        "database": data.store.url,
        "data_vintage": to_cell(snap.data_vintage),
        "revision": snap.revision,
        "today": data.today.isoformat(),
        "python": sys.executable,
        "xlwings": xw.__version__,
    }


@excel_function(
    "What this workbook reads: xlreport version, database (password hidden), data vintage "
    "(latest publication date) and store revision.",
    returns="table",  # without a field: a two-column table with a header row
    field="version, database, data_vintage, revision, today, python or xlwings; empty: "
    "all, as a two-column table.",
)
def XLR_ABOUT(field: Any = None) -> Any:
    info = _about()
    if field is None:
        return [["item", "value"], *([k, v] for k, v in info.items())]
    return info[to_choice(field, "field", ABOUT_FIELDS, default="version")]


# ---------------------------------------------------------------------- errors

#: Functions of the xlwings workbook only: the Office add-in shows an error's message
#: itself (hover the cell), so functions.json leaves these out.
WINDOWS_ONLY = frozenset({"XLR_ERROR"})


@excel_function(
    "The message behind an #N/A or #VALUE! that an XLR_ function shows in a cell: what is "
    "wrong and how to fix it. Empty if the cell shows no xlreport error.",
    remember=False,  # it reads the workbook, and what a cell shows changes without the store
    ranges=("cell",),
    cell="The cell showing the error, e.g. B7 (a reference, not a value).",
)
def XLR_ERROR(cell: Any) -> Any:
    if not hasattr(cell, "address") or not hasattr(cell, "options"):
        raise ArgumentError("cell", "give a reference to one cell, such as B7")
    if cell.count != 1:
        raise ArgumentError("cell", f"{cell.address} has {cell.count} cells: give one, such as B7")
    return _cache.DATA.cell_errors.message(cell)


def show_message(text: str, title: str) -> None:
    """A message box in the Excel that ran the macro (RunPython; Windows and macOS)."""
    xw.Book.caller().app.alert(text, title=title)
