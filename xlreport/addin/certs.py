"""HTTPS for the add-in server: a local certificate authority and a localhost certificate.

Office loads add-ins over HTTPS only, from a certificate the computer trusts.
:func:`ensure_certificates` keeps, in ``<data folder>/addin/``:

* ``ca.crt`` / ``ca.key``: a certificate authority made for this computer alone (10
  years; it signs nothing but the localhost certificate). Trust this one file once
  (:func:`trust_command` gives the platform's command; ``xlreport addin certs --trust``
  runs it);
* ``localhost.crt`` / ``localhost.key``: the server's certificate for ``localhost``,
  ``127.0.0.1`` and ``::1``, valid 365 days (under Apple's 825-day limit) and renewed by
  the CA when it has less than 30 days left, so trusting the CA once is enough.

Private keys are written with mode 0600. A team server uses its own certificate instead
(``xlreport addin serve --cert FILE --key FILE``).
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import os
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from xlreport.errors import AddinError
from xlreport.settings import get_settings

__all__ = [
    "CertificatePaths",
    "certificate_folder",
    "ensure_certificates",
    "spki_fingerprint",
    "trust_command",
]

CA_DAYS = 3650
LEAF_DAYS = 365
RENEW_BEFORE = timedelta(days=30)
HOSTS = ("localhost",)
ADDRESSES = ("127.0.0.1", "::1")


@dataclass(frozen=True)
class CertificatePaths:
    ca_cert: Path
    ca_key: Path
    cert: Path
    key: Path
    created: bool  # whether the localhost certificate was (re)made now


def certificate_folder() -> Path:
    return get_settings().data_dir / "addin"


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(tmp, path)


def _key_bytes(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "xlreport (this computer only)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def _make_ca(now: datetime) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name("xlreport local CA")
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def _make_leaf(
    ca: x509.Certificate, ca_key: ec.EllipticCurvePrivateKey, now: datetime
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [x509.DNSName(h) for h in HOSTS]
    names += [x509.IPAddress(ipaddress.ip_address(a)) for a in ADDRESSES]
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=LEAF_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return cert, key


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def ensure_certificates(
    folder: Path | None = None, *, now: datetime | None = None, renew: bool = False
) -> CertificatePaths:
    """Make the CA (once) and the localhost certificate (when missing, expiring or
    ``renew``); return their paths."""
    folder = folder or certificate_folder()
    now = now or datetime.now(UTC)
    paths = CertificatePaths(
        folder / "ca.crt",
        folder / "ca.key",
        folder / "localhost.crt",
        folder / "localhost.key",
        created=False,
    )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if paths.ca_cert.exists() and paths.ca_key.exists():
            ca = x509.load_pem_x509_certificate(paths.ca_cert.read_bytes())
            loaded = serialization.load_pem_private_key(paths.ca_key.read_bytes(), None)
            if not isinstance(loaded, ec.EllipticCurvePrivateKey):
                raise AddinError(f"{paths.ca_key} is not an xlreport CA key: delete ca.* there")
            ca_key = loaded
        else:
            ca, ca_key = _make_ca(now)
            _write_private(paths.ca_key, _key_bytes(ca_key))
            paths.ca_cert.write_bytes(_pem(ca))
            renew = True
        if not renew and paths.cert.exists() and paths.key.exists():
            leaf = x509.load_pem_x509_certificate(paths.cert.read_bytes())
            renew = leaf.not_valid_after_utc - now < RENEW_BEFORE or leaf.issuer != ca.subject
        else:
            renew = True
        if renew:
            leaf, leaf_key = _make_leaf(ca, ca_key, now)
            _write_private(paths.key, _key_bytes(leaf_key))
            paths.cert.write_bytes(_pem(leaf) + _pem(ca))  # the chain: leaf, then CA
    except (OSError, ValueError) as exc:
        raise AddinError(
            f"cannot make the add-in certificates in {folder}: {exc}; check the folder's "
            "permissions, or give your own with --cert FILE --key FILE"
        ) from None
    return CertificatePaths(paths.ca_cert, paths.ca_key, paths.cert, paths.key, created=renew)


def spki_fingerprint(cert_file: Path) -> str:
    """Base64 SHA-256 of the certificate's public key (Chromium's
    ``--ignore-certificate-errors-spki-list`` takes it)."""
    cert = x509.load_pem_x509_certificate(cert_file.read_bytes())
    spki = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(spki).digest()).decode("ascii")


def trust_command(ca_cert: Path, platform: str | None = None) -> list[str] | None:
    """The command that makes this user (or computer) trust ``ca_cert``, or None where the
    step is manual (Linux distributions differ: see docs/excel.md)."""
    platform = platform or sys.platform
    if platform == "win32":
        return ["certutil", "-user", "-addstore", "Root", str(ca_cert)]
    if platform == "darwin":
        keychain = Path.home() / "Library" / "Keychains" / "login.keychain-db"
        return [
            "security",
            "add-trusted-cert",
            "-r",
            "trustRoot",
            "-k",
            str(keychain),
            str(ca_cert),
        ]
    return None
