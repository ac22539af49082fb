"""Chinese text: 亿 and 万 numerals, measure words, dates and comparators (synthetic text)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from xlreport.draft import draft_file

TEXT = Path(__file__).resolve().parents[1] / "data" / "draft" / "forms" / "zh-shanghai-future.txt"


def _rows(path: Path) -> list[tuple[object, ...]]:
    draft = draft_file(path, published=date(2024, 9, 3))
    for item in draft.items:
        assert draft.text[item.start : item.end] == item.quote
    return [
        (i.kind, i.value, i.unit, i.comparator, i.deadline or i.period, i.growth_yoy)
        for i in draft.items
    ]


EXPECTED = [
    # 5000亿元左右 = 5000 * 10**8 = 500 billion yuan, about, by 2030 (到2030年)
    ("target", 500e9, "CNY", "about", "2030", None),
    # 1000家以上: 1000 enterprises, more than (以上)
    ("target", 1000.0, "enterprises", "more_than", "2030", None),
    # 4.2万亿元 = 4.2 * 10**12 in 2023, 同比增长5.2% = growth 0.052
    ("observation", 4.2e12, "CNY", None, "2023", 0.052),
    # 今年1-7月 = January-July of 2024 (the year of publication), growth only
    ("observation", None, "CNY", None, "2024-YTD07", 0.18),
    # 超过120万辆 = more than 1.2 million vehicles by 2025
    ("target", 1.2e6, "vehicles", "more_than", "2025", None),
]


def test_chinese_text_in_utf8() -> None:
    # "约15个先导区" has no measure word of the model (个 counts anything): left out
    assert _rows(TEXT) == EXPECTED


def test_chinese_text_in_gb18030(tmp_path: Path) -> None:
    path = tmp_path / "gb.txt"
    path.write_bytes(TEXT.read_text(encoding="utf-8").encode("gb18030"))
    assert _rows(path) == EXPECTED
