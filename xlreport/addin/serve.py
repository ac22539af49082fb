"""Run the add-in server under uvicorn, always over HTTPS.

:func:`serve` blocks until Ctrl-C / SIGTERM (the CLI's ``xlreport addin serve``);
:class:`BackgroundServer` runs it in a thread on a free port (tests, the benchmark).
"""

from __future__ import annotations

import ipaddress
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import uvicorn
from starlette.applications import Starlette

from xlreport.addin.certs import ensure_certificates
from xlreport.errors import AddinError

__all__ = ["BackgroundServer", "TlsFiles", "default_origins", "resolve_tls", "serve"]


@dataclass(frozen=True)
class TlsFiles:
    cert: Path
    key: Path
    made_here: bool  # our own localhost certificate (as opposed to the user's)


def resolve_tls(cert: Path | None, key: Path | None) -> TlsFiles:
    """The user's certificate and key (both or neither), else ours (made if missing)."""
    if (cert is None) != (key is None):
        raise AddinError("give both --cert FILE and --key FILE, or neither (to use localhost's)")
    if cert is not None and key is not None:
        for path in (cert, key):
            if not path.is_file():
                raise AddinError(f"{path} does not exist: give the PEM file of your certificate")
        return TlsFiles(cert, key, made_here=False)
    paths = ensure_certificates()
    return TlsFiles(paths.cert, paths.key, made_here=True)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def default_origins(host: str, port: int, public_url: str | None = None) -> list[str]:
    """The origins the add-in's pages come from: localhost's for a local server, and the
    public URL of a shared one."""
    origins = []
    if _is_loopback(host):
        origins += [f"https://localhost:{port}", f"https://127.0.0.1:{port}"]
    elif host not in ("0.0.0.0", "::"):
        origins.append(f"https://{host}:{port}")
    if public_url:
        from urllib.parse import urlsplit

        parts = urlsplit(public_url)
        origins.append(f"https://{parts.netloc}")
    return origins


def _config(app: Starlette, host: str, port: int, tls: TlsFiles, log_level: str) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        ssl_certfile=str(tls.cert),
        ssl_keyfile=str(tls.key),
        log_level=log_level,
        lifespan="off",
        server_header=False,
        proxy_headers=False,  # the client address is the peer's: the rate limit keys on it
        timeout_keep_alive=30,
    )


def serve(app: Starlette, host: str, port: int, tls: TlsFiles) -> None:
    """Serve until interrupted."""
    try:
        uvicorn.Server(_config(app, host, port, tls, "info")).run()
    except OSError as exc:
        raise AddinError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another --port"
        ) from None


class BackgroundServer:
    """The app on ``host`` and a free port, in a thread: ``with BackgroundServer(...) as s:``
    then ``s.url``."""

    def __init__(self, app: Starlette, tls: TlsFiles, host: str = "127.0.0.1") -> None:
        self.server = uvicorn.Server(_config(app, host, 0, tls, "warning"))
        self.host = host
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.port = 0

    @property
    def url(self) -> str:
        return f"https://{self.host}:{self.port}"

    def __enter__(self) -> BackgroundServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise AddinError("the add-in server did not start: see the log above")
            time.sleep(0.02)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
