"""CLI commands: ``xlreport addin serve | certs | manifest | token`` (the Office add-in).

* ``serve`` runs the HTTPS server that Excel on the web, on the Mac and on Windows loads
  the add-in from (functions, task pane, report);
* ``certs`` makes (or renews) the localhost certificate and tells how to trust it;
* ``manifest --url URL`` writes the XML manifest to sideload or to put in a catalog;
* ``token`` shows the token the task pane asks for.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Annotated

import typer

from xlreport.errors import AddinError, OutputError

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app."""
    addin = typer.Typer(help="The Office add-in: HTTPS server, certificates, manifest, token.")
    app.add_typer(addin, name="addin")

    @addin.command("serve")
    def serve(
        host: Annotated[
            str, typer.Option(help="Address to listen on; 0.0.0.0 for a team server.")
        ] = "127.0.0.1",
        port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8443,
        cert: Annotated[
            Path | None, typer.Option(help="Your certificate (PEM, with its chain).")
        ] = None,
        key: Annotated[Path | None, typer.Option(help="The certificate's private key.")] = None,
        origin: Annotated[
            str | None,
            typer.Option(help="Public URL users load the add-in from (a shared server)."),
        ] = None,
        office_js: Annotated[
            Path | None,
            typer.Option(
                help="Serve Office.js from this folder (npm @microsoft/office-js dist) "
                "instead of Microsoft's CDN: for offline tests.",
                hidden=True,
            ),
        ] = None,
    ) -> None:
        """Serve the add-in and its API over HTTPS until Ctrl-C."""
        from xlreport.addin.serve import default_origins, resolve_tls
        from xlreport.addin.serve import serve as run
        from xlreport.addin.server import create_app
        from xlreport.addin.token import load_or_create_token

        tls = resolve_tls(cert, key)
        token, where = load_or_create_token()
        origins = default_origins(host, port, origin)
        if not origins:
            raise AddinError(
                f"listening on {host} for everyone: give --origin https://NAME:{port}, the "
                "address users load the add-in from"
            )
        app_ = create_app(token=token, origins=origins, office_js_dir=office_js)
        typer.echo(f"xlreport add-in at {origins[0]}/taskpane.html")
        typer.echo(f"  token: {where} (show it with: xlreport addin token)")
        typer.echo(f"  certificate: {tls.cert}")
        typer.echo(f"  manifest: xlreport addin manifest --url {origins[0]} --out xlreport.xml")
        run(app_, host, port, tls)

    @addin.command("certs")
    def certs(
        renew: Annotated[bool, typer.Option("--renew", help="Make a new certificate.")] = False,
        trust: Annotated[
            bool, typer.Option("--trust", help="Also trust it for this user (Windows, macOS).")
        ] = False,
    ) -> None:
        """Make the localhost certificate (once) and show how to trust it."""
        from xlreport.addin.certs import ensure_certificates, trust_command

        paths = ensure_certificates(renew=renew)
        typer.echo(f"{'Made' if paths.created else 'Kept'} {paths.cert}")
        typer.echo(f"  key: {paths.key} (readable by you only)")
        typer.echo(f"  certificate authority to trust: {paths.ca_cert}")
        command = trust_command(paths.ca_cert)
        if command is None:
            typer.echo(
                "  trust it on Linux: sudo cp CA /usr/local/share/ca-certificates/xlreport.crt "
                "&& sudo update-ca-certificates (Debian, Ubuntu); see docs/excel.md"
            )
            return
        typer.echo("  trust it: " + " ".join(command))
        if trust:
            done = subprocess.run(command, check=False)
            if done.returncode != 0:
                raise AddinError(
                    f"trusting the certificate failed (exit code {done.returncode}): run the "
                    "command above yourself, or see docs/excel.md"
                )
            typer.echo("Trusted.")

    @addin.command("manifest")
    def manifest(
        url: Annotated[
            str, typer.Option(help="The server's address, e.g. https://localhost:8443.")
        ],
        out: Annotated[
            Path | None, typer.Option(help="Write the manifest here (default: print it).")
        ] = None,
    ) -> None:
        """Write the add-in's XML manifest for the server at URL."""
        from xlreport.addin.manifest import build_manifest

        xml = build_manifest(url)
        if out is None:
            typer.echo(xml, nl=False)
            return
        try:
            out.write_text(xml, encoding="utf-8")
        except OSError as exc:
            raise OutputError(f"cannot write {out}: {exc.strerror or exc}") from None
        typer.echo(f"Wrote {out}: sideload it in Excel (docs/excel.md)")

    @addin.command("token")
    def token() -> None:
        """Show the token the add-in's task pane asks for (made if missing)."""
        from xlreport.addin.token import load_or_create_token

        value, where = load_or_create_token()
        typer.echo(value)
        typer.echo(f"(from {where})", err=True)
