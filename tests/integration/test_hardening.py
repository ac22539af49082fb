"""Issue 14: hostile and malformed input never hangs, never tracebacks, never loses data.

Each test reproduces one case the issue lists, on real files, real processes and (for a
full disk) a real small tmpfs, and asserts what a user would notice: a one-line error
naming the place, an unchanged store or folder, no live formula, no escape sequence.
All data here is synthetic.
"""

from __future__ import annotations

import csv
import gc
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from io_workbooks import good_rows, write_csv_folder, write_rows_workbook
from schedule_env import xlreport_command

from xlreport.cli.app import main
from xlreport.data import load_embedded_dataset
from xlreport.errors import DataError, StoreError, TemplateError, ValidationFailed
from xlreport.excel import functions as F
from xlreport.io import read_dataset
from xlreport.io.writer import write_dataset
from xlreport.model import Dataset
from xlreport.report.template import BUILTIN_TEMPLATE_DIR, load_template
from xlreport.settings import get_settings
from xlreport.store import Store

AS_OF = "2026-10-15"  # within the shipped ECB file: no test depends on today
MONTH = "2026-09"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _one_line_error(err: str) -> None:
    assert err.startswith("Error: "), err
    assert "Traceback" not in err


def _init(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "init")[0] == 0


def _csv_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)


@contextmanager
def small_disk(folder: Path, size: str = "256k") -> Iterator[Path]:
    """A real tmpfs of ``size`` at ``folder`` (root only; skipped elsewhere)."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.decode().strip()})")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(folder: Path, leave: int = 0) -> None:
    """Fill the file system of ``folder`` up to ``leave`` bytes free."""
    with open(folder / "ballast", "wb") as fh:
        free = shutil.disk_usage(folder).free - leave
        chunk = b"\0" * 4096
        try:
            while free > 0:
                fh.write(chunk[: min(4096, free)])
                free -= 4096
            fh.flush()
        except OSError:
            pass


# --------------------------------------------------------------- huge quantities


@pytest.mark.parametrize("text", ["1e99999999/7", "1e999999 billion", "1e99999/3"])
def test_huge_exponent_in_a_number_cell_is_a_located_error_not_a_hang(
    tmp_path: Path, text: str
) -> None:
    rows = good_rows()
    rows["Observations"][1][4] = text
    path = write_rows_workbook(tmp_path / "huge.xlsx", rows)
    started = time.monotonic()
    with pytest.raises(ValidationFailed) as info:
        read_dataset(path)
    # before: 1e99999999/7 hung for more than 90 s building a 100-million-digit integer
    assert time.monotonic() - started < 30
    assert f"Observations!E2: '{text}' is out of range" in str(info.value)


def test_xlr_convert_of_a_huge_exponent_answers_at_once(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _init(capsys)
    started = time.monotonic()
    answer = F.XLR_CONVERT("1e99999999/7", "CNY", "USD")
    assert time.monotonic() - started < 5
    assert answer.startswith("#XLR! amount: '1e99999999/7' is out of range")


def test_excel_functions_answer_overflowing_numbers_without_internal_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _init(capsys)
    # Python ints beyond a float's range (what a script calling the UDF may pass)
    huge = 10**400
    for answer in (
        F.XLR_CONVERT(huge, "CNY", "USD"),
        F.XLR_RATE("CNY", "USD", huge),
        F.XLR_SHARE("lingang-2025.industrial-output", huge),
    ):
        assert answer.startswith("#XLR! ") and "internal error" not in answer, answer


# --------------------------------------------------------------- non-regular files, links


def test_fifo_named_like_a_workbook_is_refused_before_open_blocks(tmp_path: Path) -> None:
    fifo = tmp_path / "x.xlsx"
    os.mkfifo(fifo)
    env = {**os.environ, "XLREPORT_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run(
        [*xlreport_command(), "data", "validate", str(fifo)],
        capture_output=True,
        text=True,
        timeout=60,  # before: blocked in open() for ever
        env=env,
        check=False,
    )
    assert done.returncode == 1
    assert "x.xlsx: it is not a regular file" in done.stderr
    assert "Traceback" not in done.stderr


def test_fifo_in_a_csv_folder_is_refused(tmp_path: Path) -> None:
    folder = write_csv_folder(tmp_path / "csv", good_rows())
    (folder / "rates.csv").unlink()
    os.mkfifo(folder / "rates.csv")
    with pytest.raises(Exception, match=r"rates\.csv: it is not a regular file"):
        read_dataset(folder)


def test_links_out_of_the_folder_are_not_followed_nor_echoed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:SECRET-LINE\n")
    folder = write_csv_folder(tmp_path / "csv", good_rows())
    (folder / "rates.csv").unlink()
    (folder / "rates.csv").symlink_to(secret)
    code, _, err = _run(capsys, "data", "validate", str(folder))
    assert code == 1
    _one_line_error(err)
    assert "rates.csv: it is a link to a file outside the folder" in err
    assert "SECRET" not in err
    # a link that stays inside the folder is an ordinary file
    inside = folder / "real-rates.csv"
    inside.write_text("id,source,base,quote,date,rate\n")
    (folder / "rates.csv").unlink()
    (folder / "rates.csv").symlink_to(inside)
    assert read_dataset(folder).rates == ()
    # a loop of links is an error, not a traceback
    (folder / "rates.csv").unlink()
    (folder / "rates.csv").symlink_to(folder / "loop.csv")
    (folder / "loop.csv").symlink_to(folder / "rates.csv")
    code, _, err = _run(capsys, "data", "validate", str(folder))
    assert code == 1 and "rates.csv: it is a loop of symbolic links" in err


def test_error_messages_echo_only_a_short_escaped_piece_of_a_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_csv_folder(tmp_path / "csv", good_rows())
    osc = "\x1b]52;c;ZXZpbA==\x07\x1b]0;owned\x07"
    environ = "A=1\x00" * 5000  # what /proc/self/environ looks like
    (folder / "rates.csv").write_text(f"id,{osc},{environ}\n")
    code, _, err = _run(capsys, "data", "validate", str(folder))
    assert code == 1
    assert "\x1b" not in err and "\x07" not in err and "\x00" not in err
    assert "unknown column '\\x1b]52;c;ZXZpbA==\\x07" in err
    assert len(err) < 2000  # not the 20,000 characters of the cell


# --------------------------------------------------------------- long text, CSV limits


def _with_long_shared_string(path: Path, length: int) -> dict[str, bytes]:
    """Replace the shared string "short" of the workbook at ``path`` by ``length`` n's
    (xlsxwriter and openpyxl both cut text at 32,767, so the XML is edited); returns
    the workbook's parts as written."""
    with zipfile.ZipFile(path) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    parts["xl/sharedStrings.xml"] = parts["xl/sharedStrings.xml"].replace(
        b">short<", b">" + b"n" * length + b"<"
    )
    _write_parts(path, parts)
    return parts


def _write_parts(path: Path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            dst.writestr(name, data)


def test_note_longer_than_an_excel_cell_is_refused_at_import_with_its_cell(
    tmp_path: Path,
) -> None:
    rows = good_rows()
    rows["Sources"][0].append("note")
    rows["Sources"][1].append("short")
    path = write_rows_workbook(tmp_path / "long.xlsx", rows)
    parts = _with_long_shared_string(path, 1_000_000)
    with pytest.raises(DataError) as info:
        read_dataset(path)
    # before: read as its first 32,767 characters, silently (python-calamine cuts them);
    # the note is the last column of row 2: Sources has len(header) columns, A = 1
    column = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[len(rows["Sources"][0]) - 1]
    assert str(info.value) == (
        f"long.xlsx: sheet 'Sources', cell {column}2, holds a text of 1,000,000 characters, "
        "more than the 32,767 an Excel cell holds (xlreport never cuts text); shorten it"
    )
    # the same text written into the sheet itself (an inline string) is found there
    sheet = f"xl/worksheets/sheet{list(rows).index('Sources') + 1}.xml"  # xlsxwriter's names
    inline, replaced = re.subn(
        rb'<c r="%s2"([^>]*) t="s"><v>\d+</v></c>' % column.encode(),
        rb'<c r="%s2"\1 t="inlineStr"><is><t>%s</t></is></c>' % (column.encode(), b"m" * 40_000),
        parts[sheet],
    )
    assert replaced == 1
    _write_parts(path, {**parts, sheet: inline})
    with pytest.raises(DataError) as inlined:
        read_dataset(path)
    assert str(inlined.value).startswith(
        f"long.xlsx: sheet 'Sources', cell {column}2, holds a text of 40,000 characters"
    )
    # from CSV the cell itself is named
    folder = write_csv_folder(tmp_path / "csv", rows)
    lines = _csv_rows(folder / "sources.csv")
    lines[1][-1] = "n" * 40_000
    _write_csv(folder / "sources.csv", lines)
    with pytest.raises(ValidationFailed) as failed:
        read_dataset(folder)
    assert "sources.csv:2 (note): the text has 40,000 characters, more than the 32,767" in str(
        failed.value
    )


def test_a_long_text_in_a_sheet_that_is_not_read_still_refuses_the_workbook(
    tmp_path: Path,
) -> None:
    rows = good_rows()
    rows["Scratch"] = [["notes"], ["short"]]  # not one of the sheets xlreport reads
    path = write_rows_workbook(tmp_path / "scratch.xlsx", rows)
    _with_long_shared_string(path, 40_000)
    with pytest.raises(DataError) as info:
        read_dataset(path)
    # no cell of a read sheet shows it, so no cell can be named: the workbook is refused
    assert str(info.value).startswith(
        "scratch.xlsx: the workbook holds a text of 40,000 characters, more than the 32,767"
    )


def test_export_to_xlsx_refuses_stored_text_it_would_cut(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _init(capsys)
    db = get_settings().data_dir / "xlreport.sqlite3"
    with sqlite3.connect(db) as conn:  # a database written before the bound existed
        conn.execute("UPDATE sources SET note = ? WHERE rowid = 1", ("x" * 40_000,))
    code, _, err = _run(capsys, "data", "export", str(tmp_path / "out.xlsx"))
    assert code == 1
    _one_line_error(err)
    assert "its note has 40,000 characters, more than the 32,767 an Excel cell holds" in err
    assert not (tmp_path / "out.xlsx").exists()
    # the CSV export keeps every character (and import then names the cell)
    assert _run(capsys, "data", "export", str(tmp_path / "csv"))[0] == 0
    notes = [r[-1] for r in _csv_rows(tmp_path / "csv" / "sources.csv")]
    assert "x" * 40_000 in notes


def test_csv_field_beyond_the_reader_limit_is_a_clear_error(tmp_path: Path) -> None:
    folder = write_csv_folder(tmp_path / "csv", good_rows())
    rows = _csv_rows(folder / "sources.csv")
    rows[0].append("note")
    rows[1].append("y" * 200_000)
    _write_csv(folder / "sources.csv", rows)
    with pytest.raises(Exception, match=r"sources.csv: line 2 has a field of more than 131,072"):
        read_dataset(folder)


def test_export_writes_no_field_the_import_cannot_read_back(tmp_path: Path) -> None:
    # the longest text import accepts, starting with '=' so the export prefixes it
    rows = good_rows()
    rows["Sources"][0].append("note")
    rows["Sources"][1].append("=" + "z" * 32_766)  # 32,767 characters
    ds = read_dataset(write_rows_workbook(tmp_path / "max.xlsx", rows))
    write_dataset(ds, tmp_path / "csv")
    back = read_dataset(tmp_path / "csv")
    assert back.sources[0].note == ds.sources[0].note
    write_dataset(ds, tmp_path / "again.xlsx")
    assert read_dataset(tmp_path / "again.xlsx").sources[0].note == ds.sources[0].note


# --------------------------------------------------------------- published dates


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2201-01-01"])
def test_published_outside_the_template_range_is_refused_from_csv(tmp_path: Path, day: str) -> None:
    folder = write_csv_folder(tmp_path / "csv", good_rows())
    rows = _csv_rows(folder / "observations.csv")
    rows[1][8] = day
    _write_csv(folder / "observations.csv", rows)
    with pytest.raises(ValidationFailed) as info:
        read_dataset(folder)
    assert f"observations.csv:2 (published): date {day} is out of range" in str(info.value)


def test_published_1900_01_01_round_trips_through_xlsx(tmp_path: Path) -> None:
    rows = good_rows()
    rows["Observations"][1][8] = "1900-01-01"
    ds = read_dataset(write_csv_folder(tmp_path / "csv", rows))
    write_dataset(ds, tmp_path / "out.xlsx")
    assert read_dataset(tmp_path / "out.xlsx").observations == ds.observations


# --------------------------------------------------------------- one bad observation


def test_usd_observation_for_a_cny_target_is_refused_at_import_with_its_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _init(capsys)
    with Store.open() as store:
        before = store.load_dataset()
    rows = good_rows()
    rows["Observations"][1][6] = "USD"
    path = write_rows_workbook(tmp_path / "usd.xlsx", rows)
    code, _, err = _run(capsys, "data", "import", str(path))
    assert code == 1
    assert (
        "Observations!G2: unit 'USD' differs from the unit 'CNY' of target 'plan-a.output'" in err
    )
    with Store.open() as store:
        assert store.load_dataset() == before
    # the store checks it too, for callers that skip the file reader
    ds = read_dataset(write_rows_workbook(tmp_path / "good.xlsx", good_rows()))
    bad = ds.model_copy(
        update={"observations": (ds.observations[0].model_copy(update={"unit": "USD"}),)}
    )
    with Store.open() as store, pytest.raises(ValidationFailed, match="unit 'USD' differs"):
        store.import_dataset(Dataset.model_validate(bad.model_dump()))
    # and progress and reports keep working for every plan
    assert _run(capsys, "progress", "--as-of", AS_OF)[0] == 0


# --------------------------------------------------------------- CSV export, atomic


def test_csv_export_on_a_full_disk_leaves_the_previous_export_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _init(capsys)
    reference = tmp_path / "reference"
    assert _run(capsys, "data", "export", str(reference))[0] == 0
    page = 4096  # tmpfs gives each file whole pages
    pages = {p.name: -(-p.stat().st_size // page) for p in reference.iterdir()}
    with small_disk(tmp_path / "disk", "512k") as disk:
        out = disk / "export"
        write_dataset(Dataset(), out)  # an earlier export: every file a header only
        old = {p.name: p.read_bytes() for p in out.iterdir()}
        # room for the new sources.csv and plans.csv, not for targets.csv: the old code
        # replaced two files and left three old ones, a mix that validate called valid
        room = (pages["sources.csv"] + pages["plans.csv"]) * page + page // 2
        assert pages["targets.csv"] * page > page // 2
        _fill(disk, leave=room)
        code, _, err = _run(capsys, "data", "export", str(out))
        assert code == 1
        _one_line_error(err)
        assert "the disk is full" in err
        assert {p.name: p.read_bytes() for p in out.iterdir()} == old
        assert [p.name for p in disk.iterdir() if p.name.startswith(".xlreport")] == []
        assert read_dataset(out) == Dataset()


def test_csv_export_refuses_a_folder_holding_other_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _init(capsys)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.docx").write_text("precious")
    code, _, err = _run(capsys, "data", "export", str(tmp_path / "mine"))
    assert code == 1 and "it holds other files too ('thesis.docx')" in err
    assert (tmp_path / "mine" / "thesis.docx").read_text() == "precious"


@pytest.mark.parametrize("stage", ["produce", "fsync", "exchange", "rename", "rmtree"])
def test_killed_csv_export_never_leaves_a_mix_of_old_and_new_files(
    tmp_path: Path, stage: str
) -> None:
    """kill -9 at each step of the swap: the folder is the old export or the new one."""
    out = tmp_path / "export"
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        from pathlib import Path
        from xlreport.data import load_embedded_dataset
        from xlreport.io.writer import write_dataset
        import xlreport.fsio as fsio
        import xlreport.io.writer as writer

        def die(*a, **k):
            os.kill(os.getpid(), signal.SIGKILL)

        stage = sys.argv[1]
        if stage == "produce":
            writer._csv_text = die
        elif stage == "fsync":
            fsio.os.fsync = die
        elif stage == "exchange":
            fsio._exchange = die
        elif stage == "rename":  # the fallback of systems without an atomic exchange
            fsio._exchange = lambda a, b: False
            real = os.rename
            calls = []
            def rename(a, b):
                calls.append(a)
                if len(calls) == 2:
                    die()
                real(a, b)
            fsio.os.rename = rename
        elif stage == "rmtree":
            fsio.shutil.rmtree = die
        write_dataset(load_embedded_dataset(), Path({str(out)!r}))
        """
    )
    write_dataset(Dataset(), out)  # an earlier, empty export: every file a header only
    done = subprocess.run([sys.executable, "-c", script, stage], check=False, timeout=120)
    assert done.returncode == -9
    if stage == "rename":  # without an atomic exchange: missing, never mixed
        assert not out.exists()
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".xlreport-tmp-old-")]
        return
    lines = {p.name: len(_csv_rows(p)) for p in out.iterdir()}
    assert len(lines) == 5
    if stage == "rmtree":  # swapped: the new export, whole
        assert read_dataset(out) == load_embedded_dataset()
    else:
        assert set(lines.values()) == {1}  # the old export, whole
        assert read_dataset(out) == Dataset()


# --------------------------------------------------------------- CSV injection, LibreOffice

INJECTIONS = [
    "=1+1",
    " =1+1",
    "\xa0=1+1",
    "\u3000=1+1",
    "x;=1+1",
    "x,=1+1",
    "+1+1",
    "-1+1",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    ' "=1+1',
    "'=1+1",
]


def _libreoffice_formulas(csv_file: Path, work: Path, separator: int) -> list[str]:
    """Cells LibreOffice reads as formulas, with "trim spaces" and "evaluate formulas" on
    and not "quoted field as text" (the riskiest import settings)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    import openpyxl

    out = work / f"sep{separator}"
    # tokens: separator, quote ("), UTF-8, line 1, -, -, quoted as text=false, detect
    # special numbers, -, -, trim spaces=true, -, evaluate formulas=true
    options = f"CSV:{separator},34,76,1,,0,false,true,false,false,true,false,true"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--headless",
            f"--infilter={options}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(csv_file),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )
    book = openpyxl.load_workbook(out / (csv_file.stem + ".xlsx"))
    return [
        f"{c.coordinate}={c.value!r}"
        for row in book.active.iter_rows()
        for c in row
        if c.data_type == "f"
    ]


@pytest.mark.libreoffice
@pytest.mark.slow
def test_csv_export_makes_no_formula_in_libreoffice_under_risky_options(
    tmp_path: Path,
) -> None:
    rows = good_rows()
    rows["Observations"][0].append("note")
    rows["Observations"][1].append("safe")
    obs = rows["Observations"]
    for i, text in enumerate(INJECTIONS):
        obs.append([f"obs-{i + 2}", *obs[1][1:-1], text])
    ds = read_dataset(write_rows_workbook(tmp_path / "in.xlsx", rows))
    write_dataset(ds, tmp_path / "csv")
    for separator in (44, 59):  # ',' and ';'
        found = _libreoffice_formulas(tmp_path / "csv" / "observations.csv", tmp_path, separator)
        assert found == [], found
    # and the export reads back exactly
    back = read_dataset(tmp_path / "csv")
    assert [o.note for o in back.observations] == ["safe", *INJECTIONS]


# --------------------------------------------------------------- settings


def test_dot_env_in_the_current_folder_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("XLREPORT_DATABASE_URL=sqlite:////tmp/someone-elses.db\n")
    get_settings.cache_clear()
    assert get_settings().database_url is None
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "xlreport"
    config.mkdir(parents=True)
    (config / "settings.env").write_text("XLREPORT_CURRENCY=EUR\n")
    get_settings.cache_clear()
    assert get_settings().currency == "EUR"  # the user's own file is read


def test_bad_setting_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XLREPORT_ABOUT_TOLERANCE", "abc")
    get_settings.cache_clear()
    code, _, err = _run(capsys, "progress")
    assert code == 1
    _one_line_error(err)
    assert "setting XLREPORT_ABOUT_TOLERANCE:" in err and "(got 'abc')" in err


# --------------------------------------------------------------- templates and logos


def _template(tmp_path: Path, **replace: str) -> Path:
    text = (BUILTIN_TEMPLATE_DIR / "default.toml").read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    shutil.copy(BUILTIN_TEMPLATE_DIR / "logo.png", tmp_path / "logo.png")
    path = tmp_path / "t.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _sparse_file(path: Path) -> None:
    with open(path, "wb") as fh:
        fh.truncate(1_500_000_000)  # 1.5 GB of holes: no disk used


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: p.write_bytes(b"not an image"), "is not a valid PNG image"),
        (
            lambda p: p.write_bytes((BUILTIN_TEMPLATE_DIR / "logo.png").read_bytes()[:300]),
            "is not a valid PNG image: it is cut short",
        ),
        (_sparse_file, "a logo may be at most 5 MB"),
    ],
    ids=["not-an-image", "truncated", "sparse-1.5GB"],
)
def test_bad_png_logo_is_a_template_error(tmp_path: Path, make: object, expected: str) -> None:
    path = _template(tmp_path, **{'logo = "logo.png"': 'logo = "bad.png"'})
    make(tmp_path / "bad.png")  # type: ignore[operator]
    started = time.monotonic()
    with pytest.raises(TemplateError, match=expected):
        load_template(path)
    assert time.monotonic() - started < 10  # before: over 120 s for the sparse file


def test_broken_jpeg_logo_is_a_template_error(tmp_path: Path) -> None:
    path = _template(tmp_path, **{'logo = "logo.png"': 'logo = "bad.jpg"'})
    (tmp_path / "bad.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00garbage")
    with pytest.raises(TemplateError, match=r"bad\.jpg' is not a valid JPEG image"):
        load_template(path)


def test_logo_outside_the_template_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-elsewhere.png"
    shutil.copy(BUILTIN_TEMPLATE_DIR / "logo.png", outside)
    (tmp_path / "t").mkdir()
    path = _template(tmp_path / "t", **{'logo = "logo.png"': f'logo = "{outside}"'})
    with pytest.raises(TemplateError, match="outside the template's folder"):
        load_template(path)
    (tmp_path / "t" / "link.png").symlink_to(outside)
    path = _template(tmp_path / "t", **{'logo = "logo.png"': 'logo = "link.png"'})
    with pytest.raises(TemplateError, match="outside the template's folder"):
        load_template(path)


@pytest.mark.parametrize(
    ("replace", "expected"),
    [
        ({'title = "Cover"': 'title = "\'Cover"'}, "cannot begin or end with an apostrophe"),
        (
            {'title = "Cover"': 'title = "Data"', 'title = "Summary"': 'title = "data"'},
            "sheet title(s) used twice (Excel ignores case): data",
        ),
        (
            {
                # 110 '&', doubled in the footer: 220 + 39 of frame > Excel's 255
                'title = "Plan targets: monthly progress report"': 'title = "' + "&" * 110 + '"'
            },
            "the title is printed in every page's footer",
        ),
    ],
    ids=["apostrophe", "data-Data", "long-footer"],
)
def test_sheet_titles_and_footer_are_checked_by_the_template(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], replace: dict[str, str], expected: str
) -> None:
    path = _template(tmp_path, **replace)
    with pytest.raises(TemplateError) as info:
        load_template(path)
    assert expected in str(info.value)
    _init(capsys)
    code, _, err = _run(
        capsys, "report", "--month", MONTH, "--as-of", AS_OF, "--template", str(path)
    )
    assert code == 1
    _one_line_error(err)


# --------------------------------------------------------------- other tracebacks


def test_report_month_year_1_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    _init(capsys)
    code, _, err = _run(capsys, "report", "--month", "0001-01")
    assert code == 1
    assert err == (
        "Error: month 0001-01 is out of range: write YYYY-MM with a year from 1900 to 2200, "
        "e.g. 2024-05\n"
    )


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("value", "abc", "column value: 'abc'"),
        ("published", "2024-13-45", "column published: '2024-13-45'"),
    ],
)
def test_hand_edited_database_values_are_one_line_errors(
    capsys: pytest.CaptureFixture[str], column: str, value: str, expected: str
) -> None:
    _init(capsys)
    db = get_settings().data_dir / "xlreport.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute(f"UPDATE observations SET {column} = ? WHERE rowid = 1", (value,))
    for args in (["progress"], ["observations"], ["report", "--month", MONTH, "--as-of", AS_OF]):
        code, _, err = _run(capsys, *args)
        assert code == 1, args
        _one_line_error(err)
        assert "edited outside xlreport" in err or "edited outside xlreport?" in err
    with Store.open() as store, pytest.raises((StoreError, ValidationFailed)):
        store.load_for_frames()


def test_full_disk_for_the_report_and_the_xlsx_export_says_disk_full(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _init(capsys)
    with small_disk(tmp_path / "disk", "256k") as disk:
        _fill(disk, leave=16 * 1024)
        code, _, err = _run(
            capsys, "report", "--month", MONTH, "--as-of", AS_OF, "--out", str(disk)
        )
        assert code == 1
        _one_line_error(err)
        assert "the disk is full" in err and "FileCreateError" not in err
        code, _, err = _run(capsys, "data", "export", str(disk / "data.xlsx"))
        assert code == 1
        _one_line_error(err)
        assert "the disk is full" in err
        left = [p.name for p in disk.iterdir() if p.name != "ballast"]
        assert left == []  # no partial workbook, no temporary
    gc.collect()  # xlsxwriter's abandoned files were closed: no ResourceWarning here


def test_killed_report_leaves_no_temporary_files_in_tmpdir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _init(capsys)
    tmpdir = tmp_path / "system-tmp"
    tmpdir.mkdir()
    out = tmp_path / "reports"
    out.mkdir()
    script = textwrap.dedent(
        f"""
        import os, signal, zipfile
        real = zipfile.ZipFile.write
        def write(self, *a, **k):  # packaging: every part is a temporary file by now
            os.kill(os.getpid(), signal.SIGKILL)
        zipfile.ZipFile.write = write
        from xlreport.cli import main
        main(["report", "--month", "{MONTH}", "--as-of", "{AS_OF}", "--out", {str(out)!r}])
        """
    )
    env = {**os.environ, "TMPDIR": str(tmpdir)}
    done = subprocess.run([sys.executable, "-c", script], env=env, timeout=300, check=False)
    assert done.returncode == -9
    assert list(tmpdir.iterdir()) == []  # before: xlsxwriter's parts stayed here
    leftovers = [p for p in out.iterdir() if p.name.startswith(".xlreport-tmp-")]
    assert any(p.name.endswith(".parts") for p in leftovers)
    from xlreport.fsio import remove_stale_temporaries

    remove_stale_temporaries(out, older_than_s=0)
    assert list(out.iterdir()) == []


def test_full_scheduler_staging_disk_is_recorded_as_disk_full(tmp_path: Path) -> None:
    from schedule_env import init_database, make_env_with_share, schedule_toml

    (tmp_path / "init").mkdir()
    env, share = make_env_with_share(tmp_path / "env", init_database(tmp_path / "init"))
    env.write_config(schedule_toml("monthly", share))
    with small_disk(env.data_dir / "schedule-staging", "256k") as staging:
        _fill(staging, leave=16 * 1024)
        done = env.run_due("2026-10-01T07:00+08:00")  # September is due
        history = env.history()
    assert "Traceback" not in done.stderr
    assert [r["status"] for r in history] == ["failed"]
    error = str(history[0]["error"])
    # before: "unexpected FileCreateError ... (run with --debug and report it)"
    assert "the disk is full: free space" in error and "unexpected" not in error
    assert list(share.iterdir()) == []
    gc.collect()


def test_one_stored_bad_observation_does_not_stop_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """A USD row for a CNY target that got into the database (by hand, or from an older
    version) no longer stops every report: it is left out, with a warning naming it."""
    _init(capsys)
    db = get_settings().data_dir / "xlreport.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE observations SET unit = 'USD' WHERE id = 'lingang.industrial-output.2023'"
        )
    code, _, err = _run(
        capsys, "report", "--month", MONTH, "--as-of", AS_OF, "--out", str(tmp_path)
    )
    assert code == 0, err
    assert "observation lingang.industrial-output.2023: unit USD differs" in caplog.text
    # a report of another plan only does not even look at it
    caplog.clear()
    code, _, err = _run(
        capsys,
        "report",
        "--month",
        MONTH,
        "--as-of",
        AS_OF,
        "--out",
        str(tmp_path / "b"),
        "--plan",
        "shanghai-highend-2025",
    )
    assert code == 0, err
    assert "differs" not in caplog.text
    # and the progress listing shows every target, without that row
    caplog.clear()
    code, out, err = _run(capsys, "progress", "--as-of", AS_OF, "--format", "json")
    assert code == 0, err
    assert "lingang-2025.industrial-output" in out
    assert "unit USD differs" in caplog.text
    # the Excel functions too: the status of an unrelated target is still a status
    from xlreport.excel import cache, functions

    data = cache.ExcelData(today=lambda: date.fromisoformat(AS_OF))
    original, cache.DATA = cache.DATA, data
    try:
        status = functions.XLR_STATUS("shanghai-highend-2025.high-level-projects")
        assert isinstance(status, str) and not status.startswith("#XLR!"), status
    finally:
        cache.DATA = original


def test_a_fifo_as_the_rate_file_is_refused_without_opening_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "rates.zip"
    os.mkfifo(fifo)  # open() would block until a writer came
    code, _, err = _run(capsys, "fx", "rate", "CNY", "USD", "--rates", str(fifo))
    assert code == 1
    assert f"rate file {fifo} is not a regular file" in err


def test_observations_appendix_stops_at_excel_row_limit_with_a_note(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A sheet holds 1,048,576 rows; the appendix keeps within them and says so.

    The limit is lowered to 8 rows here (a million observations would take minutes):
    the title takes rows 1-3 and the header row 4, so 4 observations fit."""
    import openpyxl

    import xlreport.report.appendix as appendix

    _init(capsys)
    monkeypatch.setattr(appendix, "EXCEL_MAX_ROWS", 8)
    code, out, err = _run(
        capsys, "report", "--month", MONTH, "--as-of", AS_OF, "--out", str(tmp_path)
    )
    assert code == 0, err
    book = openpyxl.load_workbook(out.strip().splitlines()[-1], read_only=True)
    sheet = book["Observations"]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 8  # 3 title rows, the header, 8 - 4 = 4 observations
    with Store.open() as store:  # the embedded dataset: more than 4 observations
        assert len(store.load_dataset().observations) > 4
    note = str(rows[2][0])
    assert note.startswith("Only the first 4 of ") and "an Excel sheet holds 8 rows" in note
    assert "Only the first 4 of" in caplog.text
    book.close()


def test_listings_escape_data_text_and_quote_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _init(capsys)
    rows = good_rows()
    rows["Sources"][1][2] = "\x1b]0;owned\x07 [bold]Pub"  # an OSC title and rich markup
    assert (
        _run(capsys, "data", "import", str(write_rows_workbook(tmp_path / "t.xlsx", rows)))[0] == 0
    )
    code, out, _ = _run(capsys, "sources")
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b]0;" in out and "[bold]" in out  # escaped, and not taken as markup
    rows["Sources"][1][2] = " =1+1"
    assert (
        _run(capsys, "data", "import", str(write_rows_workbook(tmp_path / "u.xlsx", rows)))[0] == 0
    )
    code, out, _ = _run(capsys, "sources", "--format", "csv")
    lines = out.splitlines()
    assert all(line.startswith('"') for line in lines)  # every field quoted
    assert '"\' =1+1"' in out  # prefixed after the leading space
