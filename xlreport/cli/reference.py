"""The command-line reference (docs/cli.md), generated from the command tree itself.

``python -m xlreport.cli.reference > docs/cli.md`` regenerates it; a test fails when the
committed file and the commands drift apart, so every command stays documented.
"""

from __future__ import annotations

import inspect
from typing import Any

import typer.main

from xlreport.cli.app import app

__all__ = ["render_cli_reference"]

HEADER = """# Command-line reference

Generated from the commands themselves by `python -m xlreport.cli.reference > docs/cli.md`
(a test keeps it in step). Every command accepts `--help`. Global options go before the
command: `xlreport --debug report` shows a traceback instead of the one-line error.

Exit codes: 0 success; 1 an error xlreport explains in one line (`Error: ...`); 2 a usage
error (unknown command or option, bad option value); 130 or 143 `schedule run-due`
stopped by Ctrl-C or SIGTERM before every due report was made. Formats: `table` for
people, `csv` and `json` for scripts (JSON is an array of objects, or one object for
`fx rate` and `fx convert`; values in full units, fractions as fractions, dates ISO,
`null` where absent).
"""


def _arg_name(param: Any) -> str:
    return str(param.metavar or param.name).upper()


def _param_row(param: Any) -> str:
    if getattr(param, "param_type_name", "") == "argument":
        name = f"`{_arg_name(param)}`"
        kind = "argument" + ("" if param.required else " (optional)")
    else:
        flags = [*param.opts, *getattr(param, "secondary_opts", [])]
        name = ", ".join(f"`{f}`" for f in flags)
        kind = "option"
    help_text = " ".join((getattr(param, "help", None) or "").split())
    default = getattr(param, "default", None)
    show = default not in (None, False, (), []) and not callable(default)
    if show and "default" not in help_text.lower():
        help_text = f"{help_text} (default: {default})".strip()
    return f"| {name} | {kind} | {help_text.replace('|', '/')} |"


def _render(cmd: Any, path: list[str], ctx: Any, out: list[str]) -> None:
    from typer._click import Context  # Typer vendors click; only used for its Context

    sub_ctx = Context(cmd, info_name=path[-1], parent=ctx)
    if path[1:]:
        level = "#" * min(len(path), 4)
        out.append(f"\n{level} `{' '.join(path)}`\n")
        doc = inspect.cleandoc(cmd.help or "")
        if doc:
            out.append(doc + "\n")
        params = [p for p in cmd.params if p.name not in {"help"} and not p.hidden]
        if params and not hasattr(cmd, "list_commands"):
            out.append(f"```\n{' '.join(path)} {' '.join(_usage(params))}\n```\n")
            out.append("| name | kind | meaning |\n|---|---|---|")
            out.extend(_param_row(p) for p in params)
    if hasattr(cmd, "list_commands"):
        for name in cmd.list_commands(sub_ctx):
            child = cmd.get_command(sub_ctx, name)
            if child is not None and not getattr(child, "hidden", False):
                _render(child, [*path, name], sub_ctx, out)


def _usage(params: list[Any]) -> list[str]:
    parts = []
    for p in params:
        if getattr(p, "param_type_name", "") == "argument":
            parts.append(_arg_name(p) if p.required else f"[{_arg_name(p)}]")
    if any(getattr(p, "param_type_name", "") != "argument" for p in params):
        parts.append("[OPTIONS]")
    return parts


def render_cli_reference() -> str:
    root = typer.main.get_command(app)
    out = [HEADER]
    _render(root, ["xlreport"], None, out)
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(render_cli_reference(), end="")
