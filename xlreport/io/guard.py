"""Guards for untrusted workbook and CSV files.

A data workbook comes from outside (e-mail, a shared folder) and is read before anyone
knows what is in it. Measured on our machines: a 5 KB xlsx that declares cells at A1 and
XFD1048576 makes python-calamine abort the whole process, and a sheet whose declared
dimension says 2 rows can hold a million. So reading goes in three steps:

1. :func:`check_zip_container`, in this process, reads only the zip's central directory:
   it must be a zip, with a bounded number of members, bounded declared sizes and
   compression ratios, no encrypted members and no absolute or ``..`` paths.
2. :func:`read_workbook_sheets` starts a child process (``sheet_child.py``) with a memory
   limit (``RLIMIT_AS`` on POSIX) and waits at most a wall-time limit. The child checks
   each sheet's declared ``<dimension>`` before python-calamine loads it. Meanwhile this
   process streams each sheet's XML (bounded memory; zipfile never inflates a member
   beyond its declared size) and checks every row and cell reference against the bounds,
   stopping at the first beyond them: a sheet whose dimension understates its size is
   refused with a clear message, and the child is killed. Scanning here rather than in
   the child uses the second core while the child parses.
3. The child returns each sheet's columns of plain Python values. Anything that goes wrong becomes
   :class:`~xlreport.errors.UnsafeFileError` (a file refused) or
   :class:`~xlreport.errors.DataError` (a file that is damaged), with the file's name and
   what to do; the parent never hangs and never crashes.

CSV files are read in this process with the same row and column bounds
(:func:`read_csv_rows`): the csv module has no such failure modes, but a huge file must
still be refused before it fills memory.
"""

from __future__ import annotations

import csv
import json
import marshal
import os
import signal
import stat
import subprocess
import sys
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from xlreport.errors import DataError, UnsafeFileError
from xlreport.io import sheet_child

__all__ = [
    "DEFAULT_LIMITS",
    "ReadLimits",
    "SheetColumns",
    "check_regular_file",
    "check_zip_container",
    "read_csv_rows",
    "read_workbook_sheets",
]

_CHILD = Path(__file__).with_name("sheet_child.py")
_MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """Bounds for one untrusted file. The defaults fit any honest data workbook."""

    max_file_bytes: int = 256 * _MB
    max_members: int = 1000
    max_uncompressed_bytes: int = 1024 * _MB  # sum of the members' declared sizes
    max_ratio: float = 100.0  # declared size / compressed size, for members above 1 MB
    max_rows: int = 200_000  # per sheet, the header row included
    max_columns: int = 64
    timeout_s: float = 120.0  # wall time of the child process
    memory_bytes: int = 2048 * _MB  # address-space limit of the child process (POSIX)

    def describe(self) -> str:
        return (
            f"at most {self.max_rows:,} rows x {self.max_columns} columns per sheet, "
            f"{self.max_file_bytes // _MB} MB per file, {self.max_members} zip members, "
            f"{self.max_uncompressed_bytes // _MB} MB uncompressed, compression ratio "
            f"{self.max_ratio:g}, {self.timeout_s:g} s and {self.memory_bytes // _MB} MB "
            "of memory for reading"
        )


DEFAULT_LIMITS = ReadLimits()

#: Sheet name -> its columns (sequences of plain values, all of the sheet's height); item 0
#: of each is the sheet's row 1.
SheetColumns = dict[str, list[Sequence[Any]]]

_RATIO_FLOOR = _MB  # smaller members may compress as well as they like


def _refuse(path: Path, why: str, how: str) -> UnsafeFileError:
    return UnsafeFileError(f"{path.name}: {why}; {how}")


def check_regular_file(path: Path, *, inside: Path | None = None) -> os.stat_result:
    """``path``'s status if it is a regular file (and, given ``inside``, lies in it).

    Checked before any ``open()``: a FIFO or a device blocks ``open()`` (or reads for
    ever), so only regular files are read. A symbolic link is followed only when it
    stays inside the folder being imported: a link to ``/etc/passwd`` or
    ``/proc/self/environ`` is refused, without reading or naming its target.
    """
    path = Path(path)
    try:
        if inside is not None and path.is_symlink():
            real = path.resolve(strict=True)
            if not real.is_relative_to(inside.resolve(strict=True)):
                raise _refuse(
                    path,
                    "it is a link to a file outside the folder being imported",
                    "copy the file itself into the folder",
                )
        st = path.stat()
    except RuntimeError:  # a loop of symbolic links (Python 3.11)
        raise DataError(f"cannot read {path}: it is a loop of symbolic links") from None
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(st.st_mode):
        raise _refuse(
            path,
            "it is not a regular file (a pipe, a device or a folder)",
            "give an .xlsx file or a folder of .csv files",
        )
    return st


def check_zip_container(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> None:
    """Check the zip container of an xlsx file from its central directory alone."""
    path = Path(path)
    size = check_regular_file(path).st_size
    if size > limits.max_file_bytes:
        raise _refuse(
            path,
            f"the file is {size / _MB:,.0f} MB, more than the {limits.max_file_bytes // _MB} MB "
            "accepted",
            "split it into smaller workbooks",
        )
    with open(path, "rb") as fh:
        magic = fh.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise _refuse(
            path,
            "it is a password-protected or old-format (.xls) workbook, not an .xlsx file",
            "open it in Excel, remove any password and save it as 'Excel Workbook (*.xlsx)'",
        )
    if not magic.startswith(b"PK"):
        raise _refuse(
            path,
            "it is not an .xlsx workbook (not a zip file)",
            "save it from Excel as 'Excel Workbook (*.xlsx)', or import a folder of CSV files",
        )
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise _refuse(
            path,
            f"the file is damaged or incomplete ({exc})",
            "copy it again from its origin, or open it in Excel and save it again",
        ) from exc
    if len(members) > limits.max_members:
        raise _refuse(
            path,
            f"the zip holds {len(members):,} members, more than the {limits.max_members:,} "
            "accepted",
            "this is not an ordinary workbook; save a fresh copy from Excel",
        )
    total = 0
    for info in members:
        name = info.filename
        if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/"):
            raise _refuse(
                path, f"the zip member {name!r} has an unsafe path", "do not use this file"
            )
        if info.flag_bits & 0x1:
            raise _refuse(
                path,
                f"the zip member {name!r} is encrypted",
                "save the workbook without a password",
            )
        total += info.file_size
        if info.file_size > _RATIO_FLOOR:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                raise _refuse(
                    path,
                    f"the zip member {name!r} expands {ratio:,.0f} times (to "
                    f"{info.file_size / _MB:,.0f} MB): a zip bomb, or a sheet padded with "
                    f"empty cells (at most {limits.max_ratio:g} times is accepted)",
                    "delete unused rows and columns and save again",
                )
    if total > limits.max_uncompressed_bytes:
        raise _refuse(
            path,
            f"its members expand to {total / _MB:,.0f} MB, more than the "
            f"{limits.max_uncompressed_bytes // _MB:,} MB accepted",
            "split it into smaller workbooks",
        )


def _locate_shared(
    archive: zipfile.ZipFile, wanted: dict[str, str], exc: sheet_child.TooLongText
) -> sheet_child.TooLongText:
    """The too-long shared string's error, naming the first read cell that shows it."""
    if exc.shared_index is None:
        return exc
    for name, part in wanted.items():
        cell = sheet_child.find_shared_string(archive, part, exc.shared_index)
        if cell is not None:
            return sheet_child.TooLongText(f"sheet {name!r}, cell {cell},", exc.length, cell)
    return exc  # not found in a sheet that is read: refuse the workbook as a whole


def _scan_sheets(path: Path, sheets: list[str], limits: ReadLimits) -> None:
    """Stream every wanted sheet's XML and check it against the bounds (bounded memory).

    Runs in this process while the child parses, on the second core: Python's zipfile
    never inflates a member beyond its declared size, which the zip check has bounded.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            parts = sheet_child.sheet_parts(archive)
            wanted = {n: sheet_child.sheet_part(archive, parts, n) for n in sheets if n in parts}
            for name, part in wanted.items():
                sheet_child.scan_sheet(archive, part, name, limits.max_rows, limits.max_columns)
                sheet_child.scan_long_texts(archive, part, f"sheet {name!r}")
            if "xl/sharedStrings.xml" in archive.namelist():
                try:
                    sheet_child.scan_long_texts(archive, "xl/sharedStrings.xml", "the workbook")
                except sheet_child.TooLongText as exc:
                    raise _locate_shared(archive, wanted, exc) from None
    except sheet_child.TooLongText as exc:
        raise DataError(f"{path.name}: {exc}") from None
    except sheet_child.Unsafe as exc:
        raise _refuse(
            path, str(exc), "delete unused rows and columns (or split it) and save again"
        ) from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _refuse(
            path,
            f"the file is damaged ({exc})",
            "copy it again from its origin, or open it in Excel and save it again",
        ) from exc
    except Exception as exc:  # defusedxml refusals and malformed XML in workbook.xml
        raise _refuse(
            path,
            f"its workbook index cannot be read safely ({type(exc).__name__}: {exc})",
            "open it in Excel and save it again as 'Excel Workbook (*.xlsx)'",
        ) from exc


def _child_failure(
    path: Path, returncode: int, stderr: bytes, limits: ReadLimits
) -> UnsafeFileError:
    if returncode < 0:
        try:
            what = f"the reader was stopped by {signal.Signals(-returncode).name}"
        except ValueError:
            what = f"the reader was stopped by signal {-returncode}"
    else:
        what = f"the reader failed with exit code {returncode}"
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    # a Rust abort says why on its first line; a Python traceback on its last
    detail = lines[:1] if returncode < 0 else lines[-1:]
    return _refuse(
        path,
        f"{what}, most likely because reading it needs more than the "
        f"{limits.memory_bytes // _MB:,} MB of memory allowed"
        + (f" ({detail[0][:200]})" if detail else ""),
        "delete unused rows and columns (or split the workbook) and save again",
    )


def _run_child(
    request: dict[str, Any], sheets: list[str], limits: ReadLimits, path: Path
) -> dict[str, Any]:
    # -I: isolated mode (no current folder, user site or PYTHON* variables on the path).
    cmd = [sys.executable, "-I", str(_CHILD)]
    env = {**os.environ, "RUST_BACKTRACE": "0"}  # one line from a Rust abort
    started = time.monotonic()
    proc = subprocess.Popen(
        cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    try:
        assert proc.stdin is not None
        proc.stdin.write(json.dumps(request).encode())
        proc.stdin.close()
        proc.stdin = None  # sent; communicate() must not flush it again
        _scan_sheets(path, sheets, limits)  # meanwhile the child parses
        remaining = limits.timeout_s - (time.monotonic() - started)
        if remaining <= 0:
            raise subprocess.TimeoutExpired(cmd, limits.timeout_s)
        stdout, stderr = proc.communicate(timeout=remaining)
    except subprocess.TimeoutExpired:
        raise _refuse(
            path,
            f"reading it took longer than {limits.timeout_s:g} s and was stopped",
            "check that it is an ordinary data workbook; delete unused rows and save again",
        ) from None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    if proc.returncode != 0:
        raise _child_failure(path, proc.returncode, stderr, limits)
    reply: dict[str, Any] = marshal.loads(stdout)
    from_ordinal, untag = date.fromordinal, sheet_child.untag
    for name, tagged in reply.get("tagged", {}).items():
        columns = reply["sheets"][name]
        for j in tagged:  # dates inline, no call; the rest by untag
            columns[j] = [
                (from_ordinal(v[1]) if v[0] == "d" else untag(v)) if type(v) is tuple else v
                for v in columns[j]
            ]
    return reply


def read_workbook_sheets(
    path: Path, sheets: list[str], limits: ReadLimits = DEFAULT_LIMITS
) -> tuple[SheetColumns, list[str]]:
    """Read the named sheets of an untrusted xlsx file in a guarded child process.

    Returns the columns of each sheet found (see :data:`SheetColumns`) and the names of
    those missing.
    """
    path = Path(path)
    check_zip_container(path, limits)
    request = {
        "path": str(path.resolve()),
        "sheets": sheets,
        "max_rows": limits.max_rows,
        "max_columns": limits.max_columns,
        "memory_bytes": limits.memory_bytes,
        "scan": False,  # this process scans the sheets while the child parses them
    }
    reply = _run_child(request, sheets, limits, path)
    if "unsafe" in reply:
        raise _refuse(
            path, reply["unsafe"], "delete unused rows and columns (or split it) and save again"
        )
    if "error" in reply:
        raise DataError(
            f"{path.name}: cannot read the workbook ({reply['error']}); open it in Excel and "
            "save it again as 'Excel Workbook (*.xlsx)'"
        )
    return reply["sheets"], reply["missing"]


def read_csv_rows(
    path: Path, limits: ReadLimits = DEFAULT_LIMITS, *, inside: Path | None = None
) -> list[list[str]]:
    """Rows of a CSV file (UTF-8, with or without BOM), within the row and column bounds.

    ``inside`` is the folder being imported: a link out of it is refused.
    """
    path = Path(path)
    size = check_regular_file(path, inside=inside).st_size
    if size > limits.max_file_bytes:
        raise _refuse(
            path,
            f"the file is {size / _MB:,.0f} MB, more than the {limits.max_file_bytes // _MB} MB "
            "accepted",
            "split it into smaller files",
        )
    rows: list[list[str]] = []
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh, strict=True):
                if len(rows) >= limits.max_rows:
                    raise _refuse(
                        path,
                        f"it has more than {limits.max_rows:,} lines",
                        "split it into smaller files",
                    )
                if len(row) > limits.max_columns:
                    raise _refuse(
                        path,
                        f"line {len(rows) + 1} has {len(row)} fields, more than the "
                        f"{limits.max_columns} accepted",
                        "check the separator (a comma) and the quoting",
                    )
                rows.append(row)
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{path.name}: not UTF-8 text (byte {exc.start}): save it as 'CSV UTF-8'"
        ) from exc
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise DataError(
                f"{path.name}: line {len(rows) + 1} has a field of more than "
                f"{csv.field_size_limit():,} characters (an Excel cell holds at most 32,767; "
                "so does xlreport): shorten it, or check the quoting"
            ) from exc
        raise DataError(
            f"{path.name}: line {len(rows) + 1} is not valid CSV ({exc}); check the quoting"
        ) from exc
    return rows
