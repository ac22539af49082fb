"""From announcement text to proposed targets and reported actuals, each with its quote.

The method is a hand-written grammar over sentences, chosen because it is exact about
what it read (every item points at its characters), fast, and needs no model:

1. the text is cut into sentences (headlines and other lines without a full stop are
   read only for the document's usual deadline, since they restate the body);
2. each sentence's quantities are found by :mod:`xlreport.draft.numbers` (numbers with a
   known unit) and its time expressions here ("by the end of 2025", "(2021-25)",
   "last year", "in the first half of 2022", "January-July", "in the past three years");
3. each quantity gets the time expression of its own clause, a comparator from the words
   before it, and a kind: an *observation* when the time is past (before the publication
   date) or the verb is in the past tense, otherwise a *target* (whose deadline is its
   own, the sentence's, or the document's usual one);
4. definitions ("enterprises with sales of at least 20 million yuan"), the dollar figure
   printed beside a yuan figure (kept as ``published_usd``) and growth rates (kept as
   ``growth_yoy`` of the figure they describe) do not become items of their own;
5. "more than double" without a figure becomes one target per baseline reported next to
   it; "up from 7.8 percent in 2020" becomes the target's baseline, an observation linked
   to it; dated deliverables without a number become milestones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from xlreport.draft.numbers import COUNT_NOUNS, SAME_UNIT, Quantity, find_quantities
from xlreport.errors import DraftInputError

__all__ = ["MAX_SENTENCE", "DraftItem", "extract_items", "split_sentences"]


@dataclass(frozen=True, slots=True)
class DraftItem:
    """One proposed target or observation, with where it was read."""

    kind: str  # "target" or "observation"
    indicator: str  # a name taken from the sentence
    value: float | None
    low: float | None
    high: float | None
    unit: str | None
    comparator: str | None  # about, more_than, at_least, at_most, range (targets); qualifier
    deadline: str | None  # targets: "2025" or "2024-12-31"
    period: str | None  # observations: "2023", "2022-YTD06", "2019/2021"
    growth_yoy: float | None
    published_usd: float | None
    quote: str
    start: int
    end: int
    confidence: float
    # for the data workbook (not in the JSON): how the item relates to others
    target_kind: str = "level"  # level, cumulative, multiple, share, milestone
    multiple: float | None = None
    baseline: int | None = None  # index of the baseline observation in the item list
    target: int | None = None  # for a baseline: index of its target
    baseline_qualifier: str = "exact"
    notes: tuple[str, ...] = field(default_factory=tuple)


# ----------------------------------------------------------------------------- sentences

_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|No|Nos|St|Co|Ltd|Inc|Corp|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|"
    r"Nov|Dec|vs|etc|e\.g|i\.e|approx|U\.S|U\.K)\.)$",
)
_SENTENCE_END = re.compile(r"[.!?](?=[\"”’)\]]?(?:\s|$))|[。！？][”’」）]?|\n\s*\n|\n")


#: More sentences than this is not an announcement (a 5,000-word one has about 250).
MAX_SENTENCES = 20_000
#: A sentence without a digit or a number word holds no item: skipped at once.
_MAY_HOLD_ITEMS = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|"
    r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|half|thirds?|"
    r"quarters?|fifths?|double|triple|treble|quadruple)\b|[万亿]",
    re.I,
)

#: A "sentence" longer than this (a page of figures without a full stop) is cut at a space,
#: so that the work per figure stays bounded whatever the input.
MAX_SENTENCE = 1500


def _cut_long(s: int, e: int, heading: bool, text: str) -> list[tuple[int, int, bool]]:
    pieces: list[tuple[int, int, bool]] = []
    while e - s > MAX_SENTENCE:
        cut = text.rfind(" ", s + MAX_SENTENCE // 2, s + MAX_SENTENCE)
        cut = cut if cut > s else s + MAX_SENTENCE
        pieces.append((s, cut, heading))
        s = cut
        while s < e and text[s].isspace():
            s += 1
    if e > s:
        pieces.append((s, e, heading))
    return pieces


def split_sentences(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, is_heading) of each sentence; a heading is a line without a full stop."""
    return [p for s, e, h in _split_sentences(text) for p in _cut_long(s, e, h, text)]


def _split_sentences(text: str) -> list[tuple[int, int, bool]]:
    out: list[tuple[int, int, bool]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        piece = text[start:end]
        if m.group(0) == "." and _ABBREV.search(text[max(0, start) : m.end()]):
            continue
        stripped = piece.strip()
        if len(out) >= MAX_SENTENCES:
            raise DraftInputError(
                f"more than {MAX_SENTENCES:,} sentences, more than any announcement has: "
                "draft the article itself, not a collection or a data dump"
            )
        if stripped:
            s = start + (len(piece) - len(piece.lstrip()))
            e = s + len(stripped)
            heading = not re.search(r"[.!?。！？][\"”’)\]]?$", stripped)
            out.append((s, e, heading))
        start = end
    tail = text[start:].strip()
    if tail:
        s = start + (len(text[start:]) - len(text[start:].lstrip()))
        out.append((s, s + len(tail), not re.search(r"[.!?。！？]$", tail)))
    return out


# ------------------------------------------------------------------------ time expressions

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
)
_NUMWORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10}
_YEARREF = r"(?:(?P<y>(?:19|20|21)\d\d)|(?P<rel>this|last|next) year)"

_TIME_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "ytd",
        re.compile(
            rf"\b(?:from\s+)?(?:january|jan)\s*(?:-|–|to|through)\s*(?P<m>{_MONTH})\b"
            rf"(?:\s+(?:of\s+)?{_YEARREF})?",
            re.I,
        ),
    ),
    (
        "half",
        re.compile(rf"\b(?:in\s+)?the\s+(?P<which>first|second)\s+half\s+of\s+{_YEARREF}", re.I),
    ),
    (
        "quarters",
        re.compile(
            rf"\b(?:in\s+)?the\s+first\s+(?P<n>two|three)\s+quarters\s+of\s+{_YEARREF}", re.I
        ),
    ),
    (
        "quarter",
        re.compile(
            rf"\b(?:in\s+)?the\s+(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter\s+"
            rf"of\s+{_YEARREF}|\bQ(?P<qn>[1-4])\s+(?P<qy>(?:19|20)\d\d)\b",
            re.I,
        ),
    ),
    (
        "past_years",
        re.compile(
            r"\b(?:in\s+|over\s+)?the\s+past\s+(?P<n>two|three|four|five|ten|\d)\s+years", re.I
        ),
    ),
    (
        "next_years",
        re.compile(
            r"\b(?:in|over|during|within)\s+the\s+(?:next|coming)\s+(?:few|several|two|three|four|five)\s+years",
            re.I,
        ),
    ),
    (
        "plan_period",
        re.compile(
            r"\(?(?P<a>(?:19|20)\d\d)\s*(?:-|–|to)\s*(?P<b>(?:19|20)?\d\d)\)?"
            r"(?=[\s,.;)]|$)",
        ),
    ),
    (
        "plan_period_word",
        re.compile(r"\b(?:during|over|in|within)\s+the\s+plan\s+period\b", re.I),
    ),
    (
        "by",
        re.compile(
            rf"\b(?P<prep>by|in|as\s+of|before|until|till|through|during|for)\s+"
            rf"(?:the\s+end\s+of\s+|end-)?(?:(?P<mon>{_MONTH})\s+)?{_YEARREF}",
            re.I,
        ),
    ),
    ("endof", re.compile(rf"\b(?:by\s+)?the\s+end\s+of\s+{_YEARREF}", re.I)),
    ("lastyear", re.compile(r"\b(?P<rel>last|this|next) year\b", re.I)),
    # Chinese: 到2025年 (by 2025), 2023年上半年 (first half), 1-7月 (January-July), 去年 (last year)
    (
        "zh_ytd",
        re.compile(
            r"(?:(?P<y>(?:19|20)\d\d)年)?(?:1|一)\s*(?:-|–|—|至|到)\s*(?P<m>1[0-2]|[1-9])月"
        ),
    ),
    ("zh_half", re.compile(r"(?:(?P<y>(?:19|20)\d\d)年|(?P<rel>今|去)年)?上半年")),
    ("zh_by", re.compile(r"(?P<prep>到|至|截至|截止到?)\s*(?P<y>(?:19|20)\d\d)\s*年(?:底|末)?")),
    ("zh_year", re.compile(r"(?P<y>(?:19|20)\d\d)\s*年(?:底|末)?|(?P<rel>今|去|明)年")),
    ("then", re.compile(r"\bby\s+then\b", re.I)),
]


@dataclass(frozen=True, slots=True)
class TimeRef:
    start: int
    end: int
    year: int | None  # None: to be resolved (the plan horizon)
    period: str | None  # observation period text ("2022-YTD06")
    deadline: str | None  # target deadline text ("2025", "2024-12-31")
    past: bool | None  # True: before publication; None: cannot tell
    horizon: bool = False  # "in the next few years", "by then": the plan's own deadline
    from_prep: str = ""


def _resolve_year(m: re.Match[str], published: date | None) -> int | None:
    if m.groupdict().get("y"):
        return int(m["y"])
    rel = (m.groupdict().get("rel") or "").lower()
    if rel and published is not None:
        return published.year + {"this": 0, "last": -1, "next": 1}[rel]
    return None


def _is_past(period_end: date | None, published: date | None) -> bool | None:
    if period_end is None or published is None:
        return None
    return period_end < published


def _month_end(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1).fromordinal(date(year, month + 1, 1).toordinal() - 1)


_ZH_REL = {"今": 0, "去": -1, "明": 1}


def _zh_time_ref(name: str, m: re.Match[str], published: date | None) -> TimeRef | None:
    s, e = m.start(), m.end()
    year: int | None = int(m["y"]) if m.groupdict().get("y") else None
    rel = m.groupdict().get("rel")
    if year is None and rel and published is not None:
        year = published.year + _ZH_REL[rel]
    if year is None:
        year = published.year if published is not None and name in ("zh_ytd", "zh_half") else None
    if year is None:
        return None
    if name in ("zh_ytd", "zh_half"):
        month = 6 if name == "zh_half" else int(m["m"])
        end = _month_end(year, month)
        period = f"{year}-YTD{month:02d}" if month < 12 else str(year)
        return TimeRef(s, e, year, period, end.isoformat(), _is_past(end, published))
    end = date(year, 12, 31)
    prep = "by" if name == "zh_by" else "in"
    return TimeRef(s, e, year, str(year), str(year), _is_past(end, published), from_prep=prep)


def find_times(sentence: str, published: date | None) -> list[TimeRef]:
    """Every time expression of a sentence, the longest first where they overlap."""
    found: list[TimeRef] = []
    taken: list[tuple[int, int]] = []
    for name, pattern in _TIME_PATTERNS:
        for m in pattern.finditer(sentence):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            ref = _time_ref(name, m, published)
            if ref is None:
                continue
            taken.append((m.start(), m.end()))
            found.append(ref)
    found.sort(key=lambda r: r.start)
    return found


def _time_ref(name: str, m: re.Match[str], published: date | None) -> TimeRef | None:
    s, e = m.start(), m.end()
    pub_year = published.year if published is not None else None
    if name in ("ytd", "half", "quarters"):
        year = _resolve_year(m, published)
        if year is None:
            year = pub_year
        if year is None:
            return None
        if name == "ytd":
            month = _MONTHS[m["m"].lower()]
        elif name == "half":
            month = 6 if m["which"].lower() == "first" else 12
        else:
            month = {"two": 6, "three": 9}[m["n"].lower()]
        period = f"{year}-YTD{month:02d}" if month < 12 else str(year)
        end = _month_end(year, month)
        return TimeRef(s, e, year, period, end.isoformat(), _is_past(end, published))
    if name.startswith("zh_"):
        return _zh_time_ref(name, m, published)
    if name == "quarter":
        if m["qn"]:
            n, year = int(m["qn"]), int(m["qy"])
        else:
            n = {"first": 1, "second": 2, "third": 3, "fourth": 4}.get(m["q"].lower()) or int(
                m["q"][0]
            )
            resolved = _resolve_year(m, published)
            if resolved is None:
                return None
            year = resolved
        end = _month_end(year, 3 * n)
        return TimeRef(s, e, year, f"{year}-Q{n}", end.isoformat(), _is_past(end, published))
    if name == "past_years":
        if pub_year is None:
            return None
        n = int(m["n"]) if m["n"].isdigit() else _NUMWORDS[m["n"].lower()]
        return TimeRef(s, e, pub_year - 1, f"{pub_year - n}/{pub_year - 1}", None, True)
    if name in ("next_years", "plan_period_word", "then"):
        return TimeRef(s, e, None, None, None, False, horizon=True)
    if name == "plan_period":
        a = int(m["a"])
        b_text = m["b"]
        b = int(b_text) if len(b_text) == 4 else (a // 100) * 100 + int(b_text)
        if not a < b <= a + 15:
            return None
        return TimeRef(s, e, b, f"{a}/{b}", str(b), _is_past(date(b, 12, 31), published))
    year = _resolve_year(m, published)
    if year is None:
        return None
    prep = (m.groupdict().get("prep") or "by").lower()
    mon = m.groupdict().get("mon")
    if mon:
        month = _MONTHS[mon.lower()]
        end = _month_end(year, month)
        period = f"{year}-{month:02d}"
        deadline = end.isoformat()
    else:
        end = date(year, 12, 31)
        period = str(year)
        rel = (m.groupdict().get("rel") or "").lower()
        deadline = end.isoformat() if rel == "this" else str(year)
    return TimeRef(s, e, year, period, deadline, _is_past(end, published), from_prep=prep)


# --------------------------------------------------------------------------- word classes

_FUTURE = re.compile(
    r"\b(?:will|shall|should|would|aims?|aiming|aimed\s+to|plans?\s+to|planned\s+to|plan|goals?|"
    r"targets?|expects?|expected|projected|strives?|seeks?|intends?|is\s+to|are\s+to|to\s+be|"
    r"by\s+(?:19|20)\d\d|looking\s+to|sets?\s+out)\b|将|力争|预计|计划|目标|到\s*(?:19|20)\d\d\s*年",
    re.I,
)
_PAST_VERB = re.compile(
    r"(?:实现|完成了|达到了)|\b(?:reached|surged|rose|grew|increased|jumped|climbed|expanded|totaled|totalled|"
    r"amounted|hit|saw|was|were|had|churned\s+out|produced|attracted|introduced|registered|"
    r"recorded|posted|exceeded|topped|stood|generated|achieved|has\s+reached|have\s+reached|"
    r"fell|declined|dropped)\b",
    re.I,
)
_PASSIVE_PAST = re.compile(
    r"[^,;]{0,60}?\b(?:was|were|had\s+been|have\s+been|has\s+been)\s+(?!expected|projected|"
    r"planned|set|scheduled|due|targeted)\w+ed\b",
    re.I,
)
_GROWTH_BEFORE = re.compile(
    r"(?:\b(?:surged|rose|grew|increased|jumped|climbed|expanded|soared|up|fell|dropped|"
    r"declined|down|growth\s+of|increase\s+of|rise\s+of)(?:\s+by)?|同比增长|同比|增长|增速为?)\s*$",
    re.I,
)
_YOY_AFTER = re.compile(
    r"^\s*(?:year[- ]on[- ]year|year[- ]over[- ]year|from\s+a\s+year\s+(?:earlier|ago|before)|"
    r"over\s+the\s+(?:previous|same\s+period\s+of\s+(?:the\s+)?(?:previous|last))\s+year|"
    r"compared\s+with\s+(?:a\s+year|the\s+previous\s+year)|on\s+a\s+yearly\s+basis)",
    re.I,
)
_DEFINITION = re.compile(
    r"\b(?:with|which\s+has|which\s+have|that\s+has|that\s+have|each\s+with|whose)\b"
    r"[^,.;()]{0,60}?\b(?:of|above|over)\s+(?:at\s+least\s+|over\s+|more\s+than\s+|above\s+|"
    r"no\s+less\s+than\s+|not\s+less\s+than\s+)?(?:RMB\s?|US\$|\$|¥)?$",
    re.I,
)
_COMPARATORS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"\b(?:no\s+more\s+than|not\s+(?:to\s+)?exceed(?:ing)?|at\s+most|up\s+to|less\s+than|below|under|within)\s*$",
            re.I,
        ),
        "at_most",
    ),
    (
        re.compile(
            r"\b(?:at\s+least|no\s+less\s+than|not\s+less\s+than|a\s+minimum\s+of|no\s+fewer\s+than)\s*$",
            re.I,
        ),
        "at_least",
    ),
    (
        re.compile(
            r"\b(?:more\s+than|over|above|exceeds?|exceeding|exceeded|tops?|topping|topped|surpass(?:es|ing|ed)?|beyond|in\s+excess\s+of)\s*$",
            re.I,
        ),
        "more_than",
    ),
    (
        re.compile(
            r"\b(?:about|around|approximately|roughly|some|an\s+estimated|close\s+to|nearly|almost|approaching|approach|up\s+to\s+about)\s*$",
            re.I,
        ),
        "about",
    ),
]
_ZH_COMPARATORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?:不超过|不高于|最多|控制在)\s*$"), "at_most"),
    (re.compile(r"(?:不低于|不少于|至少|达到?)\s*$"), "at_least"),
    (re.compile(r"(?:超过|超|逾|突破|高于|多于)\s*$"), "more_than"),
    (re.compile(r"(?:约|大约|近|将近|接近)\s*$"), "about"),
]
_ZH_AFTER = re.compile(r"^\s*(?:(?:以上|多)|(?P<about>左右))")
_UPPER = re.compile(r"\b(?:nearly|almost|approaching|approach|close\s+to|just\s+under)\s*$", re.I)
_MULTIPLE = re.compile(
    r"\b(?P<more>more\s+than\s+|over\s+|at\s+least\s+)?(?P<word>double|doubled|doubling|triple|tripled|treble|quadruple)\b",
    re.I,
)
_MULTIPLE_FACTOR = {
    "double": 2.0,
    "doubled": 2.0,
    "doubling": 2.0,
    "triple": 3.0,
    "tripled": 3.0,
    "treble": 3.0,
    "quadruple": 4.0,
}
_INCREASE = re.compile(
    r"\b(?:increase|increased|grow|rise|raise|add|adding|added)\s+(?:it\s+)?by\s*$", re.I
)
_CUMULATIVE_VERB = re.compile(
    r"\b(?:add|added|adding|build|built|building|cultivat\w*|introduc\w*|attract\w*|nurtur\w*|"
    r"establish\w*|launch\w*|promot\w*|develop\w*|tackl\w*|set\s+up|construct\w*|foster\w*|"
    r"creat\w*|train\w*)\b",
    re.I,
)
_SHARE = re.compile(
    r"\b(?:account(?:s|ing)?\s+for|take\s+up|takes\s+up|make\s+up|share|proportion|ratio)\b", re.I
)
_MILESTONE_VERB = re.compile(
    r"\b(?:be\s+built|be\s+established|be\s+completed|be\s+put\s+into\s+(?:use|operation)|"
    r"be\s+launched|be\s+formed|be\s+set\s+up|have\s+achieved|have\s+completed|have\s+built|"
    r"have\s+established|(?:and\s+)?form\s+a\s+number\s+of|complete|be\s+opened)\b",
    re.I,
)
_MEASURE = (
    r"output\s+value|added\s+value|industrial\s+value|output|value|revenue|investment|turnover|"
    r"scale|size|sales|income|GDP|spending|capacity|production|growth\s+rate|share|exports|imports|"
    r"profits?|volume"
)
_ZH_MEASURE = r"产值|增加值|投资|营收|营业收入|收入|销售额|规模|出口额?"
_MEASURE_RE = re.compile(rf"\b(?:{_MEASURE})\b|{_ZH_MEASURE}", re.I)
_MONEY_MEASURE = re.compile(
    r"\b(?:output|value|revenue|investment|turnover|scale|size|sales|income|GDP|spending|"
    rf"exports|profits?)\b|{_ZH_MEASURE}",
    re.I,
)
_LEAD_WORDS = re.compile(
    r"^(?:the|its|their|his|her|a|an|this|that|these|those|city's|"
    r"district's|area's)\s+",
    re.I,
)


# ------------------------------------------------------------------------------- helpers


def _comparator(before: str, after: str = "") -> str | None:
    tail = before[-40:]
    for pattern, name in _COMPARATORS:
        if pattern.search(tail):
            return name
    zh_after = _ZH_AFTER.match(after)
    if zh_after:
        return "about" if zh_after["about"] else "more_than"  # 100亿元左右, 1000家以上
    for pattern, name in _ZH_COMPARATORS:
        if pattern.search(tail):
            return name
    return None


_INDICATOR_STOP = frozenset(
    [
        "will",
        "should",
        "shall",
        "is",
        "are",
        "was",
        "that",
        "which",
        "to",
        "and",
        "while",
        "with",
        "saw",
        "see",
        "for",
        "of",
        "by",
        "in",
        "expects",
        "the",
        "a",
        "an",
        "achieve",
        "reach",
        "hit",
        "yuan",
        "percent",
        "its",
        "their",
    ]
)
_AFTER_OF = re.compile(
    r"\s+(?:of|for|in)\s+((?!about|around|nearly|more|at|over)[\w'’-]+(?:\s+[\w'’-]+){0,5}?)"
    r"(?=\s+(?:will|should|shall|is|are|was|were|has|have|reached|surged|rose|grew|"
    r"increased|exceed\w*|top\w*|hit|be|to|in|by|at|amount\w*|totaled|stood|saw|"
    r"expected|projected|of|about|around|nearly|more|over)\b|[,;]|\s*$)"
)
_THAT_OF = re.compile(r"\bthat\s+(?:of|for)\s+((?:[\w'’-]+\s+){0,4}?[\w'’-]+)\s+\w+\s*\w*\s*$")


_INTRODUCED = re.compile(
    r"\b(?:the|its|their|total|combined|annual|whose|\w+['’]s)(?:\s+[\w-]+){0,3}\s+$", re.I
)


_CJK_WORD = re.compile(r"[\u4e00-\u9fff]")
_ZH_LEAD = re.compile(r"^(?:力争|预计|计划|将|全年|今年|去年|其中|同比)+")


def _zh_measure_name(before: str, m: re.Match[str]) -> str:
    """ "未来产业产值": the Chinese characters run on up to the measure word, without verbs."""
    head = re.search(r"[\u4e00-\u9fff]{0,8}$", before[: m.start()])
    name = (head.group(0) if head else "") + m.group(0)
    return _ZH_LEAD.sub("", name)


def _measure_name(before: str) -> str:
    """ "the industrial value of new-type display devices" from the words before a figure."""
    cuts = list(_CLAUSE_CUT.finditer(before))
    matches = list(_MEASURE_RE.finditer(before, cuts[-1].end() if cuts else 0))
    if not matches:
        matches = list(_MEASURE_RE.finditer(before))
    if not matches:
        return ""
    # prefer a measure introduced as one ("the combined annual output of ...") to a word of
    # an enumeration ("healthcare, intelligent production, energy")
    introduced = [
        m for m in matches if _INTRODUCED.search(before[max(0, m.start() - 40) : m.start()])
    ]
    m = (introduced or matches)[-1]
    if _CJK_WORD.match(m.group(0)):
        return _zh_measure_name(before, m)
    # up to four words before the measure noun, and "of/for/in X" after it
    kept: list[str] = []
    for w in reversed(re.findall(r"[\w'’-]+", before[: m.start()])[-4:]):
        if w.lower() in _INDICATOR_STOP:
            break
        kept.insert(0, w)
    name = " ".join([*kept, m.group(0)])
    of = _AFTER_OF.match(before[m.end() :])
    if of:
        name = f"{name} of {of.group(1).strip()}"
    return _LEAD_WORDS.sub("", name.strip())


def _indicator(sentence: str, q: Quantity, floor: int) -> str:
    """A name for what the quantity measures, taken from the words around it."""
    if q.noun and q.unit != "units":
        return re.sub(r"[\"“”]", "", q.noun).strip()
    before = sentence[floor : q.start]
    # "while that for smart sensors should reach": the measure named earlier, of this subject
    that = _THAT_OF.search(before)
    if that:
        measure = _measure_name(sentence[: floor + that.start()])
        head = re.sub(r"\s+of\s+.*$", "", measure)
        if head:
            return f"{head} of {that.group(1)}"
    name = _measure_name(before)
    if not name and q.unit == "units":
        name = _measure_name(sentence[: q.start])
    if name:
        return name
    after = sentence[q.end : q.end + 120]
    m2 = re.match(
        r"\s*(?:\([^)]*\)\s*)?(?:(?:in|of|for)\s+(?:the\s+)?)?"
        r"(?!(?:by|in|to|during|from|and|with|up|last|this|year)\b)((?:[A-Za-z][\w'’-]*\s*){1,8}?)"
        r"(?=\s+(?:by|in|during|with|and|will|should|shall|is|are|was|were|from|to)\b|[,.;]|$)",
        after,
    )
    if m2:
        return m2.group(1).strip()
    return ""


def _time_for(times: list[TimeRef], q: Quantity, prev_end: int, next_start: int) -> TimeRef | None:
    forward = [t for t in times if q.end <= t.start < next_start]
    if forward:
        return forward[0]
    backward = [t for t in times if prev_end <= t.end <= q.start]
    if backward:
        return backward[-1]
    return None


@dataclass(slots=True)
class _Context:
    published: date | None
    horizon: str | None  # the document's usual deadline ("2025")
    currency: str = "CNY"


def document_horizon(
    text: str, sentences: list[tuple[int, int, bool]], published: date | None
) -> str | None:
    """The document's usual deadline: the year most often given with "by", first on ties."""
    counts: dict[str, int] = {}
    order: list[str] = []
    for s, e, _heading in sentences:
        for t in find_times(text[s:e], published):
            if (
                t.deadline
                and t.past is not True
                and t.from_prep in ("by", "")
                and len(t.deadline) == 4
            ):
                if t.deadline not in counts:
                    order.append(t.deadline)
                counts[t.deadline] = counts.get(t.deadline, 0) + 1
    if not counts:
        return None
    return max(order, key=lambda y: (counts[y], -order.index(y)))


# ------------------------------------------------------------------------------ extraction


def extract_items(text: str, *, published: date | None = None) -> list[DraftItem]:
    """Proposed items of an announcement's text, in reading order, duplicates dropped."""
    sentences = split_sentences(text)
    ctx = _Context(published, document_horizon(text, sentences, published))
    items: list[DraftItem] = []
    pending_multiples: list[tuple[int, DraftItem, int]] = []  # (sentence no, cue, items len)
    for number, (s, e, heading) in enumerate(sentences):
        if heading:
            continue
        sentence = text[s:e]
        if not _MAY_HOLD_ITEMS.search(sentence):
            continue
        # links inside a sentence are positions in its own list; make them positions in items
        shift = len(items)
        new = [
            replace(
                i,
                baseline=None if i.baseline is None else i.baseline + shift,
                target=None if i.target is None else i.target + shift,
            )
            for i in _sentence_items(sentence, s, ctx)
        ]
        # a "more than double" cue without its own figure waits for the baselines after it
        cue = _multiple_cue(sentence, s, ctx)
        if cue is not None and not any(i.kind == "target" and i.unit for i in new):
            pending_multiples.append((number, cue, len(items)))
        items.extend(new)
    for number, cue, first in pending_multiples:
        _expand_multiple(items, sentences, number, cue, first)
    return _dedupe(items)


def _multiple_cue(sentence: str, offset: int, ctx: _Context) -> DraftItem | None:
    m = _MULTIPLE.search(sentence)
    if m is None:
        return None
    times = find_times(sentence, ctx.published)
    deadline = next((t.deadline for t in times if t.deadline and t.past is not True), ctx.horizon)
    if deadline is None:
        return None
    factor = _MULTIPLE_FACTOR[m["word"].lower()]
    comparator = (
        "more_than"
        if m["more"] and m["more"].strip().lower() in ("more than", "over")
        else "at_least"
    )
    return DraftItem(
        kind="target",
        indicator="",
        value=None,
        low=None,
        high=None,
        unit=None,
        comparator=comparator,
        deadline=deadline,
        period=None,
        growth_yoy=None,
        published_usd=None,
        quote=sentence,
        start=offset,
        end=offset + len(sentence),
        confidence=0.6,
        target_kind="multiple",
        multiple=factor,
    )


def _expand_multiple(
    items: list[DraftItem],
    sentences: list[tuple[int, int, bool]],
    number: int,
    cue: DraftItem,
    first: int,
) -> None:
    """One multiple target per baseline reported in the two sentences after the cue."""
    limit = sentences[min(number + 2, len(sentences) - 1)][1]
    assert cue.deadline is not None
    deadline_year = int(cue.deadline[:4])
    for index in range(first, len(items)):
        base = items[index]
        if base.start > limit:
            break
        if (
            base.kind != "observation"
            or base.value is None
            or base.unit in (None, "percent")
            or base.target is not None
            or base.period is None
            or int(base.period[-4:]) >= deadline_year
        ):
            continue
        assert cue.multiple is not None
        target = replace(
            cue,
            indicator=base.indicator,
            value=cue.multiple * base.value,
            unit=base.unit,
            baseline=index,
            baseline_qualifier="lower_bound" if base.comparator == "more_than" else "exact",
            notes=(f"{cue.multiple:g} x the {base.period} figure read in the next sentences",),
        )
        items.append(target)
        items[index] = replace(base, target=len(items) - 1)


def _sentence_items(sentence: str, offset: int, ctx: _Context) -> list[DraftItem]:
    quantities = find_quantities(sentence)
    times = find_times(sentence, ctx.published)
    sentence_past = any(t.past is True for t in times)
    sentence_future = bool(_FUTURE.search(sentence))
    used: set[int] = set()  # quantities consumed (dollar figures, growth rates)
    out: list[DraftItem] = []
    growth_of: dict[int, float] = {}
    baseline_of: dict[int, int] = {}  # quantity -> the target quantity it is the baseline of
    usd_of: dict[int, float] = {}
    growth_only: set[int] = set()  # growth rates reported without their figure
    definitions: set[int] = set()  # "enterprises with sales of at least 20 million yuan"
    last_count_unit: str | None = None
    for qi, q in enumerate(quantities):
        before = sentence[max(0, q.start - 80) : q.start]
        # the dollar figure in brackets beside a yuan figure
        if q.unit == "USD" and qi > 0 and quantities[qi - 1].unit == "CNY":
            gap = sentence[quantities[qi - 1].end : q.start]
            if re.fullmatch(r"\s*\(\s*(?:about\s+|around\s+|roughly\s+)?", gap):
                usd_of[qi - 1] = q.value or 0.0
                used.add(qi)
                continue
        if _DEFINITION.search(before):
            used.add(qi)
            definitions.add(qi)
            continue
        if q.unit == "percent" and not q.fraction:
            after = sentence[q.end : q.end + 60]
            is_growth = bool(_GROWTH_BEFORE.search(before)) or bool(_YOY_AFTER.match(after))
            if re.search(r"\bup\s+from\s*$|\bfrom\s*$", before):
                is_growth = False
            if is_growth and not re.search(r"growth\s+rate\s+(?:\w+\s+){0,6}$", before):
                target_q = _growth_owner(sentence, quantities, qi)
                if target_q is not None:
                    growth_of[target_q] = q.value or 0.0
                    used.add(qi)
                    continue
                growth_only.add(qi)
                continue
        if q.unit == "units" and last_count_unit is None:
            # "output of new energy vehicles ... to 600,000 units": the noun named before
            named = [
                COUNT_NOUNS[w.lower()]
                for w in re.findall(r"[A-Za-z-]+", sentence[: q.start])
                if w.lower() in COUNT_NOUNS
            ]
            if named:
                last_count_unit = named[-1]
            else:
                used.add(qi)
                continue
        elif q.unit not in ("percent", "units") and q.noun:
            last_count_unit = q.unit
        # "up from X in 2020" / "from X in 2020": the baseline of the quantity before it
        if re.search(r"\b(?:up|down|rising|increasing|growing)?\s*from\s*$", before) and qi > 0:
            baseline_of[qi] = qi - 1
    prev_end = 0
    kept = [qi for qi in range(len(quantities)) if qi not in used and qi not in growth_only]
    for pos, qi in enumerate(kept):
        q = quantities[qi]
        next_start = quantities[kept[pos + 1]].start if pos + 1 < len(kept) else len(sentence)
        unit = q.unit if q.unit != "units" else last_count_unit
        if unit == SAME_UNIT:
            unit = out[-1].unit if out else None
            if unit is None:
                continue
        floor = max([prev_end] + [quantities[j].end for j in range(qi) if j in definitions])
        before = sentence[max(floor, q.start - 60) : q.start]
        time = _time_for(times, q, prev_end, next_start)
        comparator_word = _comparator(
            sentence[max(0, q.start - 60) : q.start], sentence[q.end : q.end + 4]
        )
        clause = sentence[floor : q.start]
        past_verb = bool(_PAST_VERB.search(clause[-60:])) and not re.search(
            r"\b(?:will|shall|should|would|to|aims?|expected|projected)\b[^,]*$", clause[-60:], re.I
        )
        if not past_verb:
            # a passive after the figure: "19 new aerospace projects were signed"
            past_verb = bool(_PASSIVE_PAST.match(sentence, q.end)) or bool(
                _PASSIVE_PAST.match(sentence[q.end : next_start])
            )
        future_clause = bool(_FUTURE.search(clause)) or bool(
            _FUTURE.search(sentence[q.end : next_start])
        )
        is_baseline = qi in baseline_of
        if is_baseline or (time is not None and time.past is True):
            kind = "observation"  # "up from 22 percent in 2024": a baseline even this year
        elif time is not None and time.past is False:
            kind = "target"
        elif (past_verb and not future_clause) or (
            sentence_past and not future_clause and time is None
        ):
            kind = "observation"
        elif time is None and not sentence_future and not ctx.horizon:
            continue
        else:
            kind = "target"
        if time is None and kind == "observation":
            past_times = [t for t in times if t.past is True and t.period]
            time = past_times[-1] if past_times else None
        confidence = 0.9
        notes: list[str] = []
        if q.unit == "units":
            confidence -= 0.1
            notes.append(f"'units' read as {unit}")
        indicator = _indicator(sentence, q, floor)
        if not indicator:
            confidence -= 0.1
        value, low, high = q.value, q.low, q.high
        growth = growth_of.get(qi)
        if kind == "observation":
            period = time.period if time is not None else None
            if period is None:
                if ctx.published is None:
                    continue
                period = str(ctx.published.year)
                confidence -= 0.2
                notes.append("period not stated: the year of publication")
            comparator = None
            if comparator_word == "more_than":
                comparator = "more_than"
            elif comparator_word == "about":
                comparator = "at_most" if _UPPER.search(before) else "about"
            elif comparator_word == "at_most":
                comparator = "at_most"
            item = DraftItem(
                kind="observation",
                indicator=indicator,
                value=value if low is None else None,
                low=low,
                high=high,
                unit=unit,
                comparator=comparator,
                deadline=None,
                period=period,
                growth_yoy=growth,
                published_usd=usd_of.get(qi),
                quote=sentence,
                start=offset,
                end=offset + len(sentence),
                confidence=round(confidence, 2),
                notes=tuple(notes),
            )
        else:
            deadline = None
            if time is not None and time.deadline and not time.horizon:
                deadline = time.deadline
            if deadline is None:
                own = [t for t in times if t.deadline and t.past is not True and not t.horizon]
                if own:
                    deadline = own[0].deadline
                    confidence -= 0.05
                elif ctx.horizon is not None:
                    deadline = ctx.horizon
                    confidence -= 0.1
                    notes.append(f"deadline not in the sentence: the document's {ctx.horizon}")
                else:
                    continue
            increase = bool(_INCREASE.search(before))
            if low is not None:
                comparator = "range"
            elif increase:
                comparator = "at_least"
            elif comparator_word in ("about", "more_than", "at_least", "at_most"):
                comparator = comparator_word
            else:
                comparator = "at_least"
            target_kind = "level"
            if unit == "percent" and (
                q.fraction
                or _SHARE.search(sentence[floor : q.start])
                or re.match(r"\s+of\b", sentence[q.end :])
            ):
                target_kind = "share"
            elif unit is not None and q.noun and _CUMULATIVE_VERB.search(clause[-80:]):
                target_kind = "cumulative"
            elif increase:
                target_kind = "cumulative"
                notes.append("an increase: the amount to add over the plan period")
            elif time is not None and time.period and "/" in time.period:
                target_kind = "cumulative"
            item = DraftItem(
                kind="target",
                indicator=indicator,
                value=value if low is None else None,
                low=low,
                high=high,
                unit=unit,
                comparator=comparator,
                deadline=deadline,
                period=None,
                growth_yoy=None,
                published_usd=usd_of.get(qi),
                quote=sentence,
                start=offset,
                end=offset + len(sentence),
                confidence=round(confidence, 2),
                target_kind=target_kind,
                notes=tuple(notes),
            )
        out.append(item)
        prev_end = q.end
    # link baselines: "up from 7.8 percent in 2020" after its target, or an earlier actual
    # of the same unit in the sentence ("While X churned out 238,600 ..., output should exceed")
    _link_baselines(out)
    # growth reported without a figure: "output increased by 27% year-on-year"
    out.extend(_growth_only(sentence, offset, quantities, growth_only, times, ctx))
    out.extend(_milestones(sentence, offset, quantities, times, ctx))
    return out


def _growth_owner(sentence: str, quantities: list[Quantity], qi: int) -> int | None:
    """The figure a growth rate describes: the next one after "to", else the one before."""
    q = quantities[qi]
    if qi + 1 < len(quantities):
        nxt = quantities[qi + 1]
        between = sentence[q.end : nxt.start]
        if (
            re.fullmatch(
                r"\s*(?:year[- ]on[- ]year\s*|from\s+a\s+year\s+(?:earlier|ago)\s*)?,?"
                r"\s*(?:to\s+(?:RMB\s*|a\s+record\s+)?|[，,]?\s*(?:达到|达|至|为))",
                between,
                re.I,
            )
            and nxt.unit != "percent"
        ):
            return qi + 1
    if qi > 0:
        prev = quantities[qi - 1]
        between = sentence[prev.end : q.start]
        if (
            prev.unit != "percent"
            and len(between) < 60
            and not re.search(r"[;]|\bwhile\b|\band\b", between)
        ):
            return qi - 1
    return None


def _growth_only(
    sentence: str,
    offset: int,
    quantities: list[Quantity],
    candidates: set[int],
    times: list[TimeRef],
    ctx: _Context,
) -> list[DraftItem]:
    out: list[DraftItem] = []
    for qi in sorted(candidates):
        q = quantities[qi]
        if _FUTURE.search(sentence[: q.start][-60:]) and not any(t.past for t in times):
            continue  # a growth target ("grow by 8 percent a year") is not drafted
        time = next((t for t in times if t.past is True and t.period), None)
        if time is None:
            continue
        indicator_src = sentence[: q.start]
        measure = list(_MEASURE_RE.finditer(indicator_src))
        unit = ctx.currency if measure and _MONEY_MEASURE.search(measure[-1].group(0)) else None
        if unit is None:
            continue
        m = measure[-1]
        if _CJK_WORD.match(m.group(0)):
            indicator = _zh_measure_name(indicator_src, m)
        else:
            head = re.findall(r"[\w'’-]+", indicator_src[: m.start()])[-3:]
            head = [
                w for w in head if w.lower() not in ("the", "its", "their", "city's", "in", "of")
            ]
            indicator = " ".join([*head, m.group(0)])
        out.append(
            DraftItem(
                kind="observation",
                indicator=indicator,
                value=None,
                low=None,
                high=None,
                unit=unit,
                comparator=None,
                deadline=None,
                period=time.period,
                growth_yoy=q.value,
                published_usd=None,
                quote=sentence,
                start=offset,
                end=offset + len(sentence),
                confidence=0.7,
                notes=(f"growth only; unit {unit} assumed from '{m.group(0)}'",),
            )
        )
    return out


def _milestones(
    sentence: str, offset: int, quantities: list[Quantity], times: list[TimeRef], ctx: _Context
) -> list[DraftItem]:
    """Dated deliverables without a number: "a zone ... should be built in 2025"."""
    out: list[DraftItem] = []
    bounds = [0]
    for cut in _CLAUSE_CUT.finditer(sentence):
        bounds += [cut.start(), cut.end()]
    bounds.append(len(sentence))
    for cs, ce in zip(bounds[::2], bounds[1::2], strict=True):
        if any(cs <= q.start < ce for q in quantities):
            continue
        verb = _MILESTONE_VERB.search(sentence, cs, ce)
        if verb is None:
            continue
        dated = [
            t
            for t in times
            if cs <= t.start < ce and t.deadline and t.past is not True and not t.horizon
        ]
        if not dated:
            continue
        if not _FUTURE.search(sentence) and "form a number" not in verb.group(0).lower():
            continue
        # the clause itself, without its date and connectives, names the deliverable
        clause = sentence[cs:ce].replace(sentence[dated[0].start : dated[0].end], " ")
        clause = re.sub(r"^\W*(?:and\s+|meanwhile,?\s+)", "", clause.strip(), flags=re.I)
        clause = re.sub(r"^,\s*|\s+,", "", clause).strip(" ,.")
        indicator = re.split(r",\s+(?:which|involving|including)\b", clause)[0]
        indicator = re.sub(r"\s+", " ", indicator)[:120]
        out.append(
            DraftItem(
                kind="target",
                indicator=indicator,
                value=None,
                low=None,
                high=None,
                unit=None,
                comparator=None,
                deadline=dated[0].deadline,
                period=None,
                growth_yoy=None,
                published_usd=None,
                quote=sentence,
                start=offset,
                end=offset + len(sentence),
                confidence=0.5,
                target_kind="milestone",
                notes=("a dated deliverable without a number",),
            )
        )
    return out


_CLAUSE_CUT = re.compile(r",\s+(?:and|while|but|with)\s+|;\s*|,\s+(?=which\b)")


def _link_baselines(out: list[DraftItem]) -> None:
    """Link each actual to a later target of the same unit in its sentence (positions in out)."""
    for i, obs in enumerate(out):
        if obs.kind != "observation" or obs.value is None or obs.target is not None:
            continue
        for j, tgt in enumerate(out):
            if (
                tgt.kind == "target"
                and tgt.unit == obs.unit
                and tgt.baseline is None
                and tgt.target_kind != "milestone"
                and tgt.deadline is not None
                and obs.period is not None
                and "/" not in obs.period
                and int(obs.period[:4]) < int(tgt.deadline[:4])
            ):
                out[j] = replace(tgt, baseline=i)
                out[i] = replace(obs, target=j)
                break


def _dedupe(items: list[DraftItem]) -> list[DraftItem]:
    """Drop repeats (a caption restating the body); links to a repeat go to its first."""
    first_of: dict[tuple[object, ...], int] = {}
    kept_as: dict[int, int] = {}  # old position -> new position
    keep: list[int] = []
    for pos, item in enumerate(items):
        key = (
            item.kind,
            item.value,
            item.low,
            item.high,
            item.unit,
            item.deadline,
            item.period,
            item.growth_yoy,
        )
        if key in first_of:
            kept_as[pos] = kept_as[first_of[key]]
            continue
        first_of[key] = pos
        kept_as[pos] = len(keep)
        keep.append(pos)
    final: list[DraftItem] = []
    for old in keep:
        it = items[old]
        b = kept_as.get(it.baseline) if it.baseline is not None else None
        t = kept_as.get(it.target) if it.target is not None else None
        final.append(replace(it, baseline=b, target=t))
    return final
