"""Reading a printed report back: the word boxes of a PDF, as poppler's
``pdftotext -bbox-layout`` gives them, and the faults a reader would see on paper."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PrintFaults", "Word", "print_faults", "read_words"]

_NS = "{http://www.w3.org/1999/xhtml}"
#: an internal code: lower-case words joined by underscores (``no_baseline``)
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
MIN_HEIGHT = 7.0  # pt: a word box under this is text set below about 6 pt


@dataclass(frozen=True)
class Word:
    page: int
    line: int  # a line's number in the whole document
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def read_words(pdf: Path) -> list[Word]:
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    root = ET.fromstring(out)
    words: list[Word] = []
    line_no = 0
    for p, page in enumerate(root.iter(f"{_NS}page")):
        for line in page.iter(f"{_NS}line"):
            line_no += 1
            for w in line.iter(f"{_NS}word"):
                words.append(
                    Word(
                        p,
                        line_no,
                        w.text or "",
                        float(w.get("xMin", 0)),
                        float(w.get("yMin", 0)),
                        float(w.get("xMax", 0)),
                        float(w.get("yMax", 0)),
                    )
                )
    return words


@dataclass(frozen=True)
class PrintFaults:
    words: int
    small: list[Word]  # boxes under MIN_HEIGHT tall
    overlaps: list[tuple[Word, Word]]  # words of different lines printed over each other
    codes: list[str]  # snake_case words

    def row(self) -> tuple[int, int, int, int]:
        return self.words, len(self.small), len(self.overlaps), len(self.codes)


def _overlap(a: Word, b: Word) -> bool:
    """Printed over each other: the boxes share more than 0.5 pt across and more than
    a third of the smaller one's height (the boxes of a word's ascent and descent of
    lines set at single spacing touch by a little; that is not overprinting)."""
    dx = min(a.x1, b.x1) - max(a.x0, b.x0)
    dy = min(a.y1, b.y1) - max(a.y0, b.y0)
    return dx > 0.5 and dy > min(a.height, b.height) / 3


def print_faults(words: list[Word]) -> PrintFaults:
    small = [w for w in words if w.height < MIN_HEIGHT]
    overlaps: list[tuple[Word, Word]] = []
    by_page: dict[int, list[Word]] = {}
    for w in words:
        by_page.setdefault(w.page, []).append(w)
    for page in by_page.values():
        page.sort(key=lambda w: w.y0)
        for i, a in enumerate(page):
            for b in page[i + 1 :]:
                if b.y0 >= a.y1:
                    break
                if a.line != b.line and _overlap(a, b):
                    overlaps.append((a, b))
    codes = [m for w in words for m in SNAKE.findall(w.text)]
    return PrintFaults(len(words), small, overlaps, codes)
