"""A real spreadsheet program opens the drafted workbook: LibreOffice sees every sheet,
the Draft and Quote columns, and a quote that looks like a formula stays text."""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from xlreport.draft import draft_text, write_draft_workbook

# synthetic: written for this test; the second sentence starts like a formula
TEXT = (
    "Riverside plans\n\n"
    "Riverside will lift chip output to more than 300 billion yuan ($41.7 billion) by 2026.\n"
    '=HYPERLINK("http://example.invalid") The city will build 40 stations by 2026.\n'
    "Output reached 120 billion yuan in 2023, up 9.8 percent year-on-year."
)


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_reads_the_drafted_workbook(tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    draft = draft_text(TEXT, name="riverside.txt", published=date(2024, 6, 1))
    book = write_draft_workbook(tmp_path / "draft.xlsx", [draft], published=date(2024, 6, 1))
    # every sheet to its own CSV file (the last token, -1, means all sheets)
    options = "44,34,76,1,,0,false,true,false,false,false,-1"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            f"csv:Text - txt - csv (StarCalc):{options}",
            "--outdir",
            str(tmp_path / "out"),
            str(book),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )

    def rows(sheet: str) -> list[dict[str, str]]:
        with open(tmp_path / "out" / f"draft-{sheet}.csv", encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    targets, observations = rows("Targets"), rows("Observations")
    assert [t["value"] for t in targets] == ["300000000000", "40"]
    assert targets[0]["published_usd"] == "41700000000"
    assert all(t["Draft"].startswith("draft, confidence") for t in targets + observations)
    quote = targets[1]["Quote"]
    assert quote.startswith("riverside.txt [") and '=HYPERLINK("http://example.invalid")' in quote
    assert targets[1]["note"].startswith("Drafted from riverside.txt [")
    assert [(o["value"], o["growth_yoy"], o["period"]) for o in observations] == [
        ("120000000000", "0.098", "2023")
    ]
