"""Cell formats of a report, created once per style key and reused for every cell.

A workbook gets a few dozen formats whatever its size: each style key (``"money"``,
``"header"``, ``"status:met"``) maps to one xlsxwriter Format built from the theme.
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook

from xlreport.errors import DataError
from xlreport.quantity import UnitKind, unit_kind
from xlreport.report.template import Theme

__all__ = ["FormatCache", "unit_style"]


class FormatCache:
    """Formats by style key, created on first use (see module docstring)."""

    def __init__(self, workbook: Workbook, theme: Theme) -> None:
        self._wb = workbook
        self._theme = theme
        self._cache: dict[str, Format] = {}
        self._status = {s.value: s for s in theme.statuses}

    def __len__(self) -> int:
        return len(self._cache)

    def get(self, key: str) -> Format:
        fmt = self._cache.get(key)
        if fmt is None:
            fmt = self._wb.add_format(self._props(key))
            self._cache[key] = fmt
        return fmt

    def for_unit(self, unit: Any) -> Format:
        """The number format of a value in ``unit`` (money in billions, counts, percent)."""
        return self.get(unit_style(unit))

    def _props(self, key: str) -> dict[str, Any]:
        t = self._theme
        c = t.colours
        nf = t.number_formats
        base: dict[str, Any] = {"font_name": t.font_name, "font_size": t.font_size, "valign": "top"}
        numbers = {
            "money": nf.money,
            "money_report": nf.money_report,
            "percent": nf.percent,
            "count": nf.count,
            "number": nf.number,
            "years": nf.years,
            "rate": nf.rate,
            "date": nf.date,
            "datetime": nf.datetime,
        }
        if key in numbers:
            return {**base, "num_format": numbers[key]}
        if key.startswith("status:"):  # conditional format: colours only
            style = self._status[key.removeprefix("status:")]
            return {"bg_color": style.fill, "font_color": style.font}
        if key.startswith("status_header:"):
            style = self._status[key.removeprefix("status_header:")]
            return {
                **base,
                "bold": True,
                "bg_color": style.fill,
                "font_color": style.font,
                "text_wrap": True,
                "border": 1,
                "border_color": "#BFBFBF",
            }
        styles: dict[str, dict[str, Any]] = {
            "text": {},
            "wrap": {"text_wrap": True},
            "bold": {"bold": True},
            "header": {
                "bold": True,
                "bg_color": c.header_fill,
                "font_color": c.header_font,
                "text_wrap": True,
                "valign": "vcenter",
            },
            "title": {
                "bold": True,
                "font_size": t.title_size,
                "font_color": c.title,
                "valign": "vcenter",
            },
            "subtitle": {"font_size": t.font_size + 2, "font_color": c.muted},
            "subtitle_wrap": {
                "font_size": t.font_size + 2,
                "font_color": c.muted,
                "text_wrap": True,
            },
            "section": {
                "bold": True,
                "font_size": t.font_size + 2,
                "font_color": c.title,
                "bottom": 2,
                "bottom_color": c.accent,
            },
            "label": {"bold": True, "font_color": c.muted},
            "link": {"font_color": c.accent, "underline": 1},
            "link_wrap": {"font_color": c.accent, "underline": 1, "text_wrap": True},
            "link_bold": {"font_color": c.accent, "underline": 1, "bold": True},
            "sentence": {"text_wrap": True, "valign": "top"},
            "warning": {
                "text_wrap": True,
                "bold": True,
                "font_color": "#9C0006",
                "bg_color": "#FFC7CE",
                "valign": "top",
            },
            "muted": {"font_color": c.muted, "italic": True, "text_wrap": True},
            "kv_date": {"num_format": nf.date, "align": "left"},
            "kv_datetime": {"num_format": nf.datetime, "align": "left"},
            "kv_rate": {"num_format": nf.rate, "align": "left"},
            "kv_int": {"num_format": nf.count, "align": "left"},
            "headline_value": {
                "bold": True,
                "font_size": t.title_size,
                "font_color": c.accent,
                "align": "center",
                "valign": "vcenter",
                "num_format": nf.count,
                "top": 1,
                "left": 1,
                "right": 1,
                "border_color": "#BFBFBF",
            },
            "headline_label": {
                "font_color": c.muted,
                "align": "center",
                "text_wrap": True,
                "bottom": 1,
                "left": 1,
                "right": 1,
                "border_color": "#BFBFBF",
            },
        }
        if key not in styles:
            raise KeyError(f"no style {key!r}")
        return {**base, **styles[key]}


def unit_style(unit: Any) -> str:
    if not isinstance(unit, str):
        return "number"
    try:
        kind = unit_kind(unit)
    except DataError:  # not reached: the model validates units
        return "number"
    return {
        UnitKind.CURRENCY: "money",
        UnitKind.PERCENT: "percent",
        UnitKind.COUNT: "count",
        UnitKind.PHYSICAL: "number",
    }[kind]
