"""Units and scaled quantities: what a value means and how it is written.

Values are stored in full units (433.3 billion yuan is ``433_300_000_000.0``). Input may
carry a scale word or symbol; parsing goes through :class:`decimal.Decimal` so that
``"433.3 billion"`` becomes exactly ``433300000000.0`` rather than a float product.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction

from xlreport.errors import DataError

__all__ = [
    "COUNT_UNITS",
    "CURRENCIES",
    "PHYSICAL_UNITS",
    "SCALES",
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
    raise DataError(f"unknown unit {unit!r}: {describe_units()}")


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


def parse_quantity(text: str | int | float) -> float:
    """Parse a number with an optional scale into full units.

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
    if isinstance(text, int | float):
        return float(text)
    match = _QUANTITY.match(text)
    if match is None:
        raise DataError(
            f"{text!r} is not a number: write digits with an optional scale, "
            "e.g. '433.3 billion', '4333亿', '238,600', '2/3' or '22.5%'"
        )
    try:
        number = Decimal(match["num"].replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
        raise DataError(f"{text!r} is not a number") from exc
    scale_word = match["scale"]
    if match["den"] is not None:
        if scale_word:
            raise DataError(f"{text!r}: a fraction cannot carry a scale")
        den = int(match["den"])
        if den == 0:
            raise DataError(f"{text!r}: division by zero")
        return float(Fraction(number) / den)
    if scale_word == "%":
        return float(number / 100)
    if scale_word:
        factor = SCALES.get(scale_word.lower()) or SCALES.get(scale_word)
        if factor is None:
            known = ", ".join(sorted(SCALES))
            raise DataError(f"{text!r}: unknown scale {scale_word!r}; use one of {known}")
        number *= factor
    return float(number)
