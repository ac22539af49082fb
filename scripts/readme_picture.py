"""Regenerate docs/images/summary.png: the summary page of a real report on the embedded
data, rendered by LibreOffice and pdftoppm.

    .venv/bin/python scripts/readme_picture.py [--month 2024-05]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from datetime import date, datetime
from pathlib import Path

from xlreport.fx import RateBook
from xlreport.period import Period
from xlreport.report import write_monthly_report
from xlreport.report.libreoffice import LibreOffice
from xlreport.store import Store

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--month", default="2024-05", help="report month (YYYY-MM)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images" / "summary.png")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        store = Store.open(f"sqlite:///{tmp / 'db.sqlite3'}")
        store.init()
        as_of: date = Period.parse(args.month).end
        result = write_monthly_report(
            month=args.month,
            as_of=as_of,
            out_dir=tmp,
            store=store,
            book=RateBook.default(),
            generated_at=datetime(2024, 6, 1, 9, 0),  # fixed: the picture does not churn
        )
        pdf = LibreOffice(tmp / "profile").convert(result.path, "pdf", tmp)
        # Page 1 is the cover, page 2 the summary sheet.
        subprocess.run(
            ["pdftoppm", "-png", "-r", "110", "-f", "2", "-l", "2", str(pdf), str(tmp / "page")],
            check=True,
        )
        (page,) = tmp.glob("page*.png")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page, args.out)
    print(args.out)


if __name__ == "__main__":
    main()
