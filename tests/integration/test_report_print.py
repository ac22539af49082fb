"""The report on paper: printed to PDF by LibreOffice (as ``--pdf`` does) and read back
word by word with poppler (``pdftotext -bbox-layout``).

What a manager would notice: text too small to read (a word box under 7 pt tall is
text set below about 6 pt), words printed over words of another line, internal codes
(``no_baseline``), a column whose header is missing from the paper. Reports: the
embedded data for 2024-05 and for the last complete month, a SYNTHETIC portfolio,
in USD and CNY, on A4 and US Letter.
"""

from __future__ import annotations

import re
import shutil
import warnings
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from pdf_words import Word, print_faults, read_words
from python_calamine import CalamineWorkbook
from report_synthetic import synthetic_dataset
from schedule_env import make_env_with_share, schedule_toml, visible_files

from xlreport.fx import RateBook
from xlreport.report import write_monthly_report
from xlreport.report.api import write_report_file
from xlreport.report.libreoffice import LibreOffice
from xlreport.report.prepare import prepare_report
from xlreport.report.template import load_template
from xlreport.store import Store

pytestmark = pytest.mark.libreoffice

PLANS = ("lingang-2025", "shanghai-highend-2025", "shanghai-future-2030", "lingang-pioneer-2030")
#: the last complete month as of "today" (2026-12-01), fixed: the shipped ECB file ends
#: 2026-10-30, so its rates are provisional (the last published day, and the report says so)
LAST_COMPLETE_MONTH = "2026-11"


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LibreOffice]:
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        pytest.fail("LibreOffice (soffice) and poppler (pdftotext) are required here")
    yield LibreOffice(tmp_path_factory.mktemp("lo-print") / "profile")


@pytest.fixture(scope="module")
def book() -> RateBook:
    return RateBook.default()


def _template(folder: Path, paper: str) -> Path:
    """The default template on ``paper`` (a copy; its logo beside it)."""
    default = load_template()
    text = (default.folder / "default.toml").read_text(encoding="utf-8")
    text = text.replace('paper = "A4"', f'paper = "{paper}"')
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(default.folder / "logo.png", folder / "logo.png")
    path = folder / f"print-{paper}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _embedded(folder: Path, month: str, currency: str, template: Path) -> Path:
    with Store.open(f"sqlite:///{folder / 'db.sqlite3'}") as store:
        store.init()
        return write_monthly_report(
            month=month,
            currency=currency,
            template=template,
            store=store,
            book=RateBook.default(),
            out_dir=folder / "out",
            generated_at=datetime(2026, 12, 1, 9, 0),  # a fixed clock, never today
        ).path


def _synthetic(folder: Path, book: RateBook, currency: str, template: Path) -> Path:
    data = prepare_report(
        synthetic_dataset(30, 14, plans=3),
        month="2024-03",
        as_of=date(2024, 3, 31),
        currency=currency,
        book=book,
        generated_at=datetime(2024, 4, 1, 9, 0),
        data_vintage=None,
    )
    out = folder / "out"
    out.mkdir(parents=True, exist_ok=True)
    return write_report_file(data, load_template(template), out)


def _plan_headers(xlsx: Path) -> dict[str, list[str]]:
    """Sheet -> the visible column headers of its plan table (hidden inputs left out)."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        wb = openpyxl.load_workbook(xlsx)
    out: dict[str, list[str]] = {}
    others = {"Cover", "Summary", "Charts", "Changes", "Currency", "Sources", "Observations"}
    for ws in wb.worksheets:
        if ws.title in others or ws.sheet_state == "hidden":
            continue
        hidden = {
            c
            for dim in ws.column_dimensions.values()
            if dim.hidden
            for c in range(dim.min, dim.max + 1)
        }
        for table in ws.tables.values():
            out[ws.title] = [
                str(col.name) for i, col in enumerate(table.tableColumns) if i + 1 not in hidden
            ]
    return out


def _page_text(words: list[Word]) -> set[str]:
    return {w.text.strip(".,;:()") for w in words}


def _check_print(xlsx: Path, office: LibreOffice, tmp: Path) -> list[Word]:
    pdf = office.convert(xlsx, "pdf", tmp / "pdf")
    words = read_words(pdf)
    faults = print_faults(words)
    assert faults.words > 500
    small = [(w.page + 1, w.text, round(w.height, 1)) for w in faults.small]
    assert not small, f"word boxes under 7 pt tall (page, word, height): {small[:10]}"
    over = [(a.page + 1, a.text, b.text) for a, b in faults.overlaps]
    assert not over, f"words printed over words of another line: {over[:10]}"
    assert not faults.codes, f"internal codes on paper: {sorted(set(faults.codes))}"
    seen = _page_text(words)
    for sheet, headers in _plan_headers(xlsx).items():
        for header in headers:
            missing = [p for p in header.split() if p.strip(".,;:()") not in seen]
            assert not missing, (sheet, header, missing)
    # nothing prints beyond a page's right edge: no column is cut
    assert max(w.x1 for w in words) < 842  # A4 landscape is 842 pt wide, Letter 792
    return words


def _opens_cleanly(xlsx: Path) -> None:
    """Every part parses (no repair prompt) and every sheet reads back with openpyxl and
    python-calamine."""
    import openpyxl
    from defusedxml import ElementTree

    with zipfile.ZipFile(xlsx) as z:
        assert z.testzip() is None
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(z.read(name))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        wb = openpyxl.load_workbook(xlsx)
    cal = CalamineWorkbook.from_path(str(xlsx))
    assert set(wb.sheetnames) == set(cal.sheet_names)
    for name in cal.sheet_names:
        cal.get_sheet_by_name(name).to_python()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("month", "currency", "paper"),
    [("2024-05", "USD", "A4"), ("2024-05", "CNY", "letter"), (LAST_COMPLETE_MONTH, "USD", "A4")],
)
def test_embedded_report_reads_on_paper(
    tmp_path: Path, office: LibreOffice, month: str, currency: str, paper: str
) -> None:
    xlsx = _embedded(tmp_path, month, currency, _template(tmp_path / "tpl", paper))
    _opens_cleanly(xlsx)
    words = _check_print(xlsx, office, tmp_path)
    text = " ".join(w.text for w in words)
    assert "May 2024" in text or month != "2024-05"
    if month == LAST_COMPLETE_MONTH:
        # the rate of 2026-10-30 stands for 2026-11-30 (31 days later): provisional, said
        assert "provisional: rate of 2026-10-30" in text
    if currency == "CNY":
        # the plans' own currency: nothing converts, and the report says so once
        assert "1 CNY = 1" not in text and "1.0000" not in text
        assert "none: amounts are in CNY, the plans' own currency" in text
        assert "Latest actual (CNY)" not in text


@pytest.mark.slow
@pytest.mark.parametrize(("currency", "paper"), [("USD", "letter"), ("CNY", "A4")])
def test_synthetic_portfolio_reads_on_paper(
    tmp_path: Path, office: LibreOffice, book: RateBook, currency: str, paper: str
) -> None:
    xlsx = _synthetic(tmp_path, book, currency, _template(tmp_path / "tpl", paper))
    _opens_cleanly(xlsx)
    _check_print(xlsx, office, tmp_path)


def test_summary_warns_when_the_newest_figure_is_old(tmp_path: Path) -> None:
    tpl = _template(tmp_path / "tpl", "A4")
    old = _embedded(tmp_path / "old", LAST_COMPLETE_MONTH, "USD", tpl)
    fresh = _embedded(tmp_path / "fresh", "2024-05", "USD", tpl)

    def summary_cells(path: Path) -> list[str]:
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Summary").to_python()
        return [str(c) for r in rows for c in r if c != ""]

    # the newest figure of the embedded data was published 2024-05-25: by 2026-11-30 that
    # is 2 years 6 months = 30 whole months (the 25th is before the 30th), past 12
    assert (
        "Warning: the newest figure was published on 2024-05-25, 30 months before this "
        "report's date; the report shows nothing more recent." in summary_cells(old)
    )
    # in the 2024-05 report it is six days old
    cells = summary_cells(fresh)
    assert "The newest figure was published on 2024-05-25." in cells
    assert not any(c.startswith("Warning") for c in cells)
    # "6 figures published in May 2024" (new: the 2023 output and 5 others that month)
    assert any(c.startswith("6 figures published in May 2024") for c in cells)


def test_contents_and_see_sheet_references_are_internal_links(tmp_path: Path) -> None:
    xlsx = _embedded(tmp_path, "2024-05", "USD", _template(tmp_path / "tpl", "A4"))
    with zipfile.ZipFile(xlsx) as z:
        names = z.namelist()
        sheets = {n: z.read(n).decode() for n in names if n.startswith("xl/worksheets/sheet")}
        rels = "".join(z.read(n).decode() for n in names if n.endswith(".rels"))
    links = [h for xml in sheets.values() for h in re.findall(r"<hyperlink [^>]*>", xml)]
    targets = {re.search(r'location="([^"]*)"', h).group(1) for h in links}  # type: ignore[union-attr]
    # the cover lists every sheet, each plan's among them
    for plan in PLANS:
        assert f"'{plan}'!A1" in targets
    assert {"'Summary'!A1", "'Changes'!A1", "'Currency'!A1"} <= targets
    # internal locations only: no relationship to a file or a web address
    assert all("r:id" not in h for h in links)
    assert 'TargetMode="External"' not in rels


def test_scheduler_writes_the_pdf_beside_the_workbook(tmp_path: Path) -> None:
    database = tmp_path / "init"
    database.mkdir()
    from schedule_env import init_database

    env, share = make_env_with_share(tmp_path / "env", init_database(database))
    env.write_config(schedule_toml("monthly", share, pdf=True, start="2024-05"))
    # 2024-06-01 06:00 in Shanghai: the May 2024 report is due, and only it
    done = env.run_due("2024-06-01T06:00+08:00")
    assert done.returncode == 0, done.stderr
    assert visible_files(share) == ["monthly_2024-05.pdf", "monthly_2024-05.xlsx"]
    words = read_words(share / "monthly_2024-05.pdf")
    faults = print_faults(words)
    assert faults.words > 500 and not faults.small and not faults.overlaps
    assert "summary" in {w.text for w in words}  # "Plan targets: ... report: summary"


def test_summary_tells_the_month_in_sentences_and_tiles(tmp_path: Path) -> None:
    xlsx = _embedded(tmp_path, LAST_COMPLETE_MONTH, "USD", _template(tmp_path / "tpl", "A4"))
    rows = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_name("Summary").to_python()
    cells = [str(c) for r in rows for c in r if c != ""]
    # the statuses of November 2026 (tests/unit/test_progress_seed_table.py works them out
    # target by target): 6 awaiting their final figure (cutting-edge scale, industrial
    # output, IC, biomedicine, AI, NEV output), 3 milestones past their date without news,
    # 1 milestone not yet due (the 2035 clusters), 26 with no figure at all; 36 in all
    assert (
        "36 targets in 4 plans: 6 awaiting their final figure, 3 milestones unconfirmed, "
        "1 milestone pending, 26 not assessable." in cells
    )
    assert "0 figures published in November 2026; 0 statuses changed since 2026-10-31." in cells
    # shares known for two targets only, both without a baseline (A / T):
    # 433.3 / 500 = 86.66% and 340 / 600 = 56.67%; mean (0.8666 + 0.5667) / 2 = 71.7%,
    # the 34 unknown shares left out rather than counted as 0%
    assert "Mean share achieved 71.7% over 2 targets with a known share (of 36)." in cells
    # the headline boxes, in order: targets, met or done, on track, behind, awaiting,
    # unconfirmed, pending, not assessable, figures published in the month
    boxes = next(r for r in rows if r and r[0] == "Headline")
    assert [int(v) for v in boxes[1:10]] == [36, 0, 0, 0, 6, 3, 1, 26, 0]
    labels = rows[rows.index(boxes) + 2][1:10]
    assert labels[3:6] == ["Behind", "Awaiting final figure", "Unconfirmed milestones"]
