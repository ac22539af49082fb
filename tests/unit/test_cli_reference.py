"""docs/cli.md is generated from the commands; every command is documented."""

from __future__ import annotations

from pathlib import Path

import typer.main

from xlreport.cli.app import app
from xlreport.cli.reference import render_cli_reference

DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_committed_reference_matches_the_commands() -> None:
    assert DOCS.read_text(encoding="utf-8") == render_cli_reference(), (
        "docs/cli.md is out of date: run `python -m xlreport.cli.reference > docs/cli.md`"
    )


def test_every_command_has_a_help_text_and_a_section() -> None:
    from typer._click import Context

    text = DOCS.read_text(encoding="utf-8")
    root = typer.main.get_command(app)
    ctx = Context(root, info_name="xlreport")
    missing, undocumented = [], []
    for name in root.list_commands(ctx):
        cmd = root.get_command(ctx, name)
        subs = [(name, cmd)]
        if hasattr(cmd, "list_commands"):
            sub_ctx = Context(cmd, info_name=name, parent=ctx)
            subs = [
                (f"{name} {s}", cmd.get_command(sub_ctx, s)) for s in cmd.list_commands(sub_ctx)
            ]
        for path, sub in subs:
            if f"`xlreport {path}`" not in text:
                missing.append(path)
            if not (sub.help or "").strip():
                undocumented.append(path)
    assert not missing, f"commands without a section in docs/cli.md: {missing}"
    assert not undocumented, f"commands without a help text: {undocumented}"
