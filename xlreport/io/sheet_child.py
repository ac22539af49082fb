"""The child process that reads sheets of an untrusted workbook (see :mod:`xlreport.io.guard`).

Run as a script by the parent, never imported by it: it uses only the standard library,
python-calamine and defusedxml, so it starts quickly and a crash here (python-calamine
aborts the process when a sheet declares billions of cells) cannot take the parent down.

Protocol: a JSON request on stdin (``path``, ``sheets``, ``max_rows``, ``max_columns``,
``memory_bytes``, ``scan``); a marshalled reply on stdout, one of ``{"sheets": {name:
columns}, "missing": [names]}``, ``{"unsafe": message}`` or ``{"error": message}``. A sheet
travels as its COLUMNS (a few long sequences pack, unpack and validate faster than 100,000
short rows), each of the same length, item 0 being the sheet's row 1. Cells are plain
values (str, float, int, bool); date-like cells travel as tagged tuples, and the columns
that hold any are listed per sheet in ``"tagged"`` (see :func:`untag`).

Before python-calamine loads a sheet, its declared ``<dimension>`` must be within the
bounds. With ``"scan": true`` (the default when run by hand) the whole sheet XML is also
streamed and every row and cell reference checked first; the parent process normally
runs that scan itself, in parallel (:func:`scan_sheet` is shared with it).
"""

from __future__ import annotations

import datetime
import gc
import json
import marshal
import posixpath
import re
import sys
import zipfile
from collections.abc import Iterator, Sequence
from typing import Any

_CHUNK = 1 << 22
_MAX_INDEX_BYTES = 16 << 20  # workbook.xml and its relationships
_WIDE_CELL = re.compile(rb'r="([A-Za-z]{2,})\d')
_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s[^>]*?\bref="([^"]*)"')
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


class Unsafe(Exception):
    """The file breaks a bound: reported to the parent as UnsafeFileError."""


def column_number(letters: str) -> int:
    """A -> 1, Z -> 26, AA -> 27, XFD -> 16384."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def _parse_ref(ref: str) -> tuple[int, int]:
    m = _REF.match(ref)
    if m is None:
        raise Unsafe(f"the cell reference {ref!r} is not valid")
    return int(m.group(2)), column_number(m.group(1))


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip member of its XML, from workbook.xml and its relationships."""
    from defusedxml import ElementTree

    names = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")
    try:
        infos = [archive.getinfo(n) for n in names]
    except KeyError as exc:
        raise Unsafe(f"it is not an Excel workbook: {exc.args[0]}") from None
    for info in infos:
        if info.file_size > _MAX_INDEX_BYTES:
            raise Unsafe(f"its {info.filename} is {info.file_size:,} bytes: not a workbook's")
    book = ElementTree.fromstring(archive.read(infos[0]))
    rels = ElementTree.fromstring(archive.read(infos[1]))
    targets = {}
    for rel in rels.iter(f"{{{_NS_PKG}}}Relationship"):
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        targets[rel.get("Id")] = posixpath.normpath(part)
    parts = {}
    for sheet in book.iter(f"{{{_NS_MAIN}}}sheet"):
        rid = sheet.get(f"{{{_NS_REL}}}id")
        if sheet.get("name") is not None and rid in targets:
            parts[sheet.get("name")] = targets[rid]
    return parts


def _beyond_pattern(max_rows: int) -> re.Pattern[bytes]:
    """Row and cell references with at least as many digits as ``max_rows``.

    Matching every reference would cost a Python step per cell; this pattern matches
    only the long row numbers, so an honest sheet yields few matches, each compared.
    """
    return re.compile(rb'r="[A-Za-z]{0,3}(\d{%d,})' % len(str(max_rows)))


def check_dimension(
    archive: zipfile.ZipFile, part: str, name: str, max_rows: int, max_cols: int
) -> None:
    """Refuse a sheet whose declared ``<dimension>`` exceeds the bounds (reads 64 KB)."""
    with archive.open(part) as fh:
        head = fh.read(65536)
    _check_declared(head, name, max_rows, max_cols)


def _check_declared(head: bytes, name: str, max_rows: int, max_cols: int) -> None:
    m = _DIMENSION.search(head, 0, 65536)
    if m is None:
        return
    ref = m.group(1).decode("ascii", "replace")
    rows, cols = _parse_ref(ref.split(":")[-1])
    if rows > max_rows or cols > max_cols:
        raise Unsafe(
            f"sheet {name!r} declares the range {ref} ({rows:,} rows x {cols:,} columns); "
            f"at most {max_rows:,} rows and {max_cols} columns are read"
        )


def sheet_part(archive: zipfile.ZipFile, parts: dict[str, str], name: str) -> str:
    part = parts[name]
    try:
        archive.getinfo(part)
    except KeyError:
        raise Unsafe(f"sheet {name!r} points to a missing part {part!r}") from None
    return part


#: What one Excel cell holds; python-calamine cuts longer text silently, so it is found
#: in the XML first and refused (xlreport never loses text without a word).
MAX_CELL_TEXT = 32_767
_LONG_RUN = re.compile(rb">([^<>]{%d,})" % (MAX_CELL_TEXT + 1))
_ENTITY = re.compile(rb"&[#a-zA-Z0-9]+;")


class TooLongText(Unsafe):
    """A text longer than a cell holds (the message says what to do).

    ``length`` is its number of characters; ``cell`` the reference of the cell holding it,
    when known; ``shared_index`` its position in the workbook's shared strings, when it
    was found there."""

    def __init__(
        self, where: str, length: int, cell: str | None = None, shared_index: int | None = None
    ) -> None:
        super().__init__(
            f"{where} holds a text of {length:,} characters, more than the "
            f"{MAX_CELL_TEXT:,} an Excel cell holds (xlreport never cuts text); shorten it"
        )
        self.length = length
        self.cell = cell
        self.shared_index = shared_index


_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\b[^>]*?\br=\"([A-Za-z]{1,3}\d{1,7})\"")
_SHARED_ITEM = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")


_CELL_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>]")


def _pieces(
    archive: zipfile.ZipFile, part: str, boundary: re.Pattern[bytes] | None = None
) -> Iterator[bytes]:
    """The XML of ``part`` in pieces of about 4 MB, each cut just before a tag (or just
    before a match of ``boundary``), so that no tag is split between two pieces."""
    with archive.open(part) as fh:
        buffer = b""
        while True:
            chunk = fh.read(_CHUNK)
            buffer += chunk
            if not chunk:
                if buffer:
                    yield buffer
                return
            if boundary is None:
                cut = buffer.rfind(b"<")
            else:
                tail = max(0, len(buffer) - _CHUNK)
                starts = [m.start() for m in boundary.finditer(buffer, tail)]
                cut = starts[-1] if starts else -1
            if cut > 0:
                yield buffer[:cut]
                buffer = buffer[cut:]


def scan_long_texts(archive: zipfile.ZipFile, part: str, label: str) -> None:
    """Raise :class:`TooLongText` if a text in ``part`` is longer than a cell holds.

    In a sheet the error names the cell (the last cell tag before the text); in the
    shared strings it carries the text's index, for :func:`find_shared_string`."""
    shared = part.endswith("sharedStrings.xml")
    last_cell: str | None = None
    items_before = 0  # <si> elements in the pieces before this one
    for body in _pieces(archive, part):
        for m in _LONG_RUN.finditer(body):
            text = _ENTITY.sub(b"&", m.group(1)).decode("utf-8", "replace")
            if len(text) > MAX_CELL_TEXT:
                if shared:
                    index = items_before + len(_SHARED_ITEM.findall(body, 0, m.start())) - 1
                    raise TooLongText(label, len(text), None, index)
                tags = _CELL_TAG.findall(body, 0, m.start())
                cell = tags[-1].decode("ascii").upper() if tags else last_cell
                where = f"{label}, cell {cell}," if cell else label
                raise TooLongText(where, len(text), cell)
        if shared:
            items_before += len(_SHARED_ITEM.findall(body))
        elif tags := _CELL_TAG.findall(body):
            last_cell = tags[-1].decode("ascii").upper()


def find_shared_string(archive: zipfile.ZipFile, part: str, index: int) -> str | None:
    """The first cell of ``part`` (a sheet) showing shared string ``index``, or None."""
    pattern = re.compile(
        rb"<(?:[A-Za-z_][\w.-]*:)?c\b([^>]*)>\s*<(?:[A-Za-z_][\w.-]*:)?v>\s*%d\s*<" % index
    )
    for body in _pieces(archive, part, _CELL_START):  # a cell and its value stay together
        for m in pattern.finditer(body):
            attrs = m.group(1)
            ref = re.search(rb'\br="([A-Za-z]{1,3}\d{1,7})"', attrs)
            if ref and re.search(rb'\bt="s"', attrs):
                return ref.group(1).decode("ascii").upper()
    return None


def scan_sheet(
    archive: zipfile.ZipFile, part: str, name: str, max_rows: int, max_cols: int
) -> None:
    """Stream the sheet's XML; raise :class:`Unsafe` at the first bound broken.

    Checked: the declared ``<dimension>``, the number of ``<row>`` elements, and the row
    number and column of every row and cell reference.
    """
    limit = f"at most {max_rows:,} rows and {max_cols} columns are read"
    beyond = _beyond_pattern(max_rows)
    with archive.open(part) as fh:
        buffer = b""
        head_checked = False
        row_tags = 0
        while True:
            chunk = fh.read(_CHUNK)
            buffer += chunk
            if not head_checked:  # the first read (4 MB) holds the head of any sheet
                head_checked = True
                _check_declared(buffer, name, max_rows, max_cols)
            cut = buffer.rfind(b"<") if chunk else len(buffer)
            if cut <= 0:
                if not chunk:
                    break
                continue
            body, buffer = buffer[:cut], buffer[cut:]
            row_tags += body.count(b"<row") + body.count(b":row")
            if row_tags > max_rows:
                raise Unsafe(f"sheet {name!r} has more than {max_rows:,} rows; {limit}")
            for m in beyond.finditer(body):
                if int(m.group(1)) > max_rows:
                    raise Unsafe(f"sheet {name!r} has a row {int(m.group(1)):,}; {limit}")
            for m in _WIDE_CELL.finditer(body):
                col = column_number(m.group(1).decode("ascii"))
                if col > max_cols:
                    raise Unsafe(
                        f"sheet {name!r} has a cell in column {m.group(1).decode('ascii')} "
                        f"(column {col:,}); {limit}"
                    )
            if not chunk:
                break


def limit_memory(memory_bytes: int) -> None:
    if memory_bytes <= 0:
        return
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows: only the time limit applies
        return
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


def read_sheets(request: dict[str, Any]) -> dict[str, Any]:
    import python_calamine

    path = request["path"]
    max_rows, max_cols = int(request["max_rows"]), int(request["max_columns"])
    with zipfile.ZipFile(path) as archive:
        parts = sheet_parts(archive)
        wanted = [s for s in request["sheets"] if s in parts]
        for name in wanted:
            part = sheet_part(archive, parts, name)
            if request.get("scan", True):
                scan_sheet(archive, part, name, max_rows, max_cols)
            else:  # the parent scans the whole sheet meanwhile; the head is checked here
                check_dimension(archive, part, name, max_rows, max_cols)
    out: dict[str, list[list[Any]]] = {}
    with python_calamine.CalamineWorkbook.from_path(path) as book:
        for name in wanted:
            sheet = book.get_sheet_by_name(name)
            if sheet.total_height > max_rows or sheet.total_width > max_cols:
                raise Unsafe(
                    f"sheet {name!r} holds {sheet.total_height:,} rows x "
                    f"{sheet.total_width:,} columns; at most {max_rows:,} rows and "
                    f"{max_cols} columns are read"
                )
            out[name] = sheet.to_python(skip_empty_area=False, nrows=max_rows)
    missing = [s for s in request["sheets"] if s not in parts]
    return {"sheets": out, "missing": missing}


#: Cell types marshal cannot carry, sent as tagged tuples (calamine never yields tuples).
_TEMPORAL = (datetime.date, datetime.datetime, datetime.time, datetime.timedelta)


def _tag(value: Any) -> tuple[str, Any]:
    if type(value) is datetime.date:
        return ("d", value.toordinal())
    if type(value) is datetime.timedelta:
        return ("p", value.total_seconds())
    return ("t" if type(value) is datetime.datetime else "h", value.isoformat())


def untag(value: tuple[str, Any]) -> Any:
    """The date, datetime, time or timedelta that :func:`_tag` sent."""
    kind, data = value
    if kind == "d":
        return datetime.date.fromordinal(data)
    if kind == "p":
        return datetime.timedelta(seconds=data)
    if kind == "t":
        return datetime.datetime.fromisoformat(data)
    return datetime.time.fromisoformat(data)


def columns_of(rows: list[list[Any]]) -> list[Sequence[Any]]:
    """The columns of calamine's rows (rectangular, so plain zip loses nothing)."""
    return list(zip(*rows, strict=False)) if rows else []


def tag_temporal(columns: list[Sequence[Any]]) -> list[int]:
    """Replace date-like cells by tagged tuples, in place; the columns that hold them."""
    tagged = []
    day = datetime.date
    for j, column in enumerate(columns):
        if any(issubclass(t, _TEMPORAL) for t in set(map(type, column))):
            tagged.append(j)
            columns[j] = [
                ("d", v.toordinal())  # most temporal cells: inline, no call
                if type(v) is day
                else _tag(v)
                if isinstance(v, _TEMPORAL)
                else v
                for v in column
            ]
    return tagged


def main() -> int:
    gc.disable()  # a short-lived process building millions of acyclic objects
    request = json.loads(sys.stdin.buffer.read())
    limit_memory(int(request.get("memory_bytes", 0)))
    try:
        reply: dict[str, Any] = read_sheets(request)
    except Unsafe as exc:
        reply = {"unsafe": str(exc)}
    except MemoryError:
        reply = {"unsafe": "reading it needs more memory than the limit allows"}
    except Exception as exc:  # calamine, zip and XML errors: reported, not raised
        reply = {"error": f"{type(exc).__name__}: {exc}"}
    if "sheets" in reply:  # marshal is 3x faster than pickle for plain values
        sheets = {name: columns_of(rows) for name, rows in reply["sheets"].items()}
        reply["sheets"] = sheets
        reply["tagged"] = {name: tag_temporal(columns) for name, columns in sheets.items()}
    sys.stdout.buffer.write(marshal.dumps(reply))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
