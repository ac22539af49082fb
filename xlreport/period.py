"""Reference periods, deadlines and the time axis used by progress measures.

Period strings (the stored form):

=============  ===========================  ==========================
form           meaning                      example
=============  ===========================  ==========================
``YYYY``       calendar year                ``2023``
``YYYY-Qn``    quarter                      ``2024-Q2``
``YYYY-MM``    month                        ``2024-06``
``YYYY-YTDMM`` year to date through MM      ``2022-YTD06`` (first half)
``YYYY/YYYY``  span of years (averages)     ``2019/2021``
=============  ===========================  ==========================

The time axis counts years so that a period sits at its *end*: the year 2023 is at
``2023.0``, June 2024 (or January-June 2024) at ``2023.5``, the date 2025-12-31 at
``2025.0``. Hence 2020 to 2025 is five years, as in the plans' own arithmetic, and a
deadline "by 2025" is ``2025.0``. Dates count in twelfths of a year by month plus the
fraction of the month, so a month's last day equals that month's position exactly.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

from xlreport.errors import DataError

__all__ = ["Month", "Period", "PeriodKind", "date_time", "deadline_time", "parse_deadline"]


class PeriodKind(StrEnum):
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"
    YTD = "ytd"
    SPAN = "span"


_PATTERNS: list[tuple[PeriodKind, re.Pattern[str]]] = [
    (PeriodKind.YEAR, re.compile(r"^(\d{4})$")),
    (PeriodKind.QUARTER, re.compile(r"^(\d{4})-Q([1-4])$")),
    (PeriodKind.MONTH, re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")),
    (PeriodKind.YTD, re.compile(r"^(\d{4})-YTD(0[1-9]|1[0-2])$")),
    (PeriodKind.SPAN, re.compile(r"^(\d{4})/(\d{4})$")),
]

PERIOD_HELP = "write 2023, 2024-Q2, 2024-06, 2022-YTD06 (year to date through June) or 2019/2021"


def _end_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def date_time(d: date) -> float:
    """Position of a date on the time axis (see module docstring)."""
    days = calendar.monthrange(d.year, d.month)[1]
    return d.year - 1 + (d.month - 1 + d.day / days) / 12


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """A parsed reference period."""

    kind: PeriodKind
    year: int
    sub: int = 0  # quarter, month, or last year of a span

    @classmethod
    @lru_cache(maxsize=8192)  # results are immutable; an import parses 100k periods
    def parse(cls, text: str) -> Period:
        text = str(text).strip()
        for kind, pattern in _PATTERNS:
            m = pattern.match(text)
            if m:
                year = int(m.group(1))
                sub = int(m.group(2)) if m.lastindex and m.lastindex > 1 else 0
                if kind is PeriodKind.SPAN and sub <= year:
                    raise DataError(f"period {text!r}: a span must end after it starts")
                if not 1900 <= year <= 2200:
                    raise DataError(f"period {text!r}: year {year} is out of range")
                return cls(kind, year, sub)
        raise DataError(f"{text!r} is not a period: {PERIOD_HELP}")

    def __str__(self) -> str:
        match self.kind:
            case PeriodKind.YEAR:
                return f"{self.year}"
            case PeriodKind.QUARTER:
                return f"{self.year}-Q{self.sub}"
            case PeriodKind.MONTH:
                return f"{self.year}-{self.sub:02d}"
            case PeriodKind.YTD:
                return f"{self.year}-YTD{self.sub:02d}"
            case PeriodKind.SPAN:
                return f"{self.year}/{self.sub}"

    @property
    def start(self) -> date:
        match self.kind:
            case PeriodKind.QUARTER:
                return date(self.year, 3 * self.sub - 2, 1)
            case PeriodKind.MONTH:
                return date(self.year, self.sub, 1)
            case _:
                return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        match self.kind:
            case PeriodKind.YEAR:
                return date(self.year, 12, 31)
            case PeriodKind.QUARTER:
                return _end_of_month(self.year, 3 * self.sub)
            case PeriodKind.MONTH | PeriodKind.YTD:
                return _end_of_month(self.year, self.sub)
            case PeriodKind.SPAN:
                return date(self.sub, 12, 31)

    @property
    def time(self) -> float:
        """Position of the period's end on the time axis."""
        match self.kind:
            case PeriodKind.YEAR:
                return float(self.year)
            case PeriodKind.QUARTER:
                return self.year - 1 + self.sub * 3 / 12
            case PeriodKind.MONTH | PeriodKind.YTD:
                return self.year - 1 + self.sub / 12
            case PeriodKind.SPAN:
                return float(self.sub)

    @property
    def months(self) -> int:
        """Number of months the period covers."""
        match self.kind:
            case PeriodKind.YEAR:
                return 12
            case PeriodKind.QUARTER:
                return 3
            case PeriodKind.MONTH:
                return 1
            case PeriodKind.YTD:
                return self.sub
            case PeriodKind.SPAN:
                return 12 * (self.sub - self.year + 1)


_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

#: Years a report month may have: the range the data template allows for dates.
MONTH_YEARS = (1900, 2200)


@dataclass(frozen=True, slots=True, order=True)
class Month:
    """A calendar month, the unit of reports and schedules: ``Month.parse("2024-05")``.

    The one parser of month texts (``--month``, schedule ``start``, run history), so every
    part words a bad month the same way.
    """

    year: int
    month: int

    def __post_init__(self) -> None:
        lo, hi = MONTH_YEARS
        if not (lo <= self.year <= hi and 1 <= self.month <= 12):
            raise DataError(
                f"month {self.year:04d}-{self.month:02d} is out of range: write YYYY-MM with "
                f"a year from {lo} to {hi}, e.g. 2024-05"
            )

    @classmethod
    def parse(cls, text: str | Month, *, what: str = "month") -> Month:
        """``"2024-05"`` -> ``Month(2024, 5)``; DataError saying the form expected."""
        if isinstance(text, Month):
            return text
        m = _MONTH.match(str(text).strip())
        if not m:
            raise DataError(f"{what} {str(text)[:40]!r} is not of the form YYYY-MM (e.g. 2024-05)")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, day: date) -> Month:
        """The month containing ``day``."""
        return cls(day.year, day.month)

    @classmethod
    def last_complete(cls, today: date) -> Month:
        """The month before ``today``'s: ``2024-06-03`` -> ``2024-05``."""
        return cls.of(today).previous()

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return _end_of_month(self.year, self.month)

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def until(self, last: Month) -> list[Month]:
        """This month and every month after it up to ``last`` (empty when ``last`` is
        earlier)."""
        out: list[Month] = []
        cur = self
        while cur <= last:
            out.append(cur)
            cur = cur.next()
        return out


_DEADLINE = re.compile(r"^(\d{4})(?:-(\d{2})-(\d{2}))?$")


def parse_deadline(text: str) -> date:
    """A deadline is a year (``2025``: by the end of 2025) or a date (``2024-12-31``)."""
    m = _DEADLINE.match(str(text).strip())
    if not m:
        raise DataError(f"{text!r} is not a deadline: write a year (2025) or a date (2024-12-31)")
    if m.group(2) is None:
        return date(int(m.group(1)), 12, 31)
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        raise DataError(f"{text!r} is not a valid date: {exc}") from exc


def deadline_time(text: str) -> float:
    return date_time(parse_deadline(text))
