"""Reader words for the codes the engines and the data use (``no_baseline``,
``upper_bound``, ``ytd``): a report shows the word, never the code.

:func:`word` looks a code up in its vocabulary; a code that none names (a future value)
is shown with its underscores as spaces, so no ``snake_case`` ever reaches a page.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

__all__ = ["STATUS_MEANING", "VOCABULARIES", "qualified", "word"]

SHARE_BASIS = {
    "baseline": "from the baseline",
    "plan_start": "summed since the plan's start",
    "no_baseline": "of the target (no baseline)",
}
#: a qualifier as it reads before the number it qualifies ("nearly 340 bn")
QUALIFIER = {
    "exact": "",
    "approx": "about",
    "lower_bound": "more than",
    "upper_bound": "nearly",
}
CERTAINTY = {
    "stated": "stated in the document",
    "inferred": "inferred from the document",
    "unknown": "not stated",
}
PRECISION = {"day": "to the day", "month": "to the month", "year": "to the year", "unknown": ""}
PERIOD_KIND = {
    "year": "year",
    "quarter": "quarter",
    "month": "month",
    "ytd": "year to date",
    "span": "several years",
}
TARGET_KIND = {
    "level": "level",
    "cumulative": "cumulative",
    "multiple": "multiple",
    "share": "share",
    "milestone": "milestone",
}
COMPARATOR = {
    "at_least": "at least",
    "more_than": "more than",
    "about": "about",
    "at_most": "at most",
    "range": "range",
}
CHANGE = {"new": "new", "revised": "revised"}
RATE_BASIS = {
    "daily": "daily reference rate",
    "year-average": "year average",
    "month-average": "month average",
    "same currency": "no conversion",
}

#: what each status says, in a reader's words (the legend of the Sources sheet)
STATUS_MEANING = {
    "met": "the figure for the deadline (or a later one) reaches the target",
    "not met": "the figure for the deadline is published and falls short of the target",
    "on track": "growing at least 95% as fast as the target needs",
    "moderate progress": "growing at 60 to 95% of the pace the target needs",
    "insufficient progress": "growing, but at less than 60% of the pace the target needs",
    "moving away": "moving in the wrong direction",
    "awaiting final figure": "the deadline has passed; the figure for it is not yet published",
    "done": "a milestone whose completion is reported",
    "pending": "a milestone not yet due and not yet reported complete",
    "unconfirmed": "a milestone past its date with no report of completion (not counted as behind)",
    "not assessable": "no figure, or not enough figures, to judge progress",
    "overdue": "a milestone past its date with no report of completion",
}

#: vocabulary by the column (or field) that holds the code
VOCABULARIES: dict[str, dict[str, str]] = {
    "share_basis": SHARE_BASIS,
    "qualifier": QUALIFIER,
    "latest_qualifier": QUALIFIER,
    "assessed_qualifier": QUALIFIER,
    "reference_qualifier": QUALIFIER,
    "published_certainty": CERTAINTY,
    "published_precision": PRECISION,
    "period_kind": PERIOD_KIND,
    "kind": TARGET_KIND,
    "comparator": COMPARATOR,
    "change": CHANGE,
    "basis": RATE_BASIS,
}


def word(column: str, value: Any) -> Any:
    """The reader's word for ``value`` of ``column`` (values of other columns unchanged)."""
    if isinstance(value, Enum):
        value = value.value
    if not isinstance(value, str):
        return value
    vocabulary = VOCABULARIES.get(column)
    if vocabulary is None:
        return value
    return vocabulary.get(value, value.replace("_", " "))


def qualified(qualifier: Any) -> str | None:
    """The word a qualifier puts before its number, or None (exact or unknown)."""
    text = word("qualifier", qualifier)
    return text if isinstance(text, str) and text else None
