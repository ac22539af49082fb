"""The domain model: sources, plans, targets, observations and rates. No IO here.

Models are pydantic v2, strict, frozen, and reject unknown fields. Amounts are in full
units (``433.3e9`` yuan); shares and growth rates are fractions (``0.225``, not ``22.5``).
Numeric fields also accept a string with a scale (``"433.3 billion"``, ``"4333亿"``,
``"2/3"``, ``"22.5%"``), parsed exactly by :func:`xlreport.quantity.parse_quantity`.

:class:`Dataset` bundles the five kinds and checks what single records cannot: unique
ids and references that resolve. Its errors list every problem with its location.
"""

from __future__ import annotations

import math
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from xlreport.errors import DataError, Problem, ValidationFailed
from xlreport.period import Period, check_day, parse_deadline
from xlreport.quantity import CURRENCIES, UnitKind, parse_quantity, unit_kind

__all__ = [
    "ENTITY_MODELS",
    "MAX_TEXT",
    "Certainty",
    "Comparator",
    "Dataset",
    "Observation",
    "Plan",
    "Precision",
    "Qualifier",
    "Rate",
    "Source",
    "Target",
    "TargetKind",
]

#: The most characters a text field holds: what one Excel cell holds. Import from a file
#: refuses longer text (with its cell) and export to .xlsx refuses to cut it, so no round
#: trip loses text silently. (Stored records are not re-checked: an older database with
#: longer text stays readable, and exports to CSV in full.)
MAX_TEXT = 32_767

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,79}$"
ID_HELP = "ids are lower-case letters, digits, '.', '_' or '-', starting with a letter or digit"


def _to_quantity(value: Any) -> Any:
    """Accept scaled text for numeric fields; leave other types to strict validation."""
    if type(value) is float:  # the common case, answered first (an import has 100k rows)
        return value
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        try:
            return parse_quantity(text)
        except DataError as exc:
            raise ValueError(str(exc)) from exc
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


_Day = date  # for annotations inside Rate, whose field ``date`` hides the type


def _in_range(value: date | None) -> date | None:
    """Dates lie in 1900-01-01..2200-12-31, as the data workbook's validation says."""
    if value is not None:
        try:
            check_day(value)
        except DataError as exc:
            raise ValueError(str(exc)) from exc
    return value


def _finite(value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


@lru_cache(maxsize=8192)  # an import repeats a few hundred periods over 100k rows
def _period_text(text: str) -> str:
    """The canonical text of a period (raises DataError, which is never cached)."""
    return str(Period.parse(text))


Quantity = Annotated[float, BeforeValidator(_to_quantity)]
OptQuantity = Annotated[float | None, BeforeValidator(_to_quantity)]
Id = Annotated[str, Field(pattern=ID_PATTERN)]
Lax = Field(strict=False)  # enums accept their text value ("level") as well as members


class TargetKind(StrEnum):
    LEVEL = "level"  # a value reached by the deadline
    CUMULATIVE = "cumulative"  # a count or sum accumulated over the plan period
    MULTIPLE = "multiple"  # a multiple of a baseline ("more than double")
    SHARE = "share"  # a share of a total ("at least two-thirds")
    MILESTONE = "milestone"  # a dated deliverable without a number


class Comparator(StrEnum):
    AT_LEAST = "at_least"  # "at least", "reach", "hit"
    MORE_THAN = "more_than"  # "more than", "exceed", "top"
    ABOUT = "about"  # within a tolerance band
    AT_MOST = "at_most"
    RANGE = "range"  # low-high: met at low, fully met at high


class Qualifier(StrEnum):
    """How exactly a document states a number."""

    EXACT = "exact"
    APPROX = "approx"  # "about", "around"
    LOWER_BOUND = "lower_bound"  # "exceed", "more than"
    UPPER_BOUND = "upper_bound"  # "nearly", "approaching"


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    UNKNOWN = "unknown"


class Certainty(StrEnum):
    STATED = "stated"  # printed in the document
    INFERRED = "inferred"  # worked out from the document's own text
    UNKNOWN = "unknown"  # the document does not say


class _Entity(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    id: Id
    note: str = ""


class Source(_Entity):
    """A document facts come from."""

    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    published: date | None = None
    published_precision: Precision = Field(default=Precision.DAY, strict=False)
    published_certainty: Certainty = Field(default=Certainty.STATED, strict=False)
    published_basis: str = ""  # how the date was determined, when not stated
    attributed_to: str = ""  # the authority the document cites for its figures
    file: str = ""  # file name of the stored copy (seeds/...)
    url: str = ""
    language: str = "en"

    @field_validator("published")
    @classmethod
    def _published(cls, v: date | None) -> date | None:
        return _in_range(v)

    @model_validator(mode="after")
    def _date_consistency(self) -> Self:
        if self.published is None and self.published_precision is not Precision.UNKNOWN:
            raise ValueError("published is empty: set published_precision to 'unknown'")
        if self.published is not None and self.published_precision is Precision.UNKNOWN:
            raise ValueError("published_precision is 'unknown' but a date is given")
        return self

    @property
    def vintage(self) -> date | None:
        """The date from which the document's facts are certainly public.

        A date known only to the month or year counts from the end of that month or
        year, so that a report "as of" an earlier day never uses them.
        """
        if self.published is None:
            return None
        if self.published_precision is Precision.YEAR:
            return date(self.published.year, 12, 31)
        if self.published_precision is Precision.MONTH:
            return Period.parse(f"{self.published:%Y-%m}").end
        return self.published


class Plan(_Entity):
    """A government plan or programme with targets."""

    name: str = Field(min_length=1)
    issuer: str = Field(min_length=1)
    region: str = ""
    start_year: int | None = Field(default=None, ge=1900, le=2200)  # None: not stated
    end_year: int = Field(ge=1900, le=2200)
    source_id: Id

    @model_validator(mode="after")
    def _years(self) -> Self:
        if self.start_year is not None and self.end_year < self.start_year:
            raise ValueError(f"end_year {self.end_year} is before start_year {self.start_year}")
        return self


class Target(_Entity):
    """One target of a plan."""

    plan_id: Id
    name: str = Field(min_length=1)
    indicator: Id  # the series its actuals are recorded under
    kind: TargetKind = Lax
    comparator: Comparator | None = Field(
        default=None, strict=False
    )  # None only for milestones without a number
    value: OptQuantity = None  # the target value T in full units
    low: OptQuantity = None  # range targets
    high: OptQuantity = None
    tolerance: OptQuantity = None  # 'about' targets; None means the configured default
    multiple: OptQuantity = None  # multiple targets: T = multiple * baseline_value
    unit: str | None = None  # None only for milestones without a number
    deadline: str  # "2025" (end of that year) or "2024-12-31"
    baseline_value: OptQuantity = None
    baseline_period: str | None = None
    baseline_qualifier: Qualifier = Field(default=Qualifier.EXACT, strict=False)
    published_usd: OptQuantity = None  # the dollar amount the document printed beside T
    source_id: Id

    @field_validator("unit")
    @classmethod
    def _unit(cls, v: str | None) -> str | None:
        if v is None:
            return v
        try:
            unit_kind(v)
        except DataError as exc:
            raise ValueError(str(exc)) from exc
        return v

    @field_validator("deadline")
    @classmethod
    def _deadline(cls, v: str) -> str:
        try:
            parse_deadline(v)
        except DataError as exc:
            raise ValueError(str(exc)) from exc
        return v

    @field_validator("baseline_period")
    @classmethod
    def _baseline_period(cls, v: str | None) -> str | None:
        if v is None:
            return v
        try:
            return str(Period.parse(v))
        except DataError as exc:
            raise ValueError(str(exc)) from exc

    @field_validator(
        "value", "low", "high", "tolerance", "multiple", "baseline_value", "published_usd"
    )
    @classmethod
    def _finite_numbers(cls, v: float | None) -> float | None:
        return _finite(v)

    @model_validator(mode="before")
    @classmethod
    def _fill_multiple(cls, data: Any) -> Any:
        # "more than double" is stored as multiple=2 and the value it implies, 2 * B.
        if isinstance(data, dict) and data.get("kind") == TargetKind.MULTIPLE.value:
            mult = _to_quantity(data.get("multiple"))
            base = _to_quantity(data.get("baseline_value"))
            if (
                data.get("value") in (None, "")
                and isinstance(mult, float)
                and isinstance(base, float)
            ):
                data = {**data, "value": mult * base}
        return data

    @model_validator(mode="after")
    def _consistency(self) -> Self:
        problems: list[str] = []
        k, c = self.kind, self.comparator
        if k is TargetKind.MILESTONE:
            if c is not None and self.value is None:
                problems.append("a milestone without a value takes no comparator")
        else:
            if c is None:
                problems.append(f"a {k.value} target needs a comparator")
            if c is Comparator.RANGE:
                if self.low is None or self.high is None:
                    problems.append("a range target needs low and high")
                elif self.low >= self.high:
                    problems.append(f"low {self.low} must be below high {self.high}")
            elif self.value is None:
                problems.append(f"a {k.value} target needs a value")
        if c is not Comparator.RANGE and (self.low is not None or self.high is not None):
            problems.append("low and high are only for range targets")
        if self.tolerance is not None and c is not Comparator.ABOUT:
            problems.append("tolerance is only for 'about' targets")
        if self.tolerance is not None and not 0 <= self.tolerance < 1:
            problems.append("tolerance is a fraction between 0 and 1 (0.05 = 5%)")
        if k is TargetKind.MULTIPLE:
            if self.multiple is None or self.baseline_value is None:
                problems.append("a multiple target needs multiple and baseline_value")
            elif self.value is not None and not math.isclose(
                self.value, self.multiple * self.baseline_value, rel_tol=1e-12
            ):
                problems.append(
                    f"value {self.value} differs from multiple x baseline "
                    f"{self.multiple * self.baseline_value}"
                )
        elif self.multiple is not None:
            problems.append("multiple is only for multiple targets")
        if self.unit is None and (k is not TargetKind.MILESTONE or self.value is not None):
            problems.append("a target with a value needs a unit")
        if k is TargetKind.SHARE and (
            self.unit is None or unit_kind(self.unit) is not UnitKind.PERCENT
        ):
            problems.append("a share target is in 'percent' (stored as a fraction)")
        if (self.baseline_value is None) != (self.baseline_period is None):
            problems.append("baseline_value and baseline_period go together")
        if self.published_usd is not None and self.unit != "CNY":
            problems.append("published_usd is the dollar amount printed beside a yuan amount")
        if self.baseline_period is not None and self.baseline_period_time >= self.deadline_time:
            problems.append("the baseline period must end before the deadline")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def deadline_date(self) -> date:
        return parse_deadline(self.deadline)

    @property
    def deadline_time(self) -> float:
        from xlreport.period import date_time

        return date_time(self.deadline_date)

    @property
    def baseline_period_time(self) -> float:
        assert self.baseline_period is not None
        return Period.parse(self.baseline_period).time


class Observation(_Entity):
    """A reported actual of an indicator (and so of the targets that track it)."""

    indicator: Id
    target_id: Id | None = None
    period: str
    value: OptQuantity = None
    growth_yoy: OptQuantity = None  # year-on-year growth as a fraction (0.225)
    unit: str
    qualifier: Qualifier = Field(default=Qualifier.EXACT, strict=False)
    cumulative: bool = False  # value is a running total since the plan started
    source_id: Id
    published: date  # the vintage: when this figure became known
    derived: bool = False
    derivation: str = ""  # how a derived value was computed

    @field_validator("period")
    @classmethod
    def _period(cls, v: str) -> str:
        try:
            return _period_text(v)
        except DataError as exc:
            raise ValueError(str(exc)) from exc

    @field_validator("unit")
    @classmethod
    def _unit(cls, v: str) -> str:
        try:
            unit_kind(v)
        except DataError as exc:
            raise ValueError(str(exc)) from exc
        return v

    @field_validator("value", "growth_yoy")
    @classmethod
    def _finite_numbers(cls, v: float | None) -> float | None:
        return _finite(v)

    @field_validator("published")
    @classmethod
    def _published(cls, v: date) -> date:
        _in_range(v)
        return v

    @model_validator(mode="after")
    def _consistency(self) -> Self:
        if self.value is None and self.growth_yoy is None:
            raise ValueError("an observation needs a value, a growth_yoy, or both")
        if self.growth_yoy is not None and self.growth_yoy <= -1:
            raise ValueError("growth_yoy is a fraction above -1 (0.225 = +22.5%)")
        if self.derived and not self.derivation:
            raise ValueError("a derived observation says how it was derived (derivation)")
        if not self.derived and self.derivation:
            raise ValueError("derivation is only for derived observations (set derived)")
        return self

    @property
    def period_obj(self) -> Period:
        return Period.parse(self.period)


class Rate(_Entity):
    """An exchange rate from a user's rate table: ``rate`` units of quote per one base."""

    source: str = Field(min_length=1, max_length=40)  # e.g. "PBOC", "ECB"
    base: str
    quote: str
    date: date
    rate: Quantity

    @field_validator("base", "quote")
    @classmethod
    def _currency(cls, v: str) -> str:
        if v not in CURRENCIES:
            raise ValueError(f"unknown currency {v!r}: use an ISO code such as CNY, USD, EUR")
        return v

    @field_validator("date")
    @classmethod
    def _date(cls, v: _Day) -> _Day:
        _in_range(v)
        return v

    @field_validator("rate")
    @classmethod
    def _positive(cls, v: float) -> float:
        if not (math.isfinite(v) and v > 0):
            raise ValueError("a rate is a positive number")
        return v

    @model_validator(mode="after")
    def _pair(self) -> Self:
        if self.base == self.quote:
            raise ValueError("base and quote must differ")
        return self


#: The entity kinds in dependency order, with their collection name.
ENTITY_MODELS: dict[str, type[_Entity]] = {
    "sources": Source,
    "plans": Plan,
    "targets": Target,
    "observations": Observation,
    "rates": Rate,
}


class Dataset(BaseModel):
    """A whole body of plan data, checked for unique ids and resolvable references."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    sources: tuple[Source, ...] = ()
    plans: tuple[Plan, ...] = ()
    targets: tuple[Target, ...] = ()
    observations: tuple[Observation, ...] = ()
    rates: tuple[Rate, ...] = ()

    @model_validator(mode="after")
    def _references(self) -> Self:
        problems = check_references(self)
        if problems:
            raise ValueError("\n".join(str(p) for p in problems))
        return self

    @classmethod
    def build(cls, **collections: Any) -> Dataset:
        """Validate raw records; raise :class:`ValidationFailed` listing every problem."""
        try:
            return cls.model_validate(collections)
        except ValidationError as exc:
            raise ValidationFailed(problems_from_validation(exc)) from None


def check_references(ds: Dataset) -> list[Problem]:
    problems: list[Problem] = []
    ids: dict[str, set[str]] = {}
    for name in ENTITY_MODELS:
        seen: set[str] = set()
        for i, item in enumerate(getattr(ds, name)):
            if item.id in seen:
                problems.append(Problem(f"{name}[{i}]", f"duplicate id {item.id!r}"))
            seen.add(item.id)
        ids[name] = seen
    targets = {t.id: t for t in ds.targets}

    def need(kind: str, ref: str | None, where: str, field: str) -> None:
        if ref is not None and ref not in ids[kind]:
            problems.append(Problem(where, f"{field} {ref!r} is not a known {kind[:-1]} id"))

    for p in ds.plans:
        need("sources", p.source_id, f"plan {p.id}", "source_id")
    for t in ds.targets:
        need("plans", t.plan_id, f"target {t.id}", "plan_id")
        need("sources", t.source_id, f"target {t.id}", "source_id")
    for o in ds.observations:
        need("sources", o.source_id, f"observation {o.id}", "source_id")
        need("targets", o.target_id, f"observation {o.id}", "target_id")
        target = targets.get(o.target_id or "")
        if target is not None and target.indicator != o.indicator:
            problems.append(
                Problem(
                    f"observation {o.id}",
                    f"indicator {o.indicator!r} differs from its target's {target.indicator!r}",
                )
            )
    return problems


def problems_from_validation(exc: ValidationError, prefix: str = "") -> list[Problem]:
    """Turn a pydantic error into located, readable problems."""
    out: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-"))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field: remove it or check its spelling"
        out.append(Problem(f"{prefix}{loc}", msg))
    return out
