"""The layout of data workbooks and CSV folders, derived from the model's fields.

One sheet (or one CSV file) per entity kind of :data:`xlreport.model.ENTITY_MODELS`, one
column per model field, in the model's field order with ``id`` first and ``note`` last.
The column kinds (number, date, boolean, choice...) are read from the field annotations,
so a field added to the model appears in the template, the reader and the writer at
once; its description must be added to :data:`DESCRIPTIONS` (a test checks it).
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from datetime import date
from enum import Enum, StrEnum
from functools import cache
from typing import Any

from pydantic.fields import FieldInfo

from xlreport.model import ENTITY_MODELS, ID_PATTERN
from xlreport.quantity import COUNT_UNITS, CURRENCIES, PHYSICAL_UNITS

__all__ = [
    "DESCRIPTIONS",
    "DRAFT_COLUMN",
    "QUOTE_COLUMN",
    "REVIEW_COLUMNS",
    "SHEETS",
    "Column",
    "ColumnKind",
    "SheetLayout",
    "column_letter",
    "layout_for",
    "sheet_layouts",
    "unit_choices",
]


class ColumnKind(StrEnum):
    ID = "id"  # an id or a reference to one: text matching the id rule
    TEXT = "text"  # free text
    PERIOD = "period"  # a period written as text; a typed year is accepted
    DEADLINE = "deadline"  # a year or a date (a date cell is accepted)
    UNIT = "unit"  # a unit code
    CURRENCY = "currency"  # an ISO currency code
    NUMBER = "number"  # a float, in full units; text with a scale is accepted
    INTEGER = "integer"  # a whole number (years)
    BOOLEAN = "boolean"
    DATE = "date"
    CHOICE = "choice"  # one value of an enumeration


#: Review columns of a drafted workbook (``xlreport data draft``), after the model's columns.
#: They are not fields, and capitalised so that they never clash with one (Rates has a field
#: ``quote``): the reader skips ``Quote`` and refuses a row whose ``Draft`` cell is still
#: filled in, so that nothing a machine proposed is imported before a person checked it.
DRAFT_COLUMN = "Draft"
QUOTE_COLUMN = "Quote"
REVIEW_COLUMNS: tuple[str, ...] = (DRAFT_COLUMN, QUOTE_COLUMN)

#: Sheet name (workbook) for each collection; the CSV file is ``<collection>.csv``.
SHEETS: dict[str, str] = {
    "sources": "Sources",
    "plans": "Plans",
    "targets": "Targets",
    "observations": "Observations",
    "rates": "Rates",
}

#: Text columns that are not free text, by field name.
_TEXT_KINDS: dict[str, ColumnKind] = {
    "unit": ColumnKind.UNIT,
    "base": ColumnKind.CURRENCY,
    "quote": ColumnKind.CURRENCY,
    "period": ColumnKind.PERIOD,
    "deadline": ColumnKind.DEADLINE,
    "baseline_period": ColumnKind.PERIOD,
}

#: Short descriptions shown as header comments, in the README sheet and in the docs.
#: Keys are ``collection.field``, or ``*.field`` for a field shared by several kinds.
DESCRIPTIONS: dict[str, str] = {
    "*.id": "Stable id of this row: lower-case letters, digits, '.', '_' or '-', starting "
    "with a letter or digit (at most 80 characters). Other rows refer to it; never reuse "
    "an id for something else.",
    "*.note": "Free text: context, caveats, the wording of the document.",
    "*.source_id": "Id of the source (Sources sheet, or already in the database) this "
    "fact comes from.",
    "sources.title": "Title of the document, as published.",
    "sources.publisher": "Who published the document.",
    "sources.published": "Publication date (a date cell or YYYY-MM-DD). Leave empty if "
    "unknown and set published_precision to 'unknown'. A date known only to the month or "
    "year: enter its first day and set the precision.",
    "sources.published_precision": "How precisely the publication date is known: day, "
    "month, year or unknown. Facts count as public from the end of that month or year.",
    "sources.published_certainty": "stated (printed in the document), inferred (worked out "
    "from its text) or unknown.",
    "sources.published_basis": "How the date was determined when it is not stated.",
    "sources.attributed_to": "The authority the document cites for its figures.",
    "sources.file": "File name of the stored copy of the document.",
    "sources.url": "Web address of the document (kept as text, never a link).",
    "sources.language": "Language code of the document (en, zh...). Empty means en.",
    "plans.name": "Name of the plan or programme.",
    "plans.issuer": "Government body that issued the plan.",
    "plans.region": "Area the plan covers.",
    "plans.start_year": "First year of the plan period (e.g. 2021); empty if not stated.",
    "plans.end_year": "Last year of the plan period (e.g. 2025).",
    "targets.plan_id": "Id of the plan (Plans sheet, or already in the database).",
    "targets.name": "What the target measures, in a few words.",
    "targets.indicator": "Id of the series whose observations measure this target.",
    "targets.kind": "level (a value reached by the deadline), cumulative (a total added "
    "over the plan period), multiple (of a baseline), share (of a total, in percent) or "
    "milestone (a dated deliverable, usually without a number).",
    "targets.comparator": "at_least, more_than, about (within a tolerance), at_most or range "
    "(low-high). Empty only for a milestone without a number.",
    "targets.value": "The target value in full units (500000000000, or text such as "
    "'500 billion', '5000亿'). Percent as a fraction (0.667) or '66.7%'.",
    "targets.low": "Lower end of a range target (comparator range).",
    "targets.high": "Upper end of a range target (comparator range).",
    "targets.tolerance": "Band of an 'about' target as a fraction (0.05 = 5%); empty for "
    "the configured default.",
    "targets.multiple": "For multiple targets: how many times the baseline (2 = double). "
    "The value may be left empty: it is multiple x baseline_value.",
    "targets.unit": "Unit of value, low, high and baseline_value: an ISO currency code, "
    "percent, a physical unit (GWh...) or a count unit (projects, enterprises...).",
    "targets.deadline": "A year (2025: by the end of 2025) or a date (YYYY-MM-DD).",
    "targets.baseline_value": "Value at the baseline period, in full units.",
    "targets.baseline_period": "Period of the baseline value (2020, 2024-Q2, 2024-06...).",
    "targets.baseline_qualifier": "How exactly the document states the baseline: exact, "
    "approx, lower_bound (more than) or upper_bound (nearly).",
    "targets.published_usd": "The dollar amount the document printed beside a yuan "
    "target, kept as published (only for CNY targets).",
    "observations.indicator": "Id of the series this figure belongs to (the targets' indicator).",
    "observations.target_id": "Id of the target this figure measures; may be empty for an "
    "indicator without a target.",
    "observations.period": "Reference period: 2023, 2024-Q2, 2024-06, 2022-YTD06 (year to "
    "date through June) or 2019/2021 (span).",
    "observations.value": "The reported value in full units ('433.3 billion' is accepted).",
    "observations.growth_yoy": "Year-on-year growth as a fraction (0.225) or '22.5%'.",
    "observations.unit": "Unit of value (same codes as targets).",
    "observations.qualifier": "How exactly the document states the value: exact, approx, "
    "lower_bound or upper_bound.",
    "observations.cumulative": "TRUE if value is a running total since the plan started.",
    "observations.published": "Publication date of this figure: its vintage (a date cell or "
    "YYYY-MM-DD). A later row for the same indicator and period is a revision.",
    "observations.derived": "TRUE if the figure was computed rather than published.",
    "observations.derivation": "How a derived figure was computed (required when derived).",
    "rates.source": "Name of the rate table (PBOC, ECB, your own...).",
    "rates.base": "ISO code of the base currency.",
    "rates.quote": "ISO code of the quote currency.",
    "rates.date": "Date of the rate (a date cell or YYYY-MM-DD).",
    "rates.rate": "Units of quote currency per one unit of base currency.",
}


def column_letter(index: int) -> str:
    """Zero-based column index to its letters: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: ColumnKind
    required: bool  # the model has no default for it
    optional: bool  # the model accepts None (an empty cell stays empty)
    choices: tuple[str, ...]  # for choice, unit and currency columns
    description: str
    default_text: str | None  # text fields with a default: what an empty cell means
    default: Any = None  # what an empty cell means (None for required columns: an error)

    @property
    def number_like(self) -> bool:
        return self.kind in (ColumnKind.NUMBER, ColumnKind.INTEGER)


@dataclass(frozen=True, slots=True)
class SheetLayout:
    collection: str
    sheet: str
    columns: tuple[Column, ...]

    @property
    def csv_name(self) -> str:
        return f"{self.collection}.csv"

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _unwrap_optional(annotation: typing.Any) -> tuple[typing.Any, bool]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _has_id_pattern(annotation: typing.Any, info: FieldInfo) -> bool:
    metadata = list(info.metadata)
    if typing.get_origin(annotation) is typing.Annotated:
        metadata += list(typing.get_args(annotation)[1:])
    for item in metadata:
        if getattr(item, "pattern", None) == ID_PATTERN:
            return True
        nested = getattr(item, "metadata", None)
        if nested and any(getattr(m, "pattern", None) == ID_PATTERN for m in nested):
            return True
    return False


def _column_kind(name: str, info: FieldInfo) -> tuple[ColumnKind, bool, tuple[str, ...]]:
    annotation, optional = _unwrap_optional(info.annotation)
    base = annotation
    if typing.get_origin(base) is typing.Annotated:
        base = typing.get_args(base)[0]
    if _has_id_pattern(annotation, info):
        return ColumnKind.ID, optional, ()
    if isinstance(base, type) and issubclass(base, Enum):
        return ColumnKind.CHOICE, optional, tuple(str(m.value) for m in base)
    if base is bool:
        return ColumnKind.BOOLEAN, optional, ("TRUE", "FALSE")
    if base is int:
        return ColumnKind.INTEGER, optional, ()
    if base is float:
        return ColumnKind.NUMBER, optional, ()
    if base is date:
        return ColumnKind.DATE, optional, ()
    if base is str:
        kind = _TEXT_KINDS.get(name, ColumnKind.TEXT)
        if kind is ColumnKind.UNIT:
            return kind, optional, unit_choices()
        if kind is ColumnKind.CURRENCY:
            return kind, optional, tuple(sorted(CURRENCIES))
        return kind, optional, ()
    raise TypeError(f"field {name!r} has a type the data workbook cannot hold: {base!r}")


def describe_field(collection: str, name: str) -> str:
    text = DESCRIPTIONS.get(f"{collection}.{name}") or DESCRIPTIONS.get(f"*.{name}")
    if text is None:
        raise KeyError(
            f"no description for {collection}.{name}: add it to xlreport.io.layout.DESCRIPTIONS"
        )
    return text


@cache
def unit_choices() -> tuple[str, ...]:
    """Every accepted unit code, grouped: currencies, percent, physical, counts."""
    return (
        *sorted(CURRENCIES),
        "percent",
        *sorted(PHYSICAL_UNITS, key=str.lower),
        *sorted(COUNT_UNITS),
    )


@cache
def layout_for(collection: str) -> SheetLayout:
    model = ENTITY_MODELS[collection]
    names = list(model.model_fields)
    ordered = ["id", *[n for n in names if n not in ("id", "note")], "note"]
    columns = []
    for name in ordered:
        info = model.model_fields[name]
        kind, optional, choices = _column_kind(name, info)
        default = info.get_default() if not info.is_required() else None
        default_text = default if isinstance(default, str) and kind is ColumnKind.TEXT else None
        columns.append(
            Column(
                name=name,
                kind=kind,
                required=info.is_required(),
                optional=optional,
                choices=choices,
                description=describe_field(collection, name),
                default_text=default_text,
                default=default,
            )
        )
    return SheetLayout(collection, SHEETS[collection], tuple(columns))


def sheet_layouts() -> list[SheetLayout]:
    """All sheets, in dependency order (sources first)."""
    return [layout_for(name) for name in ENTITY_MODELS]
