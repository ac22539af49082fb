"""The add-in server: the add-in's files and a JSON API over the xlwings functions.

Routes (everything under ``/api/`` needs ``Authorization: Bearer TOKEN``)::

    GET  /taskpane.html, /functions.js, ...   the add-in (static files of this package)
    GET  /functions.json                      custom-functions metadata (from the catalog)
    GET  /catalog.js                          the same list for the page's JavaScript
    GET  /api/health                          version, database, data vintage, revision
    POST /api/call    {"calls": [{"name": "XLR_STATUS", "args": [...]}, ...]}
                      -> {"results": [...]}   one entry per call, in order (see .calls)
    POST /api/report  {"month": "2024-05"}    -> the report workbook, as a download

Guards, outermost first: a request-body limit (413), CORS for the add-in's own origins
only (a preflight from any other origin is refused; no other origin can read a
response), then for ``/api/``: a per-client rate limit (429), the token (401, the same
short answer whether the header is missing, malformed or wrong), and a batch limit
(413). Errors are JSON ``{"error": "..."}`` with one line saying what to fix; nothing
from a traceback reaches a client.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import struct
import tempfile
import time
import zlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from xlreport import __version__
from xlreport.addin.calls import CallError, run_calls
from xlreport.addin.manifest import ICON_SIZES
from xlreport.addin.metadata import build_metadata, function_table
from xlreport.addin.token import token_matches
from xlreport.errors import XlreportError

if TYPE_CHECKING:
    from xlreport.app import App

__all__ = ["OFFICE_JS_CDN", "STATIC", "Limits", "ReportWriter", "create_app"]

STATIC = Path(__file__).resolve().parent / "static"
OFFICE_JS_CDN = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js"

#: ``(month, out_dir) -> path of the written workbook``; the default is the server's
#: :class:`xlreport.app.App` (:meth:`~xlreport.app.App.write_report`, the path the CLI,
#: the Excel button and the scheduler take).
ReportWriter = Callable[[str, Path], Path]


@dataclass(frozen=True)
class Limits:
    max_body: int = 2_000_000  # bytes of one request body
    max_calls: int = 5_000  # calls in one /api/call batch
    rate: float = 50.0  # API requests per second per client, sustained
    burst: int = 200  # ... and at once


@dataclass
class _Bucket:
    tokens: float
    stamp: float


@dataclass
class _RateLimiter:
    rate: float
    burst: int
    clock: Callable[[], float] = time.monotonic
    buckets: dict[str, _Bucket] = field(default_factory=dict)

    def allow(self, client: str) -> bool:
        now = self.clock()
        bucket = self.buckets.get(client)
        if bucket is None:
            if len(self.buckets) > 10_000:
                self.buckets.clear()
            bucket = self.buckets[client] = _Bucket(float(self.burst), now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.stamp) * self.rate)
        bucket.stamp = now
        if bucket.tokens < 1:
            return False
        bucket.tokens -= 1
        return True


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


class _ApiGuard:
    """Rate limit, then token, for every ``/api/`` request (pure ASGI middleware)."""

    def __init__(self, app: ASGIApp, token: str, limiter: _RateLimiter) -> None:
        self.app = app
        self.token = token
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        client = request.client.host if request.client else "?"
        response: Response | None = None
        if not self.limiter.allow(client):
            response = _error(429, "too many requests: wait a second", {"Retry-After": "1"})
        elif not token_matches(request.headers.get("authorization"), self.token):
            response = _error(401, "unauthorized", {"WWW-Authenticate": "Bearer"})
        if response is not None:
            await response(scope, receive, send)
            return

        async def send_no_store(message: Any) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"cache-control", b"no-store")]
            await send(message)

        await self.app(scope, receive, send_no_store)


class _NoSniff:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def add_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                ]
            await send(message)

        await self.app(scope, receive, add_headers)


class _AppWriter:
    """Reports from one App for the server's life (its own store connection and rate book,
    made on the first report), one report at a time (the caller holds a lock)."""

    def __init__(self, make_app: Callable[[], App] | None = None) -> None:
        self._make_app = make_app
        self._app: App | None = None

    def __call__(self, month: str, out_dir: Path) -> Path:
        if self._app is None:
            from xlreport.app import App

            self._app = self._make_app() if self._make_app else App.from_environment()
        return self._app.write_report(month=month, out_dir=out_dir).path


@cache
def icon_png(size: int) -> bytes:
    """The add-in's icon: a dark green square with a light bar chart, as PNG."""
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter: none
        for x in range(size):
            bar = (x * 4) // size  # four bars, rising to the right
            inside = size // 8 <= x < size - size // 8 and x % (size // 4 or 1) < (size // 5 or 1)
            top = size - size // 8 - (bar + 1) * (size * 3 // 16)
            lit = inside and top <= y < size - size // 8
            row += bytes((230, 245, 236)) if lit else bytes((16, 110, 64))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def create_app(
    *,
    token: str,
    origins: Sequence[str],
    limits: Limits | None = None,
    office_js_dir: Path | None = None,
    write_report: ReportWriter | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Starlette:
    """The add-in server's ASGI application.

    ``origins``: the origins the add-in is served from (``https://localhost:8443``); CORS
    allows only these. ``office_js_dir``: serve Office.js from this folder (the npm package
    ``@microsoft/office-js``'s ``dist``) instead of naming Microsoft's CDN, for tests and
    machines without internet.
    """
    limits = limits or Limits()
    writer = write_report or _AppWriter()
    report_lock = asyncio.Lock()
    page = (STATIC / "taskpane.html").read_text(encoding="utf-8")
    if office_js_dir is not None:
        page = page.replace(OFFICE_JS_CDN, "office-js/office.js")
    metadata = json.dumps(build_metadata(), ensure_ascii=False)
    catalog_js = "self.XLREPORT_FUNCTIONS = " + json.dumps(function_table()) + ";\n"

    async def taskpane(request: Request) -> Response:
        return Response(page, media_type="text/html; charset=utf-8")

    async def functions_json(request: Request) -> Response:
        return Response(metadata, media_type="application/json")

    async def catalog_script(request: Request) -> Response:
        return Response(catalog_js, media_type="text/javascript; charset=utf-8")

    async def icon(request: Request) -> Response:
        size = int(request.path_params["size"])
        if size not in ICON_SIZES:
            return _error(404, "no such icon")
        return Response(icon_png(size), media_type="image/png")

    async def body_json(request: Request) -> Any:
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            raise CallError("send the request as JSON (Content-Type: application/json)")
        try:
            return json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            raise CallError("the request body is not valid JSON") from None

    async def health(request: Request) -> Response:
        results = await run_in_threadpool(run_calls, [{"name": "XLR_ABOUT", "args": []}])
        about = results[0]
        if isinstance(about, dict):
            return _error(503, about["error"])
        info = {str(k): v for k, v in about[1:] if k != "python"}
        return JSONResponse({"status": "ok", **info, "version": __version__})

    async def call(request: Request) -> Response:
        try:
            body = await body_json(request)
            calls = body.get("calls") if isinstance(body, dict) else None
            if not isinstance(calls, list):
                raise CallError('give {"calls": [{"name": ..., "args": [...]}, ...]}')
            if len(calls) > limits.max_calls:
                return _error(
                    413, f"{len(calls)} calls in one request; send at most {limits.max_calls}"
                )
            results = await run_in_threadpool(run_calls, calls)
        except CallError as exc:
            return _error(400, str(exc))
        return JSONResponse({"results": results})

    async def report(request: Request) -> Response:
        try:
            body = await body_json(request)
        except CallError as exc:
            return _error(400, str(exc))
        month = body.get("month") if isinstance(body, dict) else None
        if not isinstance(month, str) or len(month) != 7:
            return _error(400, 'give the month as {"month": "YYYY-MM"}, e.g. 2024-05')
        folder = Path(tempfile.mkdtemp(prefix="xlreport-addin-"))
        try:
            async with report_lock:  # one report at a time: each takes a CPU for seconds
                path = await run_in_threadpool(writer, month, folder)
        except XlreportError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            return _error(400, " ".join(str(exc).split())[:500])
        except Exception:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return FileResponse(
            path,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            filename=path.name,
            background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
        )

    async def not_found(request: Request, exc: Exception) -> Response:
        return _error(404, "not found")

    async def server_error(request: Request, exc: Exception) -> Response:
        return _error(500, "internal error: see the server's log")

    routes: list[Any] = [
        Route("/", taskpane),
        Route("/taskpane.html", taskpane),
        Route("/functions.json", functions_json),
        Route("/catalog.js", catalog_script),
        Route("/assets/icon-{size:int}.png", icon),
        Route("/favicon.ico", lambda request: Response(icon_png(32), media_type="image/png")),
        Route("/api/health", health),
        Route("/api/call", call, methods=["POST"]),
        Route("/api/report", report, methods=["POST"]),
    ]
    if office_js_dir is not None:
        routes.append(Mount("/office-js", StaticFiles(directory=office_js_dir)))
    routes.append(Mount("/", StaticFiles(directory=STATIC)))
    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        404: not_found,
        500: server_error,
    }
    return Starlette(
        routes=routes,
        middleware=[
            Middleware(_NoSniff),
            Middleware(
                CORSMiddleware,
                allow_origins=list(origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type"],
                max_age=600,
            ),
            Middleware(
                _ApiGuard, token=token, limiter=_RateLimiter(limits.rate, limits.burst, clock)
            ),
        ],
        exception_handlers=handlers,
        max_body_size=limits.max_body,
    )
