"""The report workbook as a user gets it: sheets, tables, charts, formats, safety, output.

Workbooks are read back with openpyxl and python-calamine, and their XML parts directly.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import signal
import subprocess
import sys
import time
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from xlreport.data import load_embedded_dataset
from xlreport.errors import OutputError
from xlreport.fx import RateBook
from xlreport.progress import STATUSES
from xlreport.report import load_template, prepare_report, write_monthly_report
from xlreport.report.api import write_report_file
from xlreport.store import Store
from xlreport.vintage import current_observations

sys.path.insert(0, str(Path(__file__).parent))
from report_synthetic import synthetic_dataset

GENERATED = datetime(2024, 6, 1, 9, 30, tzinfo=UTC)

OPENPYXL_EXT = pytest.mark.filterwarnings(
    "ignore:.*extension is not supported and will be removed:UserWarning"
)


def _openpyxl(path: Path, **kw: object):
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*extension is not supported")
        return openpyxl.load_workbook(path, **kw)


@pytest.fixture(scope="module")
def book() -> RateBook:
    return RateBook.default()


@pytest.fixture
def report(isolated: Path, book: RateBook) -> Path:
    with Store.open() as store:
        store.init()
        result = write_monthly_report(
            month="2024-05",
            store=store,
            book=book,
            out_dir=isolated / "out",
            generated_at=datetime(2024, 6, 1, 9, 30),
        )
    assert result.path == isolated / "out" / "plan-targets-report-2024-05.xlsx"
    assert result.as_of == date(2024, 5, 31) and result.pdf_path is None
    return result.path


def _part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(name).decode("utf-8")


def _sheet_part(path: Path, title: str) -> str:
    wb = _openpyxl(path)
    index = wb.sheetnames.index(title) + 1
    return _part(path, f"xl/worksheets/sheet{index}.xml")


def test_sheets_tables_names_and_properties(report: Path) -> None:
    wb = _openpyxl(report)
    plans = [
        "lingang-2025",
        "shanghai-highend-2025",
        "shanghai-future-2030",
        "lingang-pioneer-2030",
    ]
    assert wb.sheetnames == [
        "Cover",
        "Summary",
        *plans,
        "Charts",
        "Changes",
        "Currency",
        "Sources",
        "Observations",
        "xlr_chart_data",
    ]
    assert wb["xlr_chart_data"].sheet_state == "hidden"
    for name in plans:
        ws = wb[name]
        assert len(ws.tables) == 1
        table = next(iter(ws.tables.values()))
        assert table.autoFilter is not None
        assert ws.freeze_panes == "B5"
        assert ws.page_setup.orientation == "landscape"
        # printed at 100% (never shrunk): the details break onto the next pages, the
        # target's name (column A) repeated on each
        setup = ws.sheet_properties.pageSetUpPr
        assert setup is None or not setup.fitToPage
        assert ws.page_setup.scale in (None, 100)
        assert ws.col_breaks.count >= 1
        assert ws.print_title_rows == "$4:$4" and ws.print_title_cols == "$A:$A"
        assert "as of 2024-05-31" in ws.oddFooter.left.text
        assert "&P" in ws.oddFooter.right.text
    assert {"ReportRate", "StatusCounts", "PlanSummary"} <= set(wb.defined_names)
    # lingang-2025 has 7 targets: its table spans the header row 4 and rows 5-11
    assert next(iter(wb["lingang-2025"].tables.values())).ref.endswith("11")
    assert wb.properties.title == "Plan targets: monthly progress report: 2024-05"
    assert "2024-05-31" in wb.properties.subject


def test_charts_and_conditional_formats(report: Path) -> None:
    with zipfile.ZipFile(report) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    # the summary's statuses by plan, one scatter of all plans + a line chart for each
    # target with a time series (the Lin-gang output 2022-2023 and the IC turnover
    # 2019-2020)
    assert len(charts) == 4
    kinds = sorted(
        "scatter" if "<c:scatterChart>" in x else "bar" if "<c:barChart>" in x else "?"
        for x in (_part(report, c) for c in charts)
    )
    assert kinds == ["bar", "scatter", "scatter", "scatter"]
    plan_xml = _sheet_part(report, "lingang-2025")
    assert plan_xml.count('type="cellIs"') == len(STATUSES)  # one traffic light per status
    assert "<dataBar" in plan_xml
    summary_xml = _sheet_part(report, "Summary")
    assert "<dataBar" in summary_xml and 'type="cellIs"' in summary_xml


def test_values_read_back_with_calamine(report: Path) -> None:
    wb = CalamineWorkbook.from_path(str(report))
    rows = wb.get_sheet_by_name("lingang-2025").to_python()
    header = rows[3]
    by_name = {r[header.index("Target")]: r for r in rows[4:]}
    output = by_name["Industrial output value"]
    # no baseline: share = 433.3 bn / 500 bn = 0.8666; the trend is one year-on-year rate
    # (2022 derived from it), so no Eurostat class: not assessable
    assert output[header.index("Share achieved")] == pytest.approx(0.8666, rel=1e-12)
    assert output[header.index("Status")] == "not assessable"
    assert output[header.index("Latest actual")] == 433.3e9
    # "nearly 340 billion" (2021): the qualifier stands beside the latest and the assessed
    # value alike, as a word
    scale = next(r for r in rows[4:] if r[header.index("Latest actual")] == 340e9)
    assert scale[header.index("As stated")] == "nearly"
    assert scale[header.index("Actual assessed")] == 340e9
    assert scale[header.index("Assessed as stated")] == "nearly"
    # the biomedicine base is stated as "exceeding 600 billion" (2020): its qualifier
    # stands beside the reference value too
    sh = wb.get_sheet_by_name("shanghai-highend-2025").to_python()
    bio = next(r for r in sh[4:] if r[sh[3].index("Target")].startswith("Biomedicine"))
    assert bio[sh[3].index("Reference value")] == 600e9
    assert bio[sh[3].index("Reference as stated")] == "more than"
    summary = wb.get_sheet_by_name("Summary").to_python()
    top = next(i for i, r in enumerate(summary) if r[:3] == ["Status", "Targets", "Share"])
    counts = {r[0]: r[1] for r in summary[top + 1 : top + 1 + len(STATUSES)] if r[0]}
    # 36 targets: 4 pending milestones, 32 not assessable (as of 2024-05-31)
    assert counts["on track"] == 0 and counts["pending"] == 4 and counts["not assessable"] == 32
    cover = wb.get_sheet_by_name("Cover").to_python()
    flat = [str(c) for row in cover for c in row]
    assert "2024-05" in flat and any("ECB" in c for c in flat)


def test_observations_appendix_lists_what_is_in_force_under_a_filter(report: Path) -> None:
    # written row by row to disk (a streamed sheet): every row must still be there
    in_force = current_observations(load_embedded_dataset().observations, date(2024, 5, 31))
    wb = CalamineWorkbook.from_path(str(report))
    rows = wb.get_sheet_by_name("Observations").to_python()
    header = rows[3]
    # indicators by name (the target's), their ids in the last column
    assert header == [
        "Indicator",
        "Period",
        "As stated",
        "Value",
        "Unit",
        "Published",
        "Source",
        "Indicator id",
    ]
    body = [r for r in rows[4:] if any(c != "" for c in r)]
    assert sorted(r[7] for r in body) == sorted(o.indicator for o in in_force)
    by_key = {(r[7], r[1]): r for r in body}
    output = by_key[("lingang.industrial-output", "2023")]
    assert output[0] == "Industrial output value"
    assert output[3] == 433.3e9 and output[4] == "CNY"
    # "nearly 340 billion": the qualifier stands beside its value, as a word
    assert by_key[("lingang.frontier-industry-scale", "2021")][2] == "nearly"
    assert output[header.index("Published")] == date(2024, 5, 25)
    ws = _openpyxl(report)["Observations"]
    last = 4 + len(in_force)
    assert ws.auto_filter.ref == f"A4:H{last}" and ws.freeze_panes == "A5"
    assert not ws.tables  # a filtered range: xlsxwriter streams no table
    assert ws.print_title_rows == "$4:$4"
    name = _openpyxl(report).defined_names["ObservationsInForce"]
    assert name.attr_text == f"'Observations'!$A$4:$H${last}"


def test_a_streamed_sheet_keeps_text_as_text_and_refuses_rows_out_of_order(
    tmp_path: Path,
) -> None:
    import xlsxwriter

    from xlreport.report.render import WORKBOOK_OPTIONS
    from xlreport.report.tables import StreamedWorksheet

    path = tmp_path / "streamed.xlsx"
    wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    ws = wb.add_worksheet("S", worksheet_class=StreamedWorksheet)
    other = wb.add_worksheet("T")
    for r, text in enumerate([*INJECTIONS, "1e5", "007"]):
        ws.write_string(r, 0, text)
        ws.write_number(r, 1, r * 0.5)
    with pytest.raises(ValueError, match="row 2 is written after row 9"):
        ws.write_string(1, 0, "too late")
    other.add_table(0, 0, 2, 1)  # the other sheets keep their tables
    wb.close()
    sheet = _openpyxl(path)["S"]
    cells = [(row[0].value, row[0].data_type, row[1].value) for row in sheet.iter_rows()]
    assert cells == [(t, "s", r * 0.5) for r, t in enumerate([*INJECTIONS, "1e5", "007"])]
    assert _openpyxl(path)["T"].tables
    xml = _part(path, "xl/worksheets/sheet1.xml")
    assert "<f>" not in xml and "<hyperlink" not in xml and "too late" not in xml


def test_rows_written_as_whole_columns_read_back_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np
    import xlsxwriter

    from xlreport.report import tables
    from xlreport.report.render import WORKBOOK_OPTIONS
    from xlreport.report.tables import StreamColumn, StreamedWorksheet

    monkeypatch.setattr(tables, "_BLOCK", 3)  # rows made in blocks of 3, 3, 3 and 1

    path = tmp_path / "columns.xlsx"
    wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    ws = wb.add_worksheet("S", worksheet_class=StreamedWorksheet)
    pct = wb.add_format({"num_format": "0.0%"})
    money = wb.add_format({"num_format": "#,##0"})
    ws.write_string(0, 0, "header")
    texts = np.array([*INJECTIONS, None, "a & <b>", INJECTIONS[0]], dtype=object)
    # 17 significant digits survive (xlsxwriter's own writer keeps 16)
    numbers = np.array([433.3e9 / 1.225, 0.1, np.nan, 1e-300, -2.5, 0.0, 7.0, 3.0, 1.0, 2.0])
    formats = [pct, money, pct, None, money, pct, money, pct, money, pct]
    last = ws.write_rows(1, [StreamColumn(texts, None), StreamColumn(numbers, formats)])
    assert last == 10
    with pytest.raises(ValueError, match="row 11 is written after row 12"):
        ws.write_string(10, 0, "again")
    with pytest.raises(ValueError, match="rows from 5 are written after row 12"):
        ws.write_rows(4, [StreamColumn(np.array(["x"], dtype=object), None)])
    ws.write_string(11, 0, "after")
    with pytest.raises(ValueError, match="rows from 12 are written after row 12"):
        ws.write_rows(11, [StreamColumn(np.array(["x"], dtype=object), None)])
    wb.close()
    sheet = _openpyxl(path)["S"]
    got = [(r[0].value, r[1].value, r[1].number_format) for r in sheet.iter_rows(min_row=2)]
    expected = [
        (None if t is None else t, None if n != n else n, f.num_format if f else "General")
        for t, n, f in zip(texts, numbers, formats, strict=True)
    ]
    assert got[:10] == expected and got[10][0] == "after"
    assert got[0][1] == 353714285714.2857  # 433.3e9 / 1.225, every digit
    assert all(r[0].data_type == "s" for r in sheet.iter_rows(min_row=2) if r[0].value)
    sst = _part(path, "xl/sharedStrings.xml")
    # the column's 9 texts, 8 distinct (7 injections + "a & <b>"); what xlsxwriter
    # writes itself on a streamed sheet ("header", "after") is inline
    head = re.search(r"<sst [^>]*>", sst).group(0)
    assert 'count="9"' in head and 'uniqueCount="8"' in head, head
    assert "a &amp; &lt;b&gt;" in sst


def _cell_xfs(path: Path) -> int:
    styles = _part(path, "xl/styles.xml")
    return int(re.search(r'<cellXfs count="(\d+)"', styles).group(1))


@pytest.mark.slow
def test_formats_are_cached_not_made_per_cell(tmp_path: Path, book: RateBook) -> None:
    tpl = load_template()
    counts = []
    for n in (10, 200):
        ds = synthetic_dataset(n, 38)
        data = prepare_report(
            ds,
            month="2024-03",
            as_of=date(2024, 3, 31),
            currency="USD",
            book=book,
            generated_at=datetime(2024, 4, 1),
            data_vintage=None,
        )
        folder = tmp_path / str(n)
        folder.mkdir()
        counts.append(_cell_xfs(write_report_file(data, tpl, folder)))
    # twenty times the rows, the same small set of formats
    assert counts[0] == counts[1]
    assert counts[1] < 60


INJECTIONS = [
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "@SUM(A1)",
    "-1+1",
    "{=1+1}",
    "http://x",
    "external:c:\\x.exe",
]


def test_text_from_data_stays_text(tmp_path: Path, book: RateBook) -> None:
    ds = synthetic_dataset(len(INJECTIONS), 14, plans=1, names=INJECTIONS)
    text = (load_template().folder / "default.toml").read_text(encoding="utf-8")
    text = text.replace('"name", "status",', '"name", "note", "status",')
    custom = tmp_path / "with-notes.toml"
    custom.write_text(text.replace('logo = "logo.png"', 'logo = ""'), encoding="utf-8")
    data = prepare_report(
        ds,
        month="2022-03",
        as_of=date(2022, 3, 31),
        currency="USD",
        book=book,
        generated_at=datetime(2022, 4, 1),
        data_vintage=None,
    )
    path = write_report_file(data, load_template(custom), tmp_path)
    wb = _openpyxl(path)
    ws = wb["synthetic-plan-00"]
    header = [c.value for c in ws[4]]
    seen = set()
    for row in ws.iter_rows(min_row=5):
        for key in ("Target", "Note"):
            cell = row[header.index(key)]
            assert cell.data_type == "s", (cell.coordinate, cell.value)
            assert cell.hyperlink is None
            seen.add(cell.value)
    assert set(INJECTIONS) <= seen
    with zipfile.ZipFile(path) as z:
        sheets = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets"))
        # the only links are the report's own, to places in the workbook
        links = re.findall(r"<hyperlink [^>]*>", sheets)
        assert links and all('location="' in h and "r:id" not in h for h in links)
        assert "HYPERLINK" not in sheets.split("<sheetData>")[0]
        assert not any(
            n.endswith(".rels") and "External" in z.read(n).decode() for n in z.namelist()
        )
    # no formula anywhere contains the injected text
    formulas = re.findall(r"<f>(.*?)</f>", sheets)
    assert formulas and not any("HYPERLINK" in f or "cmd" in f or "SUM(A1)" in f for f in formulas)


def test_destination_that_is_not_a_folder_names_the_path(isolated: Path, book: RateBook) -> None:
    blocker = isolated / "a-file"
    blocker.write_text("not a folder")
    with Store.open() as store:
        store.init()
        for out in (blocker, blocker / "sub"):
            with pytest.raises(OutputError, match=re.escape(str(out))):
                write_monthly_report(
                    month="2024-05", store=store, book=book, out_dir=out, generated_at=GENERATED
                )


def test_pdf_without_libreoffice_is_a_clear_error(
    report: Path, monkeypatch: pytest.MonkeyPatch, book: RateBook
) -> None:
    monkeypatch.setenv("PATH", str(report.parent))  # a folder without soffice
    with Store.open() as store, pytest.raises(OutputError, match=r"soffice.*--pdf"):
        write_monthly_report(
            month="2024-05",
            store=store,
            book=book,
            out_dir=report.parent,
            pdf=True,
            generated_at=GENERATED,
        )


_WRITER = """
import pickle, sys
from xlreport.report.api import write_report_file
data, template, folder = pickle.loads(open(sys.argv[1], "rb").read())
print("ready", flush=True)
sys.stdin.readline()
write_report_file(data, template, folder)
print("done", flush=True)
"""


@pytest.mark.slow
def test_killed_writer_leaves_the_previous_report_intact(tmp_path: Path, book: RateBook) -> None:
    tpl = load_template()
    small = prepare_report(
        synthetic_dataset(30, 14),
        month="2022-03",
        as_of=date(2022, 3, 31),
        currency="USD",
        book=book,
        generated_at=datetime(2022, 4, 1),
        data_vintage=None,
    )
    previous = write_report_file(small, tpl, tmp_path)
    digest = hashlib.sha256(previous.read_bytes()).hexdigest()
    # the child writes a big report (several seconds) over the same file
    big = prepare_report(
        synthetic_dataset(1000, 40),
        month="2022-03",
        as_of=date(2022, 3, 31),
        currency="USD",
        book=book,
        generated_at=datetime(2022, 4, 1),
        data_vintage=None,
    )
    job = tmp_path / "job.pickle"
    job.write_bytes(pickle.dumps((big, tpl, tmp_path)))
    killed_while_writing = 0
    for delay in (0.05, 0.3, 0.8, 1.6):
        child = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(job)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None and child.stdin is not None
        assert child.stdout.readline().strip() == "ready"
        child.stdin.write("go\n")
        child.stdin.flush()
        time.sleep(delay)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        said_done = "done" in child.stdout.read()
        child.stdout.close()
        child.stdin.close()
        now = hashlib.sha256(previous.read_bytes()).hexdigest()
        # The file is either the previous report byte for byte or the new one whole.
        # (Whether the child was still running says nothing: it may be killed after the
        # rename, during its exit; CI once was.)
        if now == digest:  # killed before the rename
            assert not said_done, "the writer finished but the report was not replaced"
            killed_while_writing += 1
        else:  # the rename happened: the new report replaced the previous one
            digest = now
        assert _openpyxl(previous).sheetnames[0] == "Cover"
    # at least the early kills landed while the big report was being written
    assert killed_while_writing >= 1
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(".xlreport-tmp-")]
    assert leftovers  # what a killed writer leaves; the next run removes those over an hour old
