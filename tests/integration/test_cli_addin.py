"""``xlreport addin manifest | certs | token | serve``: what a user types, what they see."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from lxml import etree

from xlreport.addin.certs import certificate_folder
from xlreport.addin.token import token_path
from xlreport.cli import main


def test_manifest_written_for_the_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "xlreport.xml"
    assert (
        main(["addin", "manifest", "--url", "https://reports.example.org", "--out", str(out)]) == 0
    )
    assert capsys.readouterr().out.startswith(f"Wrote {out}")
    root = etree.parse(str(out)).getroot()
    ns = {"o": "http://schemas.microsoft.com/office/appforoffice/1.1"}
    assert root.find("o:DefaultSettings/o:SourceLocation", ns).get("DefaultValue") == (
        "https://reports.example.org/taskpane.html"
    )
    assert main(["addin", "manifest", "--url", "https://localhost:8443"]) == 0
    assert capsys.readouterr().out.startswith('<?xml version="1.0"')  # printed without --out


def test_manifest_refuses_plain_http(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["addin", "manifest", "--url", "http://localhost:8443"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: the add-in URL 'http://localhost:8443' must start with https://")
    assert err.count("\n") == 1


def test_certs_made_once_and_how_to_trust_them(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["addin", "certs"]) == 0
    out = capsys.readouterr().out
    folder = certificate_folder()
    assert out.startswith(f"Made {folder / 'localhost.crt'}")
    assert f"certificate authority to trust: {folder / 'ca.crt'}" in out
    assert "update-ca-certificates" in out  # this is Linux: the manual step is printed
    assert stat.S_IMODE((folder / "localhost.key").stat().st_mode) == 0o600
    assert main(["addin", "certs"]) == 0
    assert capsys.readouterr().out.startswith("Kept ")
    assert main(["addin", "certs", "--renew"]) == 0
    assert capsys.readouterr().out.startswith("Made ")


def test_token_is_shown_and_is_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["addin", "token"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == token_path().read_text().strip()
    assert captured.err.strip() == f"(from {token_path()})"


def test_serve_needs_both_cert_and_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cert = tmp_path / "team.crt"
    cert.write_text("synthetic")
    assert main(["addin", "serve", "--cert", str(cert)]) == 1
    assert "give both --cert FILE and --key FILE" in capsys.readouterr().err
    assert main(["addin", "serve", "--cert", str(cert), "--key", str(tmp_path / "no.key")]) == 1
    assert "no.key does not exist" in capsys.readouterr().err


def test_serve_for_everyone_needs_the_public_address(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["addin", "serve", "--host", "0.0.0.0"]) == 1
    assert "give --origin https://NAME:8443" in capsys.readouterr().err
