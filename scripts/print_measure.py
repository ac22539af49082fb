"""Print reports to PDF with LibreOffice and count what a reader would see wrong.

    .venv/bin/python scripts/print_measure.py [OUT_DIR]

Reports: the embedded data for 2024-05 (USD and CNY) and 2026-11 (USD, the last
complete month of 2026-12-01), and a
synthetic portfolio (tests/integration/report_synthetic.py) for 2024-03, each with a
fixed clock. For each PDF: words, word boxes under 7 pt tall, pairs of words of
different lines printed over each other, snake_case codes (the same reading as
tests/integration/test_report_print.py).
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "integration"))


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
    home = Path(tempfile.mkdtemp(prefix="xlreport-measure-"))
    os.environ["XLREPORT_DATA_DIR"] = str(home / "data")
    os.environ["XLREPORT_OUTPUT_DIR"] = str(home / "reports")
    from pdf_words import print_faults, read_words
    from report_synthetic import synthetic_dataset

    from xlreport.fx import RateBook
    from xlreport.report import write_monthly_report
    from xlreport.report.api import write_report_file
    from xlreport.report.libreoffice import LibreOffice
    from xlreport.report.prepare import prepare_report
    from xlreport.report.template import load_template
    from xlreport.store import Store

    office = LibreOffice(home / "lo-profile")
    book = RateBook.default()
    made: list[tuple[str, Path]] = []
    with Store.open() as store:
        store.init()
        for month, cur in (("2024-05", "USD"), ("2024-05", "CNY"), ("2026-11", "USD")):
            r = write_monthly_report(
                month=month,
                currency=cur,
                store=store,
                book=book,
                out_dir=out / f"{month}-{cur}",
                generated_at=datetime(2026, 11, 1, 9),
            )
            made.append((f"embedded {month} {cur}", r.path))
    data = prepare_report(
        synthetic_dataset(30, 14, plans=3),
        month="2024-03",
        as_of=date(2024, 3, 31),
        currency="USD",
        book=book,
        generated_at=datetime(2024, 4, 1),
        data_vintage=None,
    )
    folder = out / "synthetic"
    folder.mkdir(parents=True, exist_ok=True)
    made.append(("synthetic 2024-03 USD", write_report_file(data, load_template(), folder)))
    print(f"{'report':26} {'pages':>5} {'words':>6} {'<7pt':>6} {'overlaps':>8} {'codes':>6}")
    total = [0, 0, 0, 0]
    for label, xlsx in made:
        pdf = office.convert(xlsx, "pdf", xlsx.parent)
        words = read_words(pdf)
        f = print_faults(words)
        pages = len({w.page for w in words})
        print(
            f"{label:26} {pages:5} {f.words:6} {len(f.small):6} {len(f.overlaps):8} "
            f"{len(f.codes):6}"
        )
        total = [a + b for a, b in zip(total, f.row(), strict=True)]
        if "-v" in sys.argv:
            print("   codes:", sorted(set(f.codes)))
    print(f"{'total':26} {'':5} {total[0]:6} {total[1]:6} {total[2]:8} {total[3]:6}")
    print(f"PDFs in {out}")


if __name__ == "__main__":
    main()
