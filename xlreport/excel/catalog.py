"""The list of custom functions, read from the functions module itself.

Each function in :mod:`xlreport.excel.functions` carries a :class:`FunctionSpec` (its
help and the help of every argument, the same texts given to xlwings for Excel's Function
Wizard). From them come ``xlreport excel functions`` (JSON or a table) and the function
reference in ``docs/excel.md``; a test regenerates the reference and compares it with
the committed docs.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

__all__ = [
    "DOCS_BEGIN",
    "DOCS_END",
    "ArgSpec",
    "FunctionSpec",
    "list_functions",
    "render_reference",
    "spec_for",
]

SPEC_ATTRIBUTE = "__xlreport_spec__"
DOCS_BEGIN = (
    "<!-- BEGIN FUNCTION REFERENCE (generated: xlreport excel functions --format markdown) -->"
)
DOCS_END = "<!-- END FUNCTION REFERENCE -->"


@dataclass(frozen=True)
class ArgSpec:
    name: str
    help: str
    optional: bool


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    help: str
    args: tuple[ArgSpec, ...]
    returns: str  # "value" or "table" (a spilled array with a header row)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "help": self.help,
            "returns": self.returns,
            "args": [{"name": a.name, "help": a.help, "optional": a.optional} for a in self.args],
        }

    @property
    def signature(self) -> str:
        parts = [f"[{a.name}]" if a.optional else a.name for a in self.args]
        return f"{self.name}({', '.join(parts)})"


def spec_for(
    func: Callable[..., Any], help_text: str, arg_help: dict[str, str], returns: str
) -> FunctionSpec:
    """Build and check the spec of ``func``: every parameter needs help, and nothing else."""
    params = list(inspect.signature(func).parameters.values())
    names = [p.name for p in params]
    missing = [n for n in names if n not in arg_help]
    extra = [n for n in arg_help if n not in names]
    if missing or extra or not help_text.strip():
        raise TypeError(
            f"{func.__name__}: help is missing for {missing} or given for unknown {extra}"
        )
    if len(help_text) > 255 or any(len(h) > 255 for h in arg_help.values()):
        raise TypeError(f"{func.__name__}: Excel cuts help texts at 255 characters")
    args = tuple(
        ArgSpec(p.name, arg_help[p.name], p.default is not inspect.Parameter.empty) for p in params
    )
    return FunctionSpec(func.__name__, help_text.strip(), args, returns)


def list_functions(module: ModuleType) -> list[FunctionSpec]:
    """The specs of a module's custom functions, in the order they are defined."""
    found = [getattr(obj, SPEC_ATTRIBUTE, None) for obj in vars(module).values()]
    specs = [s for s in found if isinstance(s, FunctionSpec)]
    order = {name: i for i, name in enumerate(vars(module))}
    return sorted(specs, key=lambda s: order.get(s.name, 0))


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_reference(specs: Iterable[FunctionSpec]) -> str:
    """The function reference as Markdown, between the markers kept in docs/excel.md."""
    lines = [DOCS_BEGIN, ""]
    for spec in specs:
        lines += [f"### `{spec.signature}`", "", spec.help, ""]
        if spec.returns == "table":
            lines += ["Returns a table with a header row (it spills in Excel 365).", ""]
        lines += ["| argument | help |", "|---|---|"]
        for a in spec.args:
            name = f"`{a.name}` (optional)" if a.optional else f"`{a.name}`"
            lines.append(f"| {name} | {_cell(a.help)} |")
        lines.append("")
    lines.append(DOCS_END)
    return "\n".join(lines) + "\n"
