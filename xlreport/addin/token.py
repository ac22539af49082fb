"""The add-in server's bearer token: made at first start, kept readable by the user only.

Every API request carries ``Authorization: Bearer TOKEN``. The token is
``XLREPORT_ADDIN_TOKEN`` when set (a team server's token from its secret store), else the
contents of ``<data folder>/addin/token``, written at first start with 32 random bytes
(URL-safe base64) and mode 0600. :func:`token_matches` compares in constant time.
"""

from __future__ import annotations

import hmac
import os
import secrets
import stat
from pathlib import Path

from xlreport.errors import AddinError
from xlreport.settings import get_settings

__all__ = ["MIN_LENGTH", "load_or_create_token", "token_matches", "token_path"]

MIN_LENGTH = 24


def token_path() -> Path:
    return get_settings().data_dir / "addin" / "token"


def _check(token: str, where: str) -> str:
    token = token.strip()
    if len(token) < MIN_LENGTH or not token.isascii() or any(c.isspace() for c in token):
        raise AddinError(
            f"the add-in token in {where} is too short or has spaces: use at least "
            f"{MIN_LENGTH} printable ASCII characters, or delete it to have one made"
        )
    return token


def load_or_create_token(path: Path | None = None) -> tuple[str, str]:
    """``(token, where it comes from)``: the setting, the file, or a new file."""
    configured = get_settings().addin_token
    if configured:
        return _check(configured, "XLREPORT_ADDIN_TOKEN"), "XLREPORT_ADDIN_TOKEN"
    path = path or token_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            mode = stat.S_IMODE(path.stat().st_mode)
            if os.name == "posix" and mode & 0o077:
                path.chmod(0o600)  # someone widened it: the token is a password
            return _check(path.read_text(encoding="ascii"), str(path)), str(path)
        token = secrets.token_urlsafe(32)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(token + "\n")
        return token, str(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise AddinError(
            f"cannot read or create the add-in token file {path}: {exc}; "
            "check the folder's permissions or set XLREPORT_ADDIN_TOKEN"
        ) from None


def token_matches(header: str | None, token: str) -> bool:
    """Whether an ``Authorization`` header carries ``token`` (constant-time compare)."""
    given = b""
    if header is not None:
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer":
            given = value.strip().encode("utf-8", "replace")
    return hmac.compare_digest(given, token.encode("ascii"))
