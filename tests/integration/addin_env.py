"""A real add-in server for tests: the Starlette app under uvicorn on 127.0.0.1, a free
port, HTTPS with the certificate :mod:`xlreport.addin.certs` makes, and an httpx client
that trusts only that certificate's CA."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from xlreport.addin.certs import ensure_certificates
from xlreport.addin.serve import BackgroundServer, TlsFiles
from xlreport.addin.server import create_app
from xlreport.excel import cache
from xlreport.excel.cache import ExcelData
from xlreport.store import Store

TOKEN = "synthetic-test-token-0123456789abcdef"  # synthetic: any 24+ ASCII characters
TODAY = date(2024, 12, 31)  # the day the functions treat as today (no test reads the clock)
ROOT = Path(__file__).resolve().parents[2]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Running:
    url: str
    client: httpx.Client
    ca_cert: Path
    tls: TlsFiles

    def auth(self, token: str = TOKEN) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    def call(self, *calls: tuple[str, list[Any]]) -> list[Any]:
        body = {"calls": [{"name": n, "args": a} for n, a in calls]}
        response = self.client.post("/api/call", json=body, headers=self.auth())
        assert response.status_code == 200, response.text
        results: list[Any] = response.json()["results"]
        return results


def use_store(store: Store, monkeypatch: pytest.MonkeyPatch) -> ExcelData:
    """Point the functions (and so the server) at ``store``, with today = TODAY."""
    data = ExcelData(lambda: store, clock=FakeClock(), today=lambda: TODAY)
    monkeypatch.setattr(cache, "DATA", data)
    return data


@contextmanager
def running_server(origins: list[str] | None = None, **options: Any) -> Iterator[Running]:
    certs = ensure_certificates()
    tls = TlsFiles(certs.cert, certs.key, made_here=True)
    app = create_app(token=TOKEN, origins=origins or ["https://localhost:8443"], **options)
    context = ssl.create_default_context(cafile=str(certs.ca_cert))
    with (
        BackgroundServer(app, tls) as server,
        httpx.Client(base_url=server.url, verify=context, timeout=60) as client,
    ):
        yield Running(server.url, client, certs.ca_cert, tls)
