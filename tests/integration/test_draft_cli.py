"""``xlreport data draft``: real seed files and synthetic pages in, JSON or a workbook out,
and the drafted workbook through review into a real SQLite store."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from xlreport.cli.app import main
from xlreport.draft import JSON_KEYS
from xlreport.draft.document import text_from_html
from xlreport.store import Store

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
DATA = Path(__file__).resolve().parents[1] / "data" / "draft"
SEED_2024 = SEEDS / "000_46b111438a413db0.txt"
SEED_2021 = SEEDS / "001_98401e7fb82e348b.txt"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed documents not at {SEEDS}")


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@needs_seeds
def test_json_of_a_seed_has_the_issue_keys_and_quotes_in_the_text(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _run(capsys, "data", "draft", str(SEED_2024), "--published", "2024-05-25")
    assert code == 0
    items = json.loads(out)
    text = SEED_2024.read_text(encoding="utf-8")
    assert items and all(tuple(i) == JSON_KEYS for i in items)
    for i in items:
        assert text[i["start"] : i["end"]] == i["quote"]
        assert 0 < i["confidence"] <= 1
    goal = next(i for i in items if i["deadline"] == "2030")
    # "100 billion yuan ($13.88 billion) by 2030": full units, the dollar figure linked
    assert (goal["value"], goal["unit"], goal["published_usd"]) == (100e9, "CNY", 13.88e9)
    actual = next(
        i
        for i in items
        if i["period"] == "2023" and i["growth_yoy"] is not None and i["value"] == 433.3e9
    )
    assert actual["kind"] == "observation" and actual["growth_yoy"] == 0.225  # 22.5 percent
    # the definition "sales revenue of at least 20 million yuan" is not an item
    assert all(i["value"] != 20e6 for i in items)


def test_html_page_text_without_scripts_and_styles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = DATA / "heldout" / "hefei-computing-2025.html"
    out_file = tmp_path / "hefei.json"
    code, out, _ = _run(
        capsys, "data", "draft", str(page), "--published", "2024-01-22", "--out", str(out_file)
    )
    assert code == 0 and "Wrote" in out
    items = json.loads(out_file.read_text(encoding="utf-8"))
    text = text_from_html(page.read_text(encoding="utf-8"))
    assert "pageViews" not in text and "font-family" not in text  # script and style dropped
    assert all(text[i["start"] : i["end"]] == i["quote"] for i in items)
    assert 9999e9 not in [i["value"] for i in items]  # the figure inside the script
    values = {(i["kind"], i["value"], i["unit"]) for i in items}
    assert ("target", 150e9, "CNY") in values


@needs_seeds
def test_drafted_workbook_is_refused_until_reviewed_then_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "draft.xlsx"
    assert _run(capsys, "init")[0] == 0
    code, out, _ = _run(
        capsys,
        "data",
        "draft",
        str(SEED_2021),
        "--published",
        "2021-04-12",
        "--source-id",
        "lgxc-draft",
        "--format",
        "xlsx",
        "--out",
        str(book),
    )
    assert code == 0 and "7 drafted rows" in out
    wb = openpyxl.load_workbook(book)
    sheet = wb["Targets"]
    header = [c.value for c in sheet[1]]
    assert header[-2:] == ["Draft", "Quote"]
    draft_col, quote_col = len(header) - 1, len(header)
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 7
    for row_cells in sheet.iter_rows(min_row=2):
        assert row_cells[draft_col - 1].value.startswith("draft, confidence")
        assert all(c.fill.fgColor.rgb.endswith("FFF2CC") for c in row_cells)  # every cell marked
        assert "001_98401e7fb82e348b.txt [" in row_cells[quote_col - 1].value

    code, _, err = _run(capsys, "data", "import", str(book))
    assert code == 1
    assert "Targets!T2: row not reviewed" in err and "nothing was written" in err
    with Store.open() as store:
        assert "lgxc-draft" not in {s.id for s in store.load_dataset().sources}

    # the review: correct what the draft got wrong, clear every Draft cell
    for row_cells in sheet.iter_rows(min_row=2):
        row_cells[draft_col - 1].value = None
    wb["Sources"]["C2"].value = "Lin-gang Special Area official English website"
    wb.save(book)
    code, out, err = _run(capsys, "data", "import", str(book))
    assert code == 0, err
    with Store.open() as store:
        ds = store.load_dataset()
    drafted = [t for t in ds.targets if t.source_id == "lgxc-draft"]
    assert len(drafted) == 7  # six with a number, one milestone
    about = next(t for t in drafted if t.value == 600e9)
    assert (about.comparator.value, about.unit, about.published_usd, about.deadline) == (
        "about",
        "CNY",
        91.44e9,
        "2025",
    )
    clusters = next(t for t in ds.targets if t.source_id == "lgxc-draft" and t.low == 3)
    assert (clusters.high, clusters.comparator.value, clusters.unit) == (5, "range", "clusters")


@needs_seeds
def test_workbook_with_actuals_needs_the_publication_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(
        capsys,
        "data",
        "draft",
        str(SEED_2024),
        "--format",
        "xlsx",
        "--out",
        str(tmp_path / "d.xlsx"),
    )
    assert code == 1
    assert err.strip().count("\n") == 0 and "--published YYYY-MM-DD" in err


def _bad(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "this is an image"),
        ("blob.txt", b"\x00\x01\x02abc" * 1000, "a binary file"),
        ("empty.txt", b"", "the file is empty"),
        ("blank.txt", b" \n\n\t ", "the file is empty"),
        (
            "app.html",
            b"<html><head><script>var a = '100 billion yuan';</script>"
            b"<style>p{}</style></head><body><div></div></body></html>",
            "the page has no text",
        ),
        (
            "latin1.txt",
            "Output will reach 5 billion euros by 2026 in Köln.".encode("latin-1"),
            "not UTF-8 text",
        ),
    ],
)
def test_bad_input_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes, message: str
) -> None:
    path = _bad(tmp_path, name, data)
    code, out, err = _run(capsys, "data", "draft", str(path))
    assert code == 1 and out == ""
    assert err.startswith(f"Error: {name}: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_fifty_megabytes_of_text_is_refused_without_reading_it_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "huge.txt"
    line = b"The city will build 40 stations by 2026. " * 25 + b"\n"
    with open(path, "wb") as fh:
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            fh.write(line)
    assert path.stat().st_size >= 50 * 1024 * 1024
    code, _, err = _run(capsys, "data", "draft", str(path))
    assert code == 1 and "huge.txt: over 2 MB" in err


def test_chinese_text_in_gb18030_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # synthetic: a sentence with Chinese numerals, saved in GB18030 (not UTF-8)
    text = "上海 plan: output should exceed 1.2万亿元 by 2030. 目标"
    path = _bad(tmp_path, "gbk.txt", text.encode("gb18030"))
    code, out, _ = _run(capsys, "data", "draft", str(path))
    assert code == 0
    (item,) = json.loads(out)
    assert (item["value"], item["unit"], item["comparator"]) == (1.2e12, "CNY", "more_than")
    assert text[item["start"] : item["end"]] == item["quote"]


def test_several_files_give_one_list_per_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = _bad(tmp_path, "a.txt", b"The city will build 40 stations by 2026.")
    b = _bad(tmp_path, "b.txt", b"Output should reach 100 billion yuan by 2030.")
    code, out, _ = _run(capsys, "data", "draft", str(a), str(b))
    assert code == 0
    data = json.loads(out)
    assert [(k, [i["value"] for i in v]) for k, v in data.items()] == [
        ("a.txt", [40.0]),
        ("b.txt", [100e9]),
    ]
    code, _, err = _run(capsys, "data", "draft", str(a), str(b), "--source-id", "x")
    assert code == 1 and "one FILE" in err
