"""The layers of docs/architecture.md, enforced: modules import downwards only, and each
third-party engine stays behind the one layer that owns it."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "xlreport"

# Lower numbers are lower layers. A module may import its own layer's siblings only
# where listed in SAME_LAYER_OK, and any lower layer.
LAYERS: dict[str, int] = {
    "errors": 0,
    "quantity": 1,
    "period": 1,
    "settings": 1,
    "fsio": 1,
    "model": 2,
    "__init__": 3,  # the package facade re-exports the model
    "data": 3,
    "vintage": 3,
    "frames": 4,
    "fx": 4,
    "store": 4,
    "io": 5,
    "progress": 5,
    "report": 6,
    "draft": 6,  # beside io: reads announcements, writes through io's writer
    "app": 7,  # the application layer: store, rate book, month, clock for every edge
    "excel": 8,
    "schedule": 8,
    "addin": 9,  # an edge beside the CLI: the Office add-in's server
    "cli": 10,
    "__main__": 11,
}

# Which of our top-level modules may use each third-party engine.
OWNERS: dict[str, set[str]] = {
    "xlwings": {"excel"},
    "typer": {"cli"},
    "rich": {"cli"},
    "sqlalchemy": {"store"},
    "apscheduler": {"schedule"},
    "python_calamine": {"io"},
    "xlsxwriter": {"report", "io", "excel"},
    "openpyxl": {"excel", "io"},
    "PIL": {"report"},  # font metrics for row heights (report/textfit.py)
    "httpx": {"fx"},  # rate downloads (xlreport.fx.fetch)
    "bs4": {"draft"},
    "starlette": {"addin"},
    "uvicorn": {"addin"},
    "cryptography": {"addin"},
}

# What the drafter may use: the model and its vocabulary, and io's writer; never the
# store, the computations or the outputs above it.
DRAFT_MAY_USE = {"errors", "quantity", "period", "model", "io", "fsio", "draft"}

# What the add-in server may build on: the functions (through their catalog), the report
# and the layers below them; never the CLI.
ADDIN_USES = {"__init__", "errors", "settings", "excel", "report", "store", "app"}


def _top(dotted: str) -> str:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports() -> dict[str, set[tuple[str, str]]]:
    """{importing top-level module: {(imported name, file)}} for absolute imports."""
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent)
        me = _top(".".join(rel.with_suffix("").parts))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                found[me].add((name, str(rel)))
    return found


def test_every_module_has_a_layer() -> None:
    tops = {p.stem for p in PACKAGE.glob("*.py")}
    tops |= {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert tops <= set(LAYERS), f"give these a layer in this test: {tops - set(LAYERS)}"


def test_modules_import_downwards_only() -> None:
    upward = []
    for me, names in _imports().items():
        for name, where in names:
            if name.startswith("xlreport"):
                other = _top(name)
                if other != me and LAYERS[other] >= LAYERS[me]:
                    upward.append(f"{where} imports {name} (layer {LAYERS[other]} >= {LAYERS[me]})")
    assert not upward, "\n".join(sorted(upward))


def test_engines_stay_behind_their_layer() -> None:
    leaks = []
    for me, names in _imports().items():
        for name, where in names:
            lib = name.split(".")[0]
            if lib in OWNERS and me not in OWNERS[lib]:
                leaks.append(f"{where} imports {lib}, owned by {sorted(OWNERS[lib])}")
    assert not leaks, "\n".join(sorted(leaks))


def test_the_addin_builds_on_the_functions_and_the_report_only() -> None:
    used = {_top(name) for name, _ in _imports()["addin"] if name.startswith("xlreport")}
    assert used - {"addin"} <= ADDIN_USES, sorted(used - ADDIN_USES - {"addin"})
    assert "excel" in used  # the same functions as the xlwings add-in


def test_report_sheet_writers_share_a_context_module_and_import_no_render() -> None:
    """render.py calls the sheet writers; they take their types from report/context.py
    (the import circle render <-> appendix/charts is gone)."""
    report = PACKAGE / "report"
    for name in ("appendix", "charts", "summary", "context", "tables", "labels", "textfit"):
        tree = ast.parse((report / f"{name}.py").read_text(encoding="utf-8"))
        imported = {
            n.module
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom) and n.module and n.level == 0
        }
        assert "xlreport.report.render" not in imported, name


def test_the_report_layer_reads_no_settings() -> None:
    """The App hands the report everything (template folders, currency, output folder)."""
    used = {name for name, _ in _imports()["report"]}
    assert not any(n == "xlreport.settings" or n.startswith("xlreport.settings.") for n in used)


def test_draft_uses_only_the_model_and_io() -> None:
    wrong = sorted(
        f"{where} imports {name}"
        for name, where in _imports()["draft"]
        if name.startswith("xlreport") and _top(name) not in DRAFT_MAY_USE
    )
    assert not wrong, "\n".join(wrong)
    io_used = {name for name, _ in _imports()["draft"] if name.startswith("xlreport.io")}
    assert io_used <= {"xlreport.io.writer"}, io_used


def test_the_command_line_starts_without_the_heavy_libraries() -> None:
    """`xlreport --help` and `--version` load no data libraries (issue 13: within 0.3 s;
    measured by bench/bench_startup.py, not here): every command imports what it uses."""
    import subprocess
    import sys

    heavy = (
        *("pandas", "numpy", "sqlalchemy", "xlsxwriter", "openpyxl", "httpx"),
        *("xlreport.model", "xlreport.store", "xlreport.io", "xlreport.fx", "xlreport.report"),
    )
    probe = (
        f"import sys, xlreport.cli.app; print(','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "", f"loaded at start-up: {done.stdout.strip()}"
