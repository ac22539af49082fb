"""The Typer application: global options, error translation, command registration.

Each command group lives in its own module with a ``register(app)`` function, so the
groups can grow independently. Errors from the core are :class:`XlreportError`; they are
printed as one line (``Error: ...``) with exit code 1, or with a traceback under
``--debug``.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from xlreport import __version__
from xlreport.errors import XlreportError

app = typer.Typer(
    name="xlreport",
    help="Track government industrial-plan targets: data, progress, currency, Excel reports.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

_state = {"debug": False}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"xlreport {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    _state["debug"] = debug


def _register_all() -> None:
    # Imported here so that each module stays free of import cycles with this one.
    from xlreport.cli import (
        data_cmds,
        excel_cmds,
        fx_cmds,
        progress_cmds,
        report_cmds,
        schedule_cmds,
        store_cmds,
    )

    for module in (
        store_cmds,
        data_cmds,
        progress_cmds,
        fx_cmds,
        report_cmds,
        excel_cmds,
        schedule_cmds,
    ):
        module.register(app)


_register_all()


def main(argv: list[str] | None = None) -> int:
    """Console entry point: run the app, turning xlreport errors into one-line messages."""
    try:
        app(args=argv, standalone_mode=False)
    except XlreportError as exc:
        if _state["debug"]:
            raise
        typer.echo(f"Error: {exc}", err=True)
        return 1
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except typer.Abort:
        typer.echo("Aborted.", err=True)
        return 1
    except KeyboardInterrupt:
        typer.echo("Interrupted.", err=True)
        return 130
    except Exception as exc:  # click usage errors arrive here in non-standalone mode
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            return exc.exit_code
        raise
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
