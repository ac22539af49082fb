"""The grammar of quantities in announcements: numbers, scales, ranges, fractions and units.

:func:`find_quantities` returns every :class:`Quantity` of one sentence with its
character offsets: ``1,000``, ``100 billion``, ``1.5 trillion``, ``238,600``,
``two-thirds``, ``a hundred``, ``about five``, ``three to five``, ``4333亿``, ``1.2万亿元``,
``RMB340 billion``, ``US$69.79 billion``, ``40GWh``, ``22.5 percent``. A number becomes a
quantity only with a unit the model knows (:mod:`xlreport.quantity`): a currency, percent,
a physical unit, or a count noun within a few words ("100 key core technology research and
development projects"). Numbers without one (dates, years, ordinals, telephone numbers,
"three years", "two-way") are not quantities, which is how most noise is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from xlreport.quantity import COUNT_UNITS, PHYSICAL_UNITS, SCALES

__all__ = ["COUNT_NOUNS", "SAME_UNIT", "Quantity", "find_quantities", "parse_number_words"]

_ONES = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_BIG = {"hundred": 100, "thousand": 1000}
_FRACTIONS = {
    "half": Fraction(1, 2),
    "third": Fraction(1, 3),
    "thirds": Fraction(1, 3),
    "quarter": Fraction(1, 4),
    "quarters": Fraction(1, 4),
    "fifth": Fraction(1, 5),
    "fifths": Fraction(1, 5),
}

#: Count nouns as written, singular or plural or a common synonym, to the model's unit.
COUNT_NOUNS: dict[str, str] = {u: u for u in COUNT_UNITS}
COUNT_NOUNS.update({u[:-1]: u for u in COUNT_UNITS if u.endswith("s")})
COUNT_NOUNS.update(
    {
        "centres": "centers",
        "centre": "centers",
        "center": "centers",
        "companies": "enterprises",
        "company": "enterprises",
        "firms": "enterprises",
        "businesses": "enterprises",
        "cars": "vehicles",
        "jobs": "people",
        "workers": "people",
        "talents": "people",
        "persons": "people",
        "person": "people",
        "residents": "people",
        "visitors": "people",
        "person-times": "people",
    }
)
COUNT_NOUNS.pop("people", None)
COUNT_NOUNS["people"] = "people"

_CURRENCY_WORDS = {
    "yuan": "CNY",
    "元": "CNY",
    "rmb": "CNY",
    "renminbi": "CNY",
    "dollars": "USD",
    "us dollars": "USD",
    "u.s. dollars": "USD",
    "euros": "EUR",
    "euro": "EUR",
    "hong kong dollars": "HKD",
}
_CURRENCY_PREFIXES = {
    "us$": "USD",
    "$": "USD",
    "usd": "USD",
    "rmb": "CNY",
    "cny": "CNY",
    "¥": "CNY",
    "€": "EUR",
    "eur": "EUR",
    "hk$": "HKD",
}
_PHYSICAL_WORDS = {u.lower(): u for u in PHYSICAL_UNITS if len(u) > 1}
_PHYSICAL_WORDS.update(
    {
        "gigawatt-hours": "GWh",
        "gigawatt hours": "GWh",
        "gigawatts": "GW",
        "megawatts": "MW",
        "kilowatts": "kW",
        "kilowatt-hours": "kWh",
        "terawatt-hours": "TWh",
        "tonnes": "t",
        "tons": "t",
        "kilometers": "km",
        "kilometres": "km",
        "square kilometers": "km2",
        "square kilometres": "km2",
        "square meters": "m2",
        "square metres": "m2",
        "sq km": "km2",
    }
)

_WORDNUM = (
    r"(?:(?:" + "|".join(_TENS) + r")(?:-(?:" + "|".join(list(_ONES)[:9]) + r"))?"
    r"|" + "|".join(sorted(_ONES, key=len, reverse=True)) + r")"
    r"(?:\s+(?:hundred|thousand))?"
    r"|an?\s+(?:hundred|thousand)"
)
_FRACTION = r"(?:(?:one|two|three|four|a)[- ](?:half|thirds?|quarters?|fifths?)|half)"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE_WORD = r"hundred|thousand|million|billion|trillion|bn|mn|tn"
_CJK_SCALE = r"万亿|亿|万"
_PREFIX = r"(?:US\$|HK\$|\$|¥|€|(?:RMB|CNY|USD|EUR)\s?)"

_NUM = rf"(?:{_DIGITS}|{_FRACTION}|{_WORDNUM})"
_QUANTITY = re.compile(
    rf"(?<![A-Za-z0-9_.,/+\-])(?P<prefix>{_PREFIX})?"
    rf"(?P<a>{_NUM})"
    rf"(?:\s*(?:-|–|to)\s*(?P<prefix2>{_PREFIX})?(?P<b>{_NUM}))?"
    rf"(?:\s?(?P<scale>{_SCALE_WORD})\b|(?P<letter>[bmk])\b|(?P<cjk>{_CJK_SCALE}))?",
    re.IGNORECASE,
)
_UNIT_AFTER = re.compile(
    r"\s*(?P<unit>percent|per\s+cent|%|元|"
    + "|".join(re.escape(w) for w in sorted(_CURRENCY_WORDS, key=len, reverse=True) if w != "元")
    + "|"
    + "|".join(re.escape(w) for w in sorted(_PHYSICAL_WORDS, key=len, reverse=True))
    + r")(?![A-Za-z])",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\"“”'‘’]*([A-Za-z][A-Za-z-]*)[\"“”'‘’]*")
#: Words that end the search for a count noun after a number.
_NOUN_STOP = frozenset(
    [
        "will",
        "should",
        "shall",
        "is",
        "are",
        "was",
        "were",
        "to",
        "by",
        "in",
        "with",
        "which",
        "that",
        "for",
        "from",
        "at",
        "on",
        "of",
        "as",
        "than",
        "each",
        "per",
        "a",
        "an",
        "the",
        "be",
        "been",
        "has",
        "have",
        "had",
        "would",
        "could",
        "may",
        "can",
    ]
)
_HALF_OF_PERIOD = re.compile(r"\b(?:first|second|latter|former|the)\s+$", re.IGNORECASE)
#: Chinese measure words after a number, to the model's count unit.
_CJK_CLASSIFIERS = {
    "家": "enterprises",
    "辆": "vehicles",
    "项": "projects",
    "人": "people",
    "名": "people",
    "座": "stations",
}

#: The unit of a bare figure that takes the unit of the figure before it.
SAME_UNIT = "same"
_ORDINAL_AFTER = re.compile(r"(?:st|nd|rd|th)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Quantity:
    """One quantity in a sentence: offsets are into the sentence's text."""

    start: int
    end: int
    value: float | None  # None for a range
    low: float | None
    high: float | None
    unit: str  # a unit code of xlreport.quantity, or "units" (to be resolved)
    fraction: bool  # "two-thirds": a share written as a fraction
    noun: str  # the words from the number to the count noun ("high-tech enterprises")


def parse_number_words(text: str) -> Fraction | None:
    """The value of a written number: "a hundred" -> 100, "two-thirds" -> 2/3, "1,000"."""
    t = text.strip().lower().replace("–", "-")
    if re.fullmatch(_DIGITS, t):
        return Fraction(Decimal(t.replace(",", "")))
    parts = re.split(r"[\s-]+", t)
    if parts and parts[-1] in _FRACTIONS:
        head = parts[:-1]
        if not head:
            return _FRACTIONS[parts[-1]]
        n = 1 if head == ["a"] else _ONES.get(head[0])
        return None if n is None or len(head) > 1 else n * _FRACTIONS[parts[-1]]
    total = 0
    current = 0
    seen = False
    for word in parts:
        if word in ("a", "an") and not seen:
            current = 1
        elif word in _ONES:
            current += _ONES[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word in _BIG:
            current = max(current, 1) * _BIG[word]
            if word == "thousand":
                total += current
                current = 0
        else:
            return None
        seen = True
    return Fraction(total + current) if seen else None


def _scale_factor(m: re.Match[str], has_prefix: bool) -> Decimal | None:
    word = m["scale"] or m["cjk"]
    if word:
        return SCALES.get(
            word.lower(), SCALES.get(word, Decimal(100) if word == "hundred" else None)
        )
    letter = m["letter"]
    if letter:
        # "$14b", "RMB5m": a single letter is a scale only beside a currency sign
        return SCALES[letter.lower()] if has_prefix else None
    return Decimal(1)


def _count_noun(sentence: str, pos: int) -> tuple[str, str, int] | None:
    """A count noun within six words after ``pos``: (unit, words, end offset)."""
    words: list[str] = []
    i = pos
    for _ in range(8):
        gap = re.match(r"[ \t]*", sentence[i:])
        assert gap is not None
        j = i + gap.end()
        m = _WORD.match(sentence, j)
        if m is None:
            return None
        word = m[1].lower()
        if word in COUNT_NOUNS or word == "units":
            words.append(m[1])
            unit, end = COUNT_NOUNS.get(word, "units"), m.end()
            # a compound's head is its last noun: "key component projects" are projects
            nxt = _WORD.match(sentence, end + 1) if sentence[end : end + 1] == " " else None
            if nxt is not None and nxt[1].lower() in COUNT_NOUNS:
                words.append(nxt[1])
                unit, end = COUNT_NOUNS[nxt[1].lower()], nxt.end()
            return (unit, " ".join(words), end)
        if word in _NOUN_STOP and words:
            return None
        if word in _NOUN_STOP:
            return None
        words.append(m[1])
        i = m.end()
        if i < len(sentence) and sentence[i] in ",.;:()[]!?":
            return None
    return None


def find_quantities(sentence: str) -> list[Quantity]:
    """Every quantity with a known unit in ``sentence``, in order."""
    found: list[Quantity] = []
    for m in _QUANTITY.finditer(sentence):
        a_text, b_text = m["a"], m["b"]
        # a number glued to letters ("6G", "2nd") or a hyphenated adjective ("two-way")
        after = sentence[m.end() : m.end() + 2]
        if not m["scale"] and not m["letter"] and not m["cjk"]:
            if _ORDINAL_AFTER.match(sentence, m.end()):
                continue
            if re.match(r"-[A-Za-z]", after) and not re.fullmatch(_FRACTION, a_text, re.I):
                continue
        if (
            b_text is None
            and re.fullmatch(r"(?:19|20|21)\d\d", a_text)
            and not m["prefix"]
            and (not _UNIT_AFTER.match(sentence, m.end()) or m["scale"])
        ):
            continue  # a year
        if b_text is not None and re.fullmatch(r"\d{4}", a_text):
            continue  # "2021-25": a period
        prefix = (m["prefix"] or m["prefix2"] or "").strip().lower()
        factor = _scale_factor(m, bool(prefix))
        if factor is None:
            continue
        a = parse_number_words(a_text)
        b = parse_number_words(b_text) if b_text else None
        if a is None or (b_text and b is None):
            continue
        is_fraction = bool(re.fullmatch(_FRACTION, a_text.strip(), re.I))
        if is_fraction and _HALF_OF_PERIOD.search(sentence[: m.start()]):
            continue  # "the first half of 2022" is a period
        if is_fraction and re.match(
            r"\s+of\s+(?:the\s+)?(?:\d{4}|this|last|next|year)", sentence[m.end() :]
        ):
            continue
        end = m.end()
        unit: str | None = None
        noun = ""
        if prefix:
            unit = _CURRENCY_PREFIXES.get(prefix)
        unit_m = _UNIT_AFTER.match(sentence, end)
        if unit_m is not None and unit is None:
            word = re.sub(r"\s+", " ", unit_m["unit"].lower())
            if word in ("percent", "per cent", "%"):
                unit = "percent"
            elif word in _CURRENCY_WORDS:
                unit = _CURRENCY_WORDS[word]
            else:
                unit = _PHYSICAL_WORDS.get(word)
            end = unit_m.end()
        elif unit_m is not None and unit_m["unit"] in ("元",):
            end = unit_m.end()
        if m["letter"] and unit is None:
            continue
        if is_fraction and unit is None:
            if re.match(r"\s+of\b", sentence[end:]):
                unit = "percent"
            else:
                continue
        if unit is None and sentence[end : end + 1] in _CJK_CLASSIFIERS:
            # Chinese measure words: "1000家企业" (enterprises), "120万辆" (vehicles)
            unit = _CJK_CLASSIFIERS[sentence[end]]
            end += 1
            run = re.match(r"(?:以上|多|左右)?([\u4e00-\u9fff]{1,12})", sentence[end:])
            noun = run.group(1) if run else ""
        if unit is None:
            counted = _count_noun(sentence, end)
            if counted is None:
                # "to 600,000 units by 2026 from 285,000 in 2023": a bare figure after "from"
                # is in the unit of the figure before it
                if found and re.search(r"\bfrom\s+$", sentence[: m.start()]):
                    unit, noun = SAME_UNIT, ""
                else:
                    continue
            else:
                unit, noun, end = counted
        scale = Fraction(factor)
        if unit == "percent" and not is_fraction:
            scale /= 100
        va = float(a * scale)
        vb = float(b * scale) if b is not None else None
        if vb is not None and vb <= va:
            continue
        found.append(
            Quantity(
                start=m.start(),
                end=end,
                value=None if vb is not None else va,
                low=va if vb is not None else None,
                high=vb,
                unit=unit,
                fraction=is_fraction,
                noun=noun,
            )
        )
    return found
