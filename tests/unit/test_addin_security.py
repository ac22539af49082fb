"""The add-in server's token and certificates: made once, user-only, checked properly."""

from __future__ import annotations

import ssl
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from xlreport.addin.certs import ensure_certificates, spki_fingerprint, trust_command
from xlreport.addin.token import load_or_create_token, token_matches, token_path
from xlreport.errors import AddinError
from xlreport.settings import get_settings

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # any day: the tests pass the clock


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_token_is_made_once_with_user_only_permissions() -> None:
    token, where = load_or_create_token()
    path = token_path()
    assert where == str(path) and path.parent == get_settings().data_dir / "addin"
    assert len(token) >= 43  # 32 random bytes in URL-safe base64
    assert _mode(path) == 0o600
    assert load_or_create_token() == (token, where)  # the same token at the next start
    path.chmod(0o644)
    assert load_or_create_token()[0] == token
    assert _mode(path) == 0o600  # a widened file is narrowed again


def test_token_from_the_environment_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XLREPORT_ADDIN_TOKEN", "synthetic-team-secret-from-the-vault")
    get_settings.cache_clear()
    assert load_or_create_token() == ("synthetic-team-secret-from-the-vault",
                                      "XLREPORT_ADDIN_TOKEN")  # fmt: skip
    assert not token_path().exists()  # no file written
    monkeypatch.setenv("XLREPORT_ADDIN_TOKEN", "short")
    get_settings.cache_clear()
    with pytest.raises(AddinError, match="XLREPORT_ADDIN_TOKEN is too short"):
        load_or_create_token()


def test_a_hand_edited_token_file_that_is_too_short_is_refused() -> None:
    path = token_path()
    path.parent.mkdir(parents=True)
    path.write_text("abc\n")
    with pytest.raises(AddinError, match=r"too short.*delete it to have one made"):
        load_or_create_token()


def test_token_matching() -> None:
    token = "synthetic-token-abcdefghijklmnop"
    assert token_matches("Bearer " + token, token)
    assert token_matches("bearer   " + token + " ", token)
    assert not token_matches(None, token)
    assert not token_matches("", token)
    assert not token_matches(token, token)  # no scheme
    assert not token_matches("Basic " + token, token)
    assert not token_matches("Bearer " + token[:-1], token)
    assert not token_matches("Bearer " + token + "é", token)  # non-ASCII does not crash


def test_certificates_chain_to_the_local_ca_and_name_localhost(tmp_path: Path) -> None:
    paths = ensure_certificates(tmp_path, now=NOW)
    assert paths.created
    assert _mode(paths.key) == 0o600 and _mode(paths.ca_key) == 0o600
    leaf, ca = x509.load_pem_x509_certificates(paths.cert.read_bytes())  # leaf, then CA
    assert ca.subject == x509.load_pem_x509_certificate(paths.ca_cert.read_bytes()).subject
    leaf.verify_directly_issued_by(ca)
    names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    assert [str(a) for a in names.get_values_for_type(x509.IPAddress)] == ["127.0.0.1", "::1"]
    usage = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usage) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert leaf.not_valid_after_utc - NOW < timedelta(days=366)  # Apple: at most 825 days
    # Python's own TLS stack accepts the pair and trusts the chain from the CA alone
    ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(paths.cert, paths.key)
    ssl.create_default_context(cafile=str(paths.ca_cert))


def test_certificates_are_kept_then_renewed_before_they_expire(tmp_path: Path) -> None:
    first = ensure_certificates(tmp_path, now=NOW)
    ca_before = first.ca_cert.read_bytes()
    spki = spki_fingerprint(first.cert)
    kept = ensure_certificates(tmp_path, now=NOW + timedelta(days=300))
    assert not kept.created and spki_fingerprint(kept.cert) == spki
    # 340 days on, 25 are left (< 30): a new certificate from the same CA
    renewed = ensure_certificates(tmp_path, now=NOW + timedelta(days=340))
    assert renewed.created and spki_fingerprint(renewed.cert) != spki
    assert renewed.ca_cert.read_bytes() == ca_before  # trusting the CA once is enough
    assert ensure_certificates(tmp_path, now=NOW, renew=True).created


def test_trust_commands_per_platform(tmp_path: Path) -> None:
    ca = tmp_path / "ca.crt"
    assert trust_command(ca, "win32") == ["certutil", "-user", "-addstore", "Root", str(ca)]
    mac = trust_command(ca, "darwin")
    assert mac is not None and mac[:4] == ["security", "add-trusted-cert", "-r", "trustRoot"]
    assert trust_command(ca, "linux") is None
