"""Row heights from the font's real metrics, codes as words, columns broken into pages."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from xlreport.model import Qualifier
from xlreport.report.labels import STATUS_MEANING, VOCABULARIES, word
from xlreport.report.tables import page_breaks
from xlreport.report.textfit import TextFit, find_font

# Carlito (and Calibri) advance widths, in font units of a 2048-unit em: the digit zero
ZERO = 1038 / 2048


def test_calibri_is_found_or_its_metric_twin_carlito() -> None:
    path = find_font("Calibri")
    # setup.sh installs fonts-crosextra-carlito; on Windows Calibri itself is found
    assert path is not None and path.name.lower() in ("calibri.ttf", "carlito-regular.ttf")
    bold = find_font("Calibri", bold=True)
    assert bold is not None
    assert bold.name.lower() in ("calibrib.ttf", "carlito-bold.ttf")


def test_lines_follow_the_measured_width_of_the_text() -> None:
    fit = TextFit("Calibri", 10)
    # 10 pt is 13.333 px at 96 dpi; a zero is 1038/2048 em = 6.758 px wide
    # (FreeType measures in 1/64 px, at 100 px here: within 0.1%)
    assert fit.width_px("0") == pytest.approx(ZERO * 10 * 96 / 72, rel=1e-3)
    # a 10-character column is 10 * 7 + 5 = 75 px, 67 px of it for text (8 px padding):
    # nine zeros (60.8 px) fit, ten (67.6 px) do not
    assert fit.lines("0" * 9, 10) == 1
    assert fit.lines("0" * 10, 10) == 2
    # words wrap at spaces: "00000 00000" is 67.6 px plus a space: two lines
    assert fit.lines("00000 00000", 10) == 2
    # a line break in the text starts a line; an empty text still takes one
    assert fit.lines("0\n0\n0", 10) == 3
    assert fit.lines("", 10) == 1 and fit.lines(None, 10) == 1


def test_row_height_is_lines_times_the_fonts_line_spacing() -> None:
    fit = TextFit("Calibri", 10)
    # Carlito's line spacing is 1.22 em; Excel's rows are 1.12 times that (15 pt for 11 pt
    # Calibri); 3 pt of padding; rounded up to a quarter point:
    # one line: 1.22 * 10 * 1.12 + 3 = 16.66 -> 16.75; three: 40.99 + 3 = 43.99 -> 44.0
    assert fit.row_height(1) == 16.75
    assert fit.row_height(3) == 44.0


def test_without_the_font_file_each_character_counts_as_056_em() -> None:
    fit = TextFit("No Such Font", 10)
    assert fit.path is None
    # 8 characters: 8 * 0.56 * 13.333 = 59.7 px fit in 67 px; 10: 74.7 px do not
    assert fit.lines("abcdefgh", 10) == 1
    assert fit.lines("abcdefghij", 10) == 2


def test_columns_break_into_pages_that_fit_at_full_size() -> None:
    # a 10-character column prints 10 * 7.434 + 5 = 79.3 px wide in LibreOffice
    # (Carlito 11's digit, 1038/2048 * 14.667 px); a 170 px page holds two of them
    assert page_breaks([10, 10, 10], 170) == [2]
    # the first column repeated on each page: page 2 is column A + column C (158.7 px)
    assert page_breaks([10, 10, 10, 10], 170, repeat_first=True) == [2, 3]
    # a forced break starts a page even where the column would fit
    assert page_breaks([10, 10, 10], 500, forced=[1]) == [1]
    # a hidden column (width 0) takes no room
    assert page_breaks([10, 0, 10], 170) == []


def test_every_code_shown_becomes_words() -> None:
    snake = re.compile(r"[a-z]+_[a-z]+")
    for vocabulary in VOCABULARIES.values():
        assert not any(snake.search(v) for v in vocabulary.values())
    assert word("share_basis", "no_baseline") == "of the target (no baseline)"
    assert word("share_basis", "plan_start") == "summed since the plan's start"
    assert word("qualifier", Qualifier.UPPER_BOUND) == "nearly"
    assert word("qualifier", "lower_bound") == "more than"
    assert word("published_certainty", "inferred") == "inferred from the document"
    assert word("period_kind", "ytd") == "year to date"
    # a code no vocabulary names yet still reaches the page without underscores
    assert word("share_basis", "some_new_basis") == "some new basis"
    # other columns and other types pass unchanged (a date is not an enumeration)
    day = pd.Timestamp("2024-05-25")
    assert word("published", day) is day and word("name", "a_b") == "a_b"
    assert not any(snake.search(v) for v in STATUS_MEANING.values())
