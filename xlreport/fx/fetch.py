"""Downloading reference-rate files: the ECB history and the Fed's H.10 series on FRED.

One HTTP GET per update, with

* a **conditional request** (``If-None-Match`` / ``If-Modified-Since`` from what was
  fetched last), so an unchanged file costs a 304 and no body;
* **timeouts** for connecting and for each read, and an overall **deadline** checked while
  the body streams, so a server that stalls or trickles cannot hold a report;
* a **size limit** on the body, whatever ``Content-Length`` claims;
* **validation before anything is replaced**: the bytes are parsed as the feed's format
  (a web page, a truncated zip, a CSV of the wrong series are refused), the pair the
  reports need must be present, and the file must reach at least as far as the one held.

This module neither stores nor reads a clock: :mod:`xlreport.app` saves what it returns
in the store (every process of a team sharing one database then uses it) and decides
when to call it. The deadline is measured on the monotonic clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import httpx
import numpy as np

from xlreport import __version__
from xlreport.errors import FxError, RateDownloadError
from xlreport.fx.files import ECB_HISTORY_URL, FRED_DEXCHUS_URL, parse_ecb_bytes, parse_fred_bytes
from xlreport.fx.table import RateTable

__all__ = [
    "FEEDS",
    "MAX_DOWNLOAD_BYTES",
    "Download",
    "RateFeed",
    "check_feed_table",
    "download_feed",
    "feed_for",
]

#: The ECB history zip is about 0.6 MB, FRED's CSV of DEXCHUS about 0.3 MB.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class RateFeed:
    """A rate source that can be downloaded: its name, default address and format."""

    name: str
    url: str
    title: str
    parse: Callable[[bytes, str], RateTable]
    #: currencies the file must hold (the report's CNY/USD/EUR)
    required: tuple[str, ...]


def _parse_ecb(data: bytes, origin: str) -> RateTable:
    return parse_ecb_bytes(data, name="ECB", origin=origin)


def _parse_fred(data: bytes, origin: str) -> RateTable:
    return parse_fred_bytes(data, name="FRED", origin=origin)


FEEDS: dict[str, RateFeed] = {
    "ECB": RateFeed("ECB", ECB_HISTORY_URL, "ECB euro reference rates", _parse_ecb, ("USD", "CNY")),
    "FRED": RateFeed(
        "FRED",
        FRED_DEXCHUS_URL,
        "Federal Reserve H.10 noon buying rates (FRED DEXCHUS)",
        _parse_fred,
        ("USD", "CNY"),
    ),
}


def feed_for(name: str) -> RateFeed:
    """The downloadable source called ``name`` (``ECB`` or ``FRED``), or a one-line error."""
    feed = FEEDS.get(name.strip().upper())
    if feed is None:
        raise FxError(
            f"rate source {name!r} cannot be downloaded: choose --source ECB or --source "
            "FRED (other sources, such as PBOC central parity, are imported as rate tables "
            "with `xlreport data import`)"
        )
    return feed


@dataclass(frozen=True)
class Download:
    """What a GET brought: a new body, or ``unchanged`` (304) with no body."""

    url: str
    unchanged: bool
    content: bytes | None
    etag: str | None
    last_modified: str | None


def download_feed(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    connect_timeout: float = 5.0,
    read_timeout: float = 20.0,
    deadline_s: float = 60.0,
    max_bytes: int = MAX_DOWNLOAD_BYTES,
    transport: httpx.BaseTransport | None = None,
) -> Download:
    """GET ``url`` conditionally; RateDownloadError (one line, what happened) on failure."""
    headers = {"User-Agent": f"xlreport/{__version__}", "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    timeout = httpx.Timeout(connect=connect_timeout, read=read_timeout, write=10.0, pool=5.0)
    started = time.monotonic()
    try:
        with (
            httpx.Client(
                timeout=timeout, follow_redirects=True, max_redirects=5, transport=transport
            ) as client,
            client.stream("GET", url, headers=headers) as response,
        ):
            if response.status_code == 304:
                return Download(url, True, None, etag, last_modified)
            if response.status_code != 200:
                raise RateDownloadError(
                    f"the server answered HTTP {response.status_code} "
                    f"{response.reason_phrase}".strip()
                )
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise RateDownloadError(
                    f"the file is {int(declared):,} bytes, over the {max_bytes:,}-byte limit"
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_raw():
                size += len(chunk)
                if size > max_bytes:
                    raise RateDownloadError(f"the file is over the {max_bytes:,}-byte limit")
                if time.monotonic() - started > deadline_s:
                    raise RateDownloadError(
                        f"the download took longer than {deadline_s:g} s (a stalled server?)"
                    )
                chunks.append(chunk)
            body = b"".join(chunks)
            if declared and declared.isdigit() and len(body) != int(declared):
                raise RateDownloadError(
                    f"the download was cut short: {len(body):,} of {int(declared):,} bytes"
                )
            return Download(
                url,
                False,
                body,
                response.headers.get("ETag"),
                response.headers.get("Last-Modified"),
            )
    except httpx.TimeoutException as exc:
        kind = "connecting" if isinstance(exc, httpx.ConnectTimeout) else "waiting for data"
        raise RateDownloadError(f"timed out {kind} (the server did not answer)") from None
    except httpx.RemoteProtocolError as exc:
        raise RateDownloadError(f"the connection broke off mid-download ({exc})") from None
    except httpx.HTTPError as exc:
        raise RateDownloadError(f"no connection ({_short(exc)})") from None


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:160]


def check_feed_table(
    feed: RateFeed, table: RateTable, *, held_last_day: date | None, today: date | None
) -> None:
    """Refuse a parsed download that would make things worse than what is held."""
    missing = [c for c in feed.required if c not in table.codes]
    if missing:
        raise RateDownloadError(f"the file has no {', '.join(missing)} rates, which reports need")
    frm, to = feed.required
    days, _rates = table.pair_series(frm, to)
    if len(days) == 0:
        raise RateDownloadError(f"the file has no day with both {frm} and {to} rates")
    last = days[-1].astype(object)
    if held_last_day is not None and last < held_last_day:
        raise RateDownloadError(
            f"the file ends on {last}, before the rates already held (to {held_last_day}); "
            "a mirror that is behind?"
        )
    if today is not None and days[-1] > np.datetime64(today) + np.timedelta64(1, "D"):
        raise RateDownloadError(f"the file has rates dated {last}, after today ({today})")
