"""Readable numbers and one-line explanations of progress rows.

Numbers are shown the way analysts write them: ``433.3 bn CNY``, ``1.5 tn CNY``,
``1.2 million vehicles``, ``238,600 vehicles``, ``66.7%``; growth as ``15.3%/yr``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["explain_row", "format_amount", "format_fraction", "format_rate", "met_detail_row"]

_SYMBOL = {"at_least": "≥", "more_than": ">", "at_most": "≤"}


def _finite(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _short(x: float) -> str:
    """Up to four significant digits, without a trailing '.0'."""
    text = f"{x:.4g}"
    return text if "e" not in text else f"{x:,.0f}"


def format_amount(value: float, unit: str | None) -> str:
    """``433300000000.0, 'CNY'`` -> ``'433.3 bn CNY'``; percent units as ``'66.7%'``."""
    if not _finite(value):
        return "n/a"
    if unit == "percent":
        return f"{value * 100:.1f}%"
    size = abs(value)
    if size >= 1e12:
        text = f"{_short(value / 1e12)} tn"
    elif size >= 1e9:
        text = f"{_short(value / 1e9)} bn"
    elif size >= 1e6:
        text = f"{_short(value / 1e6)} million"
    elif value == int(value):
        text = f"{int(value):,}"
    else:
        text = f"{value:,.4g}" if size < 1000 else f"{value:,.1f}"
    return f"{text} {unit}" if unit else text


def format_rate(rate: float) -> str:
    """A growth rate per year: ``0.1526`` -> ``'15.3%/yr'``."""
    return "n/a" if not _finite(rate) else f"{rate * 100:.1f}%/yr"


def format_fraction(x: float) -> str:
    """A fraction as a percentage: ``0.867`` -> ``'86.7%'``."""
    return "n/a" if not _finite(x) else f"{x * 100:.1f}%"


def _target_text(r: Mapping[str, Any]) -> str:
    unit = r["unit"]
    if r["comparator"] == "range":
        return f"{format_amount(r['low'], None)}-{format_amount(r['high'], unit)}"
    text = format_amount(r["target_value"], unit)
    return f"about {text}" if r["comparator"] == "about" else text


def met_detail_row(r: Mapping[str, Any]) -> str:
    """Why a target counts as met or not (or why that cannot be decided)."""
    kind, comp = r["kind"], r["comparator"]
    if kind == "milestone":
        if r["met"] is True:
            return f"completion reported ({r['milestone_report_period']})"
        return "no report of completion"
    a = r["assessed_value"]
    if not _finite(a):
        return "no actual to compare"
    unit = r["unit"]
    a_text = format_amount(a, unit)
    t_text = format_amount(r["target_value"], unit)
    met = r["met"]
    no = "not met" if r["at_deadline"] else "not yet met"
    notes: list[str] = []
    if r["assessed_qualifier"] == "upper_bound":
        notes.append(f"the actual is an upper bound ('nearly' {a_text})")
    elif r["assessed_qualifier"] == "lower_bound":
        notes.append(f"the actual is a lower bound ('more than' {a_text})")
    if kind == "multiple" and r["baseline_qualifier"] == "lower_bound":
        notes.append("the target is a lower bound: its baseline is stated as 'more than'")
    elif kind == "multiple" and r["baseline_qualifier"] == "upper_bound":
        notes.append("the target is an upper bound: its baseline is stated as 'nearly'")
    tail = f" ({'; '.join(notes)})" if notes else ""
    if comp == "range":
        low, high = format_amount(r["low"], unit), format_amount(r["high"], unit)
        if r["fully_met"] is True:
            return f"fully met: {a_text} ≥ high end {high}{tail}"
        if met is True:
            return f"met at the low end: {a_text} ≥ {low} (fully met at {high}){tail}"
        if met is False:
            return f"{no}: {a_text} < low end {low}{tail}"
        return f"cannot tell whether {a_text} reaches {low}{tail}"
    if comp == "about":
        tol = r["tolerance_used"]
        band = f"{t_text} ± {format_fraction(tol)}"
        if met is True:
            return f"met: {a_text} within {band}{tail}"
        if met is False:
            side = "below" if a < r["target_value"] else "above"
            return f"{no}: {a_text} {side} {band}{tail}"
        return f"cannot tell whether {a_text} is within {band}{tail}"
    sym = _SYMBOL.get(comp, "?")
    if met is True:
        return f"met: {a_text} {sym} {t_text}{tail}"
    if met is False:
        return f"{no}: {a_text} not {sym} {t_text}{tail}"
    return f"not proven: {a_text} vs {sym} {t_text}{tail}"


def _forward(r: Mapping[str, Any]) -> str:
    if not _finite(r["required_cagr_from_now"]):
        return ""
    return (
        f"needs {format_rate(r['required_cagr_from_now'])} from {r['assessed_period']} "
        f"to reach {_target_text(r)} by {r['deadline']}"
    )


def _basis_note(r: Mapping[str, Any]) -> str:
    if r["share_basis"] == "no_baseline" and _finite(r["share_achieved"]):
        return f"no baseline: at {format_fraction(r['share_achieved'])} of the target (A/T)"
    return ""


def explain_row(r: Mapping[str, Any]) -> str:
    """One line a manager can read, e.g. 'needs 15.3%/yr from 2021; grew 22.5%/yr: on track'."""
    status, method = r["status"], r["method"]
    parts: list[str]
    if method == "milestone date":
        if status == "met":
            parts = [f"met: completion reported for {r['milestone_report_period']}"]
        elif status == "pending":
            parts = [f"pending: due by {r['deadline']}, no report of completion yet"]
        else:
            parts = [f"overdue: due by {r['deadline']}, no report of completion"]
        return "; ".join(parts)
    if status in ("met", "not met"):
        parts = [r["met_detail"]]
        if status == "met" and r["met_detail"].startswith("met") is False:
            parts = [f"met: {r['met_detail']}"]
        if r["share_basis"] == "plan_start":
            parts.append(f"cumulative since {r['reference_period']}")
        return "; ".join(parts)
    if status == "not assessable":
        parts = [f"not assessable: {r['status_reason']}"]
        if _finite(r["required_cagr"]) and r["required_cagr_from"]:
            parts.append(f"needs {format_rate(r['required_cagr'])} from {r['required_cagr_from']}")
            if r["share_basis"] != "plan_start":
                parts[-1] += f" to reach {_target_text(r)} by {r['deadline']}"
        return "; ".join(parts)
    if method == "Eurostat growth-ratio":
        parts = [
            f"needs {format_rate(r['required_cagr'])} from {r['required_cagr_from']}; "
            f"grew {format_rate(r['actual_cagr'])}: {status}"
        ]
    elif method == "linear-path pace":
        done = format_fraction(r["path_share"])
        parts = [
            f"{done} of the way after {format_fraction(r['time_elapsed'])} of the time"
            f" since {r['reference_period']}: {status}"
        ]
    else:  # comparator on latest actual: the baseline met the target, the actual does not
        parts = [f"{r['met_detail']}, though the baseline met it: {status}"]
    forward = _forward(r)
    repeats = method == "Eurostat growth-ratio" and r["required_cagr_from"] == r["assessed_period"]
    if forward and not repeats:
        parts.append(forward)
    note = _basis_note(r)
    if note:
        parts.append(note)
    if r["deadline_passed"] is True:
        parts.append(f"deadline passed, figure for {r['deadline']} not yet published")
    if r["met"] is None and r["met_detail"].startswith("not proven"):
        parts.append(r["met_detail"])
    return "; ".join(parts)
