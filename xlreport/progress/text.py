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


_WORDS = {"upper_bound": "nearly", "lower_bound": "more than", "approx": "about"}


def _target_text(r: Mapping[str, Any]) -> str:
    """The target as a reader says it: ``500 bn CNY``, ``about 600 bn CNY``, ``3-5 clusters``,
    ``more than 1.2 million vehicles`` ("at least" is the plain reading and not written)."""
    unit = r["unit"]
    if r["comparator"] == "range":
        return f"{format_amount(r['low'], None)}-{format_amount(r['high'], unit)}"
    text = format_amount(r["target_value"], unit)
    word = r.get("target_qualifier")
    return f"{word} {text}" if word and word != "at least" else text


def _qualified(value: float, unit: str | None, qualifier: Any) -> str:
    """A value with the word that qualifies it: ``nearly 340 bn CNY``."""
    word = _WORDS.get(qualifier) if isinstance(qualifier, str) else None
    text = format_amount(value, unit)
    return f"{word} {text}" if word else text


def met_detail_row(r: Mapping[str, Any]) -> str:
    """Why a target counts as met or not (or why that cannot be decided)."""
    kind, comp = r["kind"], r["comparator"]
    if kind == "milestone":
        if r["completed_period"]:
            return f"completion reported ({r['completed_period']}, {r['completed_timing']})"
        return "no report of completion"
    a = r["assessed_value"]
    if not _finite(a):
        return "no actual to compare"
    unit = r["unit"]
    a_text = _qualified(a, unit, r["assessed_qualifier"])
    t_text = format_amount(r["target_value"], unit)
    met = r["met"]
    no = "not met" if r["at_deadline"] else "not yet met"
    notes: list[str] = []
    if r["assessed_qualifier"] == "upper_bound":
        notes.append("the figure is an upper bound")
    elif r["assessed_qualifier"] == "lower_bound":
        notes.append("the figure is a lower bound")
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


def _year(period: Any) -> str:
    return str(period)[:4] if period else ""


def _span(start: Any, end: Any) -> str:
    """``2022``, ``2023`` -> ``2022-23``; other periods as they are."""
    a, b = str(start), str(end)
    if len(a) == 4 and len(b) == 4 and a[:2] == b[:2]:
        return f"{a}-{b[2:]}"
    return f"{a} to {b}"


def _where(r: Mapping[str, Any]) -> str:
    """Where the assessed figure stands: ``86.7% of the 500 bn CNY target`` or
    ``40.0% of the way from the 2020 baseline``; empty when the share is unknown."""
    share = r["share_achieved"]
    if not _finite(share):
        return ""
    if r["share_basis"] == "baseline":
        return f"{format_fraction(share)} of the way from the {r['reference_period']} baseline"
    return f"{format_fraction(share)} of the {_target_text(r)} target"


def _latest(r: Mapping[str, Any]) -> str:
    """``latest 2023: 433.3 bn CNY, 86.7% of the 500 bn CNY target``."""
    text = f"latest {r['assessed_period']}: "
    text += _qualified(r["assessed_value"], r["unit"], r["assessed_qualifier"])
    where = _where(r)
    if r["share_basis"] == "baseline" and not _finite(r["share_achieved"]):
        where = "the baseline, no later figure"
    return f"{text}, {where}" if where else text


def _trend_outlook(r: Mapping[str, Any]) -> str:
    """The anticipated value's verdict, saying what the trend rests on."""
    outlook = r["outlook"]
    if outlook is None:
        return "no trend to project" if r["share_basis"] != "plan_start" else ""
    verdict = "would reach it" if outlook == "likely met" else "would miss it"
    if r["evidence"] == "one year-on-year rate" and _finite(r["latest_growth_yoy"]):
        growth = f"{r['latest_growth_yoy'] * 100:+.1f}%"
        return f"its {_year(r['assessed_period'])} growth ({growth}) {verdict}"
    trend = f"the {_span(r['reference_period'], r['assessed_period'])} trend"
    if r["evidence"] == "a derived point":
        trend += " (from a derived point)"
    return f"{trend} {verdict}"


def _needs(r: Mapping[str, Any], *, short: bool = False) -> str:
    """The growth still needed; ``short`` when the target was just named."""
    if _finite(r["required_cagr_from_now"]):
        if short:
            return f"needs {format_rate(r['required_cagr_from_now'])} to {r['deadline']}"
        return (
            f"needs {format_rate(r['required_cagr_from_now'])} from {r['assessed_period']} "
            f"to reach {_target_text(r)} by {r['deadline']}"
        )
    if _finite(r["required_cagr"]) and r["required_cagr_from"]:
        return (
            f"needs {format_rate(r['required_cagr'])} from {r['required_cagr_from']} "
            f"to reach {_target_text(r)} by {r['deadline']}"
        )
    return ""


def _milestone(r: Mapping[str, Any]) -> str:
    status, deadline = r["status"], r["deadline"]
    if status == "done":
        timing = r["completed_timing"]
        return f"done: completed {r['completed_period']}, {timing} (due by {deadline})"
    if status == "not met":
        return f"not met: reported not done, due by {deadline}"
    if status == "pending":
        return f"pending: due by {deadline}, no completion reported yet"
    return f"unconfirmed: due by {deadline}, no completion reported as of {r['as_of']}"


def _join(parts: list[str]) -> str:
    return "; ".join(p for p in parts if p)


def explain_row(r: Mapping[str, Any]) -> str:
    """One line a manager reads in one breath, leading with the state, e.g.
    'deadline passed; 2025 figure not yet published; latest 2023: 433.3 bn CNY, 86.7% of
    the 500 bn CNY target; its 2023 growth (+22.5%) would reach it'."""
    status = r["status"]
    if r["kind"] == "milestone":
        return _milestone(r)
    passed = r["deadline_passed"] is True
    if status in ("met", "not met"):
        head, _, rest = r["met_detail"].partition(": ")
        if head in ("fully met", "met at the low end"):  # ranges: the state leads
            rest = f"{head.removesuffix(' met').replace('met ', '')}, {rest}"
        when = f"{r['assessed_period']} figure"
        if status == "met" and not r["at_deadline"]:
            when += ", before the deadline"
        parts = [f"{status} ({when}): {rest}"]
        if r["share_basis"] == "plan_start":
            parts.append(f"cumulative since {r['reference_period']}")
        return _join(parts)
    if status == "awaiting final figure":
        return _join(
            [
                f"deadline passed; {r['deadline']} figure not yet published",
                _latest(r),
                _trend_outlook(r),
            ]
        )
    if status == "not assessable":
        reason = r["status_reason"]
        if reason == "no figure published yet":
            if passed:
                return f"not assessable: deadline passed, no figure published for {r['deadline']}"
            return _join([f"not assessable: {reason}", _needs(r)])
        if r["at_deadline"]:
            return _join([f"not assessable: {r['met_detail']}"])
        if reason == "only the baseline is known":
            reason = f"only the {r['reference_period']} baseline is known"
            return _join([f"not assessable: {reason}", _needs(r)])
        return _join([f"not assessable: {reason}", _latest(r), _needs(r, short=True)])
    method = r["method"]
    if method == "Eurostat growth-ratio":
        act = r["actual_cagr"]
        moved = f"grew {format_rate(act)}" if act >= 0 else f"fell {format_rate(-act)}"
        head = (
            f"{status}: {moved} from {r['required_cagr_from']}, "
            f"{format_rate(r['required_cagr'])} needed"
        )
    elif method == "linear-path pace":
        head = (
            f"{status}: {format_fraction(r['path_share'])} of the way after "
            f"{format_fraction(r['time_elapsed_at_latest'])} of the time since "
            f"{r['reference_period']}"
        )
    else:  # comparator on latest actual: the baseline met the target, the actual does not
        head = f"{status}: {r['met_detail']}, though the baseline met it"
    needs = _needs(r) if _finite(r["required_cagr_from_now"]) else ""
    return _join([head, needs])
