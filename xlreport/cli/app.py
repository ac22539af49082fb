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
from xlreport.errors import XlreportError, escape_terminal

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
        addin_cmds,
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
        addin_cmds,
    ):
        module.register(app)


_register_all()


def main(argv: list[str] | None = None) -> int:
    """Console entry point: run the app, turning xlreport errors into one-line messages.

    Typer's standalone mode handles usage errors itself (message, exit code 2); only our
    own errors are caught here.
    """
    try:
        app(args=argv, standalone_mode=True)
    except XlreportError as exc:
        if _state["debug"]:
            raise
        typer.echo(f"Error: {escape_terminal(str(exc))}", err=True)
        return 1
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except KeyboardInterrupt:
        typer.echo("Interrupted.", err=True)
        return 130
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
