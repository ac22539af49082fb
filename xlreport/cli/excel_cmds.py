"""CLI commands: ``xlreport excel workbook | setup | functions`` (the Excel add-in).

* ``workbook PATH`` writes the add-in workbook (xlwings' standalone quickstart template
  with our macros, Dashboard and ``xlwings.conf``) configured for the Python running it;
* ``setup`` installs the xlwings Excel add-in on Windows (``xlwings addin install``) and
  prints the manual steps on other systems;
* ``functions`` lists the custom functions, read from the functions module itself.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from xlreport.errors import OutputError, XlreportError

__all__ = [
    "SETUP_STEPS",
    "FunctionsFormat",
    "addin_install_command",
    "register",
    "setup_command",
]

SETUP_STEPS = """\
Custom functions (XLR_...) need Excel for Windows; the report button also works on macOS.
Steps on Windows (see docs/excel.md for details):
  1. Install Python 3.11+ and xlreport into it (pip install <xlreport wheel or folder>).
  2. Install the xlwings add-in:  xlreport excel setup  (runs xlwings addin install; optional
     for xlreport.xlsm, which embeds xlwings' VBA; needed for XLR_ in other workbooks).
  3. Write the workbook:  xlreport excel workbook xlreport.xlsm  (again after an upgrade)
  4. Open xlreport.xlsm and enable macros: the XLR_ functions and the
     "Generate monthly report" button work at once.
  5. Only for XLR_ in your own workbooks (Import Functions there): in Excel, File >
     Options > Trust Center > Trust Center Settings > Macro Settings: tick
     "Trust access to the VBA project object model".
On macOS: step 1, then `xlreport excel setup` (runs xlwings runpython install, which puts
the AppleScript RunPython needs into Excel's script folder), then steps 3 and 4 for the
button; the workbook's custom functions are not available there.
Excel on the web, Excel for Mac and Windows without macros: use the Office add-in
instead (xlreport addin serve; docs/excel.md, "The Office add-in").
"""


class FunctionsFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"


def _xlwings_command(*args: str) -> list[str]:
    """The ``xlwings`` command of this Python's xlwings, with ``args``."""
    script = shutil.which("xlwings", path=str(Path(sys.executable).parent))
    if script:
        return [script, *args]
    return [sys.executable, "-c", "from xlwings.cli import main; main()", *args]


def addin_install_command() -> list[str]:
    """The command that installs the xlwings add-in with this Python's xlwings."""
    return _xlwings_command("addin", "install")


def setup_command(platform: str) -> tuple[list[str], str] | None:
    """What ``xlreport excel setup`` runs on ``platform`` (``sys.platform``) and what it is
    for; None where there is nothing to install (Linux: no desktop Excel)."""
    if platform == "win32":
        return addin_install_command(), "xlwings addin install"
    if platform == "darwin":
        # Excel for Mac runs RunPython through an AppleScript in its sandboxed script
        # folder (~/Library/Application Scripts/com.microsoft.Excel): xlwings installs it
        return _xlwings_command("runpython", "install"), "xlwings runpython install"
    return None


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app."""
    excel = typer.Typer(help="The Excel add-in: workbook, xlwings set-up, function list.")
    app.add_typer(excel, name="excel")

    @excel.command("workbook")
    def workbook(
        path: Annotated[Path, typer.Argument(help="Where to write the .xlsm workbook.")],
        force: Annotated[
            bool, typer.Option("--force", help="Replace the file if it exists.")
        ] = False,
    ) -> None:
        """Write the add-in workbook, configured for this Python installation."""
        from xlreport.excel.workbook import installation_config, write_addin_workbook
        from xlreport.settings import get_settings

        if path.exists() and not force:
            raise OutputError(f"{path} exists: choose another name or add --force to replace it")
        config = installation_config()
        written = write_addin_workbook(path, config=config)
        typer.echo(f"Wrote {written}")
        for key, value in config.items():
            typer.echo(f"  xlwings.conf {key} = {value}")
        typer.echo("  xlwings.conf UDF Modules = xlreport.excel.functions")
        url = get_settings().database_url
        if url:
            typer.echo(
                "  database: the workbook reads XLREPORT_DATABASE_URL from the environment of "
                "Excel's Python; set it as a user environment variable on that computer"
            )
        typer.echo("Open it and enable macros: the XLR_ functions work at once.")

    @excel.command("setup")
    def setup(
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="Show what would run; change nothing.")
        ] = False,
    ) -> None:
        """Set up xlwings for Excel: the add-in on Windows, RunPython's AppleScript on a
        Mac; elsewhere print the manual steps."""
        found = setup_command(sys.platform)
        if found is None:
            typer.echo(f"This is {sys.platform}, not Windows or macOS: nothing to install here.\n")
            typer.echo(SETUP_STEPS, nl=False)
            return
        command, what = found
        typer.echo("Running: " + " ".join(command))
        if dry_run:
            return
        done = subprocess.run(command, check=False)
        if done.returncode != 0:
            raise XlreportError(
                f"{what} failed (exit code {done.returncode}): close Excel and run it "
                "again, or follow the manual steps in docs/excel.md"
            )
        typer.echo(SETUP_STEPS, nl=False)

    @excel.command("functions")
    def functions(
        fmt: Annotated[
            FunctionsFormat, typer.Option("--format", help="table, json or markdown.")
        ] = FunctionsFormat.TABLE,
    ) -> None:
        """List the Excel custom functions with their arguments and help."""
        from xlreport.excel import functions as module
        from xlreport.excel.catalog import list_functions, render_reference

        specs = list_functions(module)
        if fmt is FunctionsFormat.JSON:
            typer.echo(json.dumps([s.as_dict() for s in specs], ensure_ascii=False, indent=2))
        elif fmt is FunctionsFormat.MARKDOWN:
            typer.echo(render_reference(specs), nl=False)
        else:
            for s in specs:
                typer.echo(f"{s.signature}\n    {s.help}")
                for a in s.args:
                    typer.echo(f"    {a.name}: {a.help}")
