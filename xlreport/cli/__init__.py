"""The command line (the only Typer user). Each command group lives in its own module."""

from __future__ import annotations

from xlreport.cli.app import app, main

__all__ = ["app", "main"]
