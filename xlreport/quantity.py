"""Units and scaled quantities: what a value means and how it is written.

Values are stored in full units (433.3 billion yuan is ``433_300_000_000.0``). Input may
carry a scale word or symbol; parsing goes through :class:`decimal.Decimal` so that
``"433.3 billion"`` becomes exactly ``433300000000.0`` rather than a float product.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction

from xlreport.errors import DataError, shown

__all__ = [
    "COUNT_UNITS",
    "CURRENCIES",
    "MAX_DIGITS",
    "MAX_EXPONENT",
    "PHYSICAL_UNITS",
    "SCALES",
    "QuantityOutOfRange",
    "UnitKind",
    "describe_units",
    "parse_quantity",
    "unit_kind",
]

#: Scale words and symbols accepted on input, with their factor.
SCALES: dict[str, Decimal] = {
    "thousand": Decimal(10) ** 3,
    "k": Decimal(10) ** 3,
    "million": Decimal(10) ** 6,
    "mn": Decimal(10) ** 6,
    "m": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9,
    "bn": Decimal(10) ** 9,
    "b": Decimal(10) ** 9,
    "trillion": Decimal(10) ** 12,
    "tn": Decimal(10) ** 12,
    "万": Decimal(10) ** 4,
    "亿": Decimal(10) ** 8,
    "万亿": Decimal(10) ** 12,
}

#: ISO 4217 codes accepted for currency amounts. The ECB's reference currencies plus the
#: other codes that appear around Chinese plan documents; extend when a user needs more.
CURRENCIES: frozenset[str] = frozenset(
    [
        "AUD",
        "BGN",
        "BRL",
        "CAD",
        "CHF",
        "CNY",
        "CYP",
        "CZK",
        "DKK",
        "EEK",
        "EUR",
        "GBP",
        "HKD",
        "HRK",
        "HUF",
        "IDR",
        "ILS",
        "INR",
        "ISK",
        "JPY",
        "KRW",
        "LTL",
        "LVL",
        "MTL",
        "MXN",
        "MYR",
        "NOK",
        "NZD",
        "PHP",
        "PLN",
        "ROL",
        "RON",
        "RUB",
        "SEK",
        "SGD",
        "SIT",
        "SKK",
        "THB",
        "TRL",
        "TRY",
        "USD",
        "ZAR",
        "MOP",
        "TWD",
        "VND",
        "AED",
        "SAR",
    ]
)

#: Physical units (not money, not counts).
PHYSICAL_UNITS: frozenset[str] = frozenset(
    {"kWh", "MWh", "GWh", "TWh", "kW", "MW", "GW", "t", "kt", "Mt", "km", "m2", "km2"}
)

#: Named count units: "100 projects", "1,000 enterprises", "1.2 million vehicles".
COUNT_UNITS: frozenset[str] = frozenset(
    {
        "areas",
        "centers",
        "clusters",
        "colleges",
        "components",
        "enterprises",
        "items",
        "platforms",
        "products",
        "projects",
        "standards",
        "stations",
        "vehicles",
        "zones",
        "people",
    }
)


class UnitKind(StrEnum):
    CURRENCY = "currency"
    COUNT = "count"
    PERCENT = "percent"
    PHYSICAL = "physical"


def unit_kind(unit: str) -> UnitKind:
    """The kind of a unit code; raises :class:`DataError` saying what is accepted."""
    if unit in CURRENCIES:
        return UnitKind.CURRENCY
    if unit == "percent":
        return UnitKind.PERCENT
    if unit in PHYSICAL_UNITS:
        return UnitKind.PHYSICAL
    if unit in COUNT_UNITS:
        return UnitKind.COUNT
    raise DataError(f"unknown unit {shown(unit)}: {describe_units()}")


def describe_units() -> str:
    return (
        "use an ISO currency code (CNY, USD, EUR...), 'percent' (stored as a fraction, "
        f"0.5 = 50%), a physical unit ({', '.join(sorted(PHYSICAL_UNITS))}) or a count "
        f"unit ({', '.join(sorted(COUNT_UNITS))})"
    )


_NUMBER = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?"
_QUANTITY = re.compile(
    rf"^\s*(?P<num>{_NUMBER})\s*(?:/\s*(?P<den>\d+))?\s*(?P<scale>[A-Za-z万亿%]*)\s*$"
)


#: The largest decimal exponent a written number may carry. A float reaches about 1.8e308
#: and underflows to zero below about 5e-324; a bound a little beyond both keeps every
#: intermediate (``Fraction``, ``Decimal``) small, however many digits the exponent has.
MAX_EXPONENT = 400
#: The most digits a written number (or a fraction's denominator) may have. Excel keeps
#: 15 significant digits; 100 leaves room for zeros and still bounds the work.
MAX_DIGITS = 100


class QuantityOutOfRange(DataError):
    """A number beyond a float's range, or written with too many digits."""


_RANGE_HELP = "numbers must lie between -1.8e308 and 1.8e308 (a float's range)"


def _finite_float(value: float, text: object) -> float:
    if not math.isfinite(value):
        raise QuantityOutOfRange(f"{_short(text)} is out of range: {_RANGE_HELP}")
    return value


def _short(text: object) -> str:
    """The offending text, escaped and cut short, for a message."""
    return shown(text) if isinstance(text, str) else repr(text)[:60]


def parse_quantity(text: str | int | float) -> float:
    """Parse a number with an optional scale into full units.

    The parser is bounded: at most :data:`MAX_DIGITS` digits and exponents within
    ±:data:`MAX_EXPONENT`, so no input (``1e99999999/7``) builds a huge integer; a result
    beyond a float's range is refused, never turned into ``inf``.

    >>> parse_quantity("433.3 billion")
    433300000000.0
    >>> parse_quantity("4333亿")
    433300000000.0
    >>> parse_quantity("2/3")
    0.6666666666666666
    >>> parse_quantity("22.5%")
    0.225
    """
    if isinstance(text, bool):
        raise DataError(f"{text!r} is not a number")
    if isinstance(text, int):
        try:
            return _finite_float(float(text), text)
        except OverflowError:
            raise QuantityOutOfRange(f"{_short(text)} is out of range: {_RANGE_HELP}") from None
    if isinstance(text, float):
        return _finite_float(text, text)
    match = _QUANTITY.match(text)
    if match is None:
        raise DataError(
            f"{_short(text)} is not a number: write digits with an optional scale, "
            "e.g. '433.3 billion', '4333亿', '238,600', '2/3' or '22.5%'"
        )
    num_text = match["num"].replace(",", "")
    mantissa, _, exponent = num_text.lower().partition("e")
    digits = sum(ch.isdigit() for ch in mantissa)
    if digits > MAX_DIGITS or len(exponent) > 8 or len(match["den"] or "") > MAX_DIGITS:
        raise QuantityOutOfRange(
            f"{_short(text)} has too many digits: write at most {MAX_DIGITS} digits "
            "and an exponent of at most 400"
        )
    try:
        number = Decimal(num_text)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
        raise DataError(f"{_short(text)} is not a number") from exc
    if number and not -MAX_EXPONENT <= number.adjusted() <= MAX_EXPONENT:
        raise QuantityOutOfRange(f"{_short(text)} is out of range: {_RANGE_HELP}")
    scale_word = match["scale"]
    if match["den"] is not None:
        if scale_word:
            raise DataError(f"{_short(text)}: a fraction cannot carry a scale")
        den = int(match["den"])
        if den == 0:
            raise DataError(f"{_short(text)}: division by zero")
        try:
            return _finite_float(float(Fraction(number) / den), text)
        except OverflowError:
            raise QuantityOutOfRange(f"{_short(text)} is out of range: {_RANGE_HELP}") from None
    if scale_word == "%":
        return _finite_float(float(number / 100), text)
    if scale_word:
        factor = SCALES.get(scale_word.lower()) or SCALES.get(scale_word)
        if factor is None:
            known = ", ".join(sorted(SCALES))
            raise DataError(
                f"{_short(text)}: unknown scale {_short(scale_word)}; use one of {known}"
            )
        number *= factor
    return _finite_float(float(number), text)
