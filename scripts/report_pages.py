"""Regenerate the page images of docs/report.md: the 2024-05 report of the embedded data
(in USD, default template) printed to PDF by LibreOffice, pages rendered by pdftoppm.

    .venv/bin/python scripts/report_pages.py [--dpi 70]

Each image is the first page whose text holds a marker (a sheet's title or a heading),
so the pictures follow the report when its page count changes.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from datetime import date, datetime
from pathlib import Path

from xlreport.fx import RateBook
from xlreport.report import write_monthly_report
from xlreport.report.libreoffice import LibreOffice
from xlreport.store import Store

ROOT = Path(__file__).resolve().parents[1]

#: image name -> the words its page holds (all of them), in report order
PAGES = {
    "report-cover": ["Contents", "Report month"],
    "report-summary": ["report: summary", "The month in brief"],
    "report-summary-plans": ["Plans at a glance", "Mean share"],
    "report-plan-overview": ["cutting-edge industry goals", "Explanation"],
    "report-plan-details": ["Lin-gang Special", "Share basis"],
    "report-plan-currency": ["Lin-gang Special", "Rates: see sheet Currency"],
    "report-charts": ["Each point", "Share achieved against time elapsed"],
    "report-changes": ["Changes in 2024-05"],
    "report-currency": ["Audit of the documents"],
    "report-sources": ["Sources and methods"],
    "report-statuses": ["What the statuses mean"],
    "report-observations": ["Observations in force"],
}


def _page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dpi", type=int, default=70)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        with Store.open(f"sqlite:///{tmp / 'db.sqlite3'}") as store:
            store.init()
            result = write_monthly_report(
                month="2024-05",
                as_of=date(2024, 5, 31),
                out_dir=tmp,
                store=store,
                book=RateBook.default(),
                generated_at=datetime(2024, 6, 1, 9, 0),  # fixed: the images do not churn
            )
        pdf = LibreOffice(tmp / "profile").convert(result.path, "pdf", tmp)
        texts = _page_texts(pdf)
        for name, markers in PAGES.items():
            page = next((i + 1 for i, t in enumerate(texts) if all(m in t for m in markers)), None)
            if page is None:
                raise SystemExit(f"no page holds {markers!r}: update PAGES")
            stem = tmp / name
            pages = ["-f", str(page), "-l", str(page), "-singlefile"]
            subprocess.run(
                ["pdftoppm", "-png", "-r", str(args.dpi), *pages, str(pdf), str(stem)],
                check=True,
            )
            shutil.copyfile(stem.with_suffix(".png"), args.out / f"{name}.png")
            print(f"{args.out / name}.png  (page {page} of {len(texts) - 1})")


if __name__ == "__main__":
    main()
