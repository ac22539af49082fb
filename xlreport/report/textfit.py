"""How tall a wrapped cell must be: text measured with the font's real metrics.

Neither Excel nor LibreOffice sizes the rows of a generated file by itself (a row
written with a height keeps it; one without gets one line), so a wrapped cell either
has a height from here or prints over the row below. A text is wrapped at spaces and
hyphens as a spreadsheet does, each candidate line measured with Pillow's
``ImageFont`` in the report's font, at the column's width in pixels.

Finding the font (:func:`find_font`): the theme's font (``Calibri``), else its
metric-compatible twin (``Carlito``, Debian's ``fonts-crosextra-carlito``, the same
advance widths by design), looked up by file name in the usual font folders of Windows,
macOS and Linux (and ``XLREPORT_FONT_DIR`` when set). When no file is found, each
character counts as :data:`FALLBACK_EM` of the font size: wider than any of these
fonts' average character, so a row comes out a line too tall rather than too short.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "FALLBACK_EM",
    "TextFit",
    "column_pixels",
    "find_font",
    "text_fit",
]

#: width of a character in em when no font file is found (Calibri's average is ~0.45)
FALLBACK_EM = 0.56
#: line spacing in em when no font file is found (Calibri's and Carlito's: 1.22)
FALLBACK_LINE_EM = 1.22
#: Excel's row height over the font's line spacing (15 pt rows for 11 pt Calibri)
EXCEL_LINE_FACTOR = 1.12
#: pixels a cell loses to its padding and grid line, both sides together
CELL_PADDING_PX = 8
_MEASURE_SIZE = 100  # measure at 100 px and scale: exact for any point size

#: metric-compatible twins (same advance widths), by font family
_TWINS = {
    "calibri": ("Carlito",),
    "cambria": ("Caladea",),
    "arial": ("Liberation Sans", "Arimo"),
    "times new roman": ("Liberation Serif", "Tinos"),
    "courier new": ("Liberation Mono", "Cousine"),
}
#: file names of a family's regular and bold faces
_FILES = {
    "calibri": ("calibri.ttf", "calibrib.ttf"),
    "carlito": ("Carlito-Regular.ttf", "Carlito-Bold.ttf"),
    "cambria": ("cambria.ttc", "cambriab.ttf"),
    "caladea": ("Caladea-Regular.ttf", "Caladea-Bold.ttf"),
    "arial": ("arial.ttf", "arialbd.ttf"),
    "liberation sans": ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
}


def _font_dirs() -> list[Path]:
    dirs = []
    if os.environ.get("XLREPORT_FONT_DIR"):
        dirs.append(Path(os.environ["XLREPORT_FONT_DIR"]))
    windir = os.environ.get("WINDIR") or os.environ.get("SYSTEMROOT")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    local = os.environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    home = Path.home()
    dirs += [
        home / "Library" / "Fonts",
        Path("/Library/Fonts"),
        Path("/System/Library/Fonts"),
        home / ".local" / "share" / "fonts",
        home / ".fonts",
        Path("/usr/local/share/fonts"),
        Path("/usr/share/fonts"),
    ]
    return [d for d in dirs if d.is_dir()]


@cache
def _index() -> dict[str, Path]:
    """Font files by lower-case file name, in the folders of :func:`_font_dirs`."""
    out: dict[str, Path] = {}
    for folder in _font_dirs():
        for path in folder.rglob("*"):
            if path.suffix.lower() in (".ttf", ".ttc", ".otf"):
                out.setdefault(path.name.lower(), path)
    return out


def find_font(family: str, *, bold: bool = False) -> Path | None:
    """The file of ``family`` (or its metric-compatible twin), or None (module docstring)."""
    index = _index()
    for name in (family, *_TWINS.get(family.lower(), ())):
        files = _FILES.get(name.lower())
        if files is None:
            stem = name.replace(" ", "")
            files = (f"{stem}.ttf", f"{stem}-Bold.ttf")
        found = index.get(files[1 if bold else 0].lower())
        if found is not None:
            return found
    return None


def column_pixels(width: float) -> int:
    """A column's width in pixels from its width in characters (Excel's rule for the
    default 11 pt Calibri, whose digit is 7 px wide: what xlsxwriter writes)."""
    if width <= 0:
        return 0
    if width < 1:
        return int(width * 12 + 0.5)
    return int(width * 7 + 0.5) + 5


_BREAK = re.compile(r"(?<=[ \-/])")  # a line may end after a space, a hyphen or a slash


@dataclass(frozen=True)
class _Font:
    font: Any  # PIL.ImageFont.FreeTypeFont, or None: the fallback rule
    line_em: float


@cache
def _load(path: Path | None) -> _Font:
    if path is None:
        return _Font(None, FALLBACK_LINE_EM)
    from PIL import ImageFont

    font = ImageFont.truetype(str(path), _MEASURE_SIZE)
    # FreeType's line spacing: ascent + descent + line gap (Carlito 1.22 em)
    return _Font(font, float(font.font.height) / _MEASURE_SIZE)


class TextFit:
    """Lines and row heights of wrapped text in one font and size (module docstring)."""

    def __init__(self, family: str, size_pt: float, *, bold: bool = False) -> None:
        self.path = find_font(family, bold=bold)
        self._font = _load(self.path)
        self.size_pt = size_pt
        self._px = size_pt * 96 / 72  # the font size in pixels at 96 dpi
        self._widths: dict[str, float] = {}
        self._lines: dict[tuple[str, float], int] = {}

    def width_px(self, text: str) -> float:
        """The advance width of ``text`` in pixels at 96 dpi."""
        known = self._widths.get(text)
        if known is not None:
            return known
        if self._font.font is None:
            w = len(text) * FALLBACK_EM * self._px
        else:
            w = float(self._font.font.getlength(text)) * self._px / _MEASURE_SIZE
        if len(self._widths) < 100_000:
            self._widths[text] = w
        return w

    def lines(self, text: Any, width_chars: float) -> int:
        """Lines ``text`` wraps to in a column ``width_chars`` characters wide."""
        if not isinstance(text, str) or not text:
            return 1
        key = (text, width_chars)
        known = self._lines.get(key)
        if known is not None:
            return known
        room = column_pixels(width_chars) - CELL_PADDING_PX
        total = 1
        if room > 0:
            total = max(sum(self._paragraph_lines(p, room) for p in text.split("\n")), 1)
        if len(self._lines) < 100_000:
            self._lines[key] = total
        return total

    def _paragraph_lines(self, para: str, room: float) -> int:
        """Greedy wrapping as a spreadsheet does it; a line's width is the sum of its
        pieces' widths (each piece measured once: texts repeat their words)."""
        pieces = [p for p in _BREAK.split(para) if p]
        if not pieces:
            return 1
        space = self.width_px(" ")
        lines, used = 1, 0.0
        for piece in pieces:
            w = self.width_px(piece)
            trail = space if piece.endswith(" ") else 0.0
            if used and used + w - trail > room:
                lines += 1
                used = 0.0
            used += w
            # a piece wider than the column breaks between characters
            while used - trail > room and len(piece) > 1:
                cut = self._fit(piece, room)
                lines += 1
                piece = piece[cut:]
                used = self.width_px(piece)
        return lines

    def _fit(self, text: str, room: float) -> int:
        lo, hi = 1, len(text)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.width_px(text[:mid]) <= room:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def row_height(self, lines: int) -> float:
        """Points a row needs for ``lines`` lines (Excel's spacing, LibreOffice's is less)."""
        line = self._font.line_em * self.size_pt * EXCEL_LINE_FACTOR
        return math.ceil((line * max(lines, 1) + 3) * 4) / 4  # quarter points, as Excel


@cache
def text_fit(family: str, size_pt: float, *, bold: bool = False) -> TextFit:
    """A shared :class:`TextFit` (its measurements are cached)."""
    return TextFit(family, size_pt, bold=bold)
