"""Benchmark: the monthly report against two ways of writing the same cells.

A SYNTHETIC portfolio (invented data, not facts from any document): 2,000 targets with
240,000 observations (120 monthly year-to-date figures each), imported into a SQLite store
beside the embedded dataset. Contestants, each in its own subprocess so that peak memory
(VmHWM) is measured fairly:

* ``report``: ``write_monthly_report``, the function the CLI, the Excel button and the
  scheduler call: read the store, run the engines at two dates, convert, render;
* ``render``: the rendering alone, from the prepared data (pickled);
* ``bare``: xlsxwriter in ``constant_memory`` mode dumping the same cells (the report's
  values, text and numbers, no formats, formulas, tables or charts);
* ``pandas``: ``DataFrame.to_excel`` of the same cells (openpyxl engine) plus openpyxl
  styling (header fill, number formats, column widths, freeze panes, filters).

``bare`` and ``pandas`` get the report's prepared frames: their time excludes reading
and computing, the report's includes both.
Run: ``.venv/bin/python bench/bench_report.py [--targets 2000 --per-target 120]
[--skip-pandas]``.

What keeps the report small and fast (see docs/architecture.md, "Large reports"): the
store returns observations as columns, never as a model object each (those would be
~450 MB); the engines sort numbers, not texts; the observations appendix (97% of the
cells) is a streamed sheet whose rows go to disk as they are made, texts as shared
strings, instead of xlsxwriter's in-memory cell table (~250 B a cell).
"""

from __future__ import annotations

import argparse
import json
import math
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# this tree's package, whatever the venv's editable install points at
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "integration")]

MONTH, AS_OF = "2026-06", date(2026, 6, 30)


def _cells(data):
    """The sheets of the report as (name, header, rows of plain values)."""
    from xlreport.report.appendix import OBSERVATION_COLUMNS
    from xlreport.report.columns import COLUMNS, required_columns
    from xlreport.report.template import load_template

    tpl = load_template()
    keys = required_columns(list(tpl.plan_sheets.columns))
    sheets = []
    for plan_id, group in data.targets.groupby("plan_id", sort=False):
        frame = group.reset_index(drop=True)[keys]
        sheets.append((plan_id, [COLUMNS[k].header for k in keys], frame))
    # plain object columns, as a DataFrame built from records would have
    obs = data.observations[[c.key for c in OBSERVATION_COLUMNS]]
    obs = obs.astype({c: object for c in obs.columns if obs[c].dtype == "category"})
    sheets.append(("Observations", [c.header for c in OBSERVATION_COLUMNS], obs))
    return sheets


def run_report(job: Path, out: Path) -> None:
    from xlreport.report.api import write_monthly_report
    from xlreport.store import Store

    # the real thing: the one function the CLI, the Excel button and the scheduler call,
    # reading the portfolio from a SQLite store file
    store = Store.open(f"sqlite:///{job / 'store.sqlite'}")
    t0 = time.perf_counter()
    write_monthly_report(
        month=MONTH, as_of=AS_OF, out_dir=out, store=store, generated_at=datetime(2026, 7, 1)
    )
    t1 = time.perf_counter()
    store.close()
    _emit({"total_s": t1 - t0})


def run_render(job: Path, out: Path) -> None:
    from xlreport.report import load_template
    from xlreport.report.api import write_report_file

    data = pickle.loads((job / "prepared.pickle").read_bytes())
    tpl = load_template()
    t0 = time.perf_counter()
    write_report_file(data, tpl, out)
    t1 = time.perf_counter()
    _emit({"total_s": t1 - t0, "render_s": t1 - t0})


def run_bare(job: Path, out: Path) -> None:
    import xlsxwriter

    sheets = pickle.loads((job / "sheets.pickle").read_bytes())
    t0 = time.perf_counter()
    wb = xlsxwriter.Workbook(str(out / "bare.xlsx"), {"constant_memory": True})
    for name, header, frame in sheets:
        ws = wb.add_worksheet(name[:31])
        ws.write_row(0, 0, header)
        for r, row in enumerate(frame.itertuples(index=False), start=1):
            for c, v in enumerate(row):
                if v is None or (isinstance(v, float) and math.isnan(v)):
                    continue
                if isinstance(v, str):
                    ws.write_string(r, c, v)
                elif hasattr(v, "to_pydatetime"):
                    ws.write_datetime(r, c, v.to_pydatetime())
                elif isinstance(v, date):
                    ws.write_datetime(r, c, v)
                else:
                    ws.write_number(r, c, float(v))
    wb.close()
    t1 = time.perf_counter()
    _emit({"total_s": t1 - t0, "render_s": t1 - t0})


def run_pandas(job: Path, out: Path) -> None:
    import pandas as pd
    from openpyxl import load_workbook
    from openpyxl.styles import Font, PatternFill

    sheets = pickle.loads((job / "sheets.pickle").read_bytes())
    t0 = time.perf_counter()
    path = out / "pandas.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, header, frame in sheets:
            frame.set_axis(header, axis=1).to_excel(writer, sheet_name=name[:31], index=False)
    wb = load_workbook(path)
    fill = PatternFill("solid", fgColor="1F3864")
    font = Font(bold=True, color="FFFFFF")
    for ws in wb.worksheets:
        for cell in ws[1]:
            cell.fill, cell.font = fill, font
        for col in ws.iter_cols(min_row=2):
            for cell in col:
                if isinstance(cell.value, float):
                    cell.number_format = '#,##0.0,,," bn"' if abs(cell.value) > 1e6 else "0.0%"
        for letter in list(ws.column_dimensions):
            ws.column_dimensions[letter].width = 14
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
    wb.save(path)
    t1 = time.perf_counter()
    _emit({"total_s": t1 - t0, "render_s": t1 - t0})


def _peak_mb() -> float:
    """This process's peak resident memory. Linux keeps ru_maxrss across exec (a child
    would report its parent's peak), so read VmHWM of this address space instead."""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _emit(result: dict[str, float]) -> None:
    result["peak_mb"] = _peak_mb()
    print("RESULT " + json.dumps(result), flush=True)


def _child(kind: str, job: Path, out: Path) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(job), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{proc.stderr}")
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=2000)
    parser.add_argument("--per-target", type=int, default=120)
    parser.add_argument(
        "--skip-pandas", action="store_true", help="leave out the slow pandas contestant"
    )
    parser.add_argument("--child", nargs=3, metavar=("KIND", "JOB", "OUT"))
    args = parser.parse_args()
    if args.child:
        kind, job, out = args.child
        {"report": run_report, "render": run_render, "bare": run_bare, "pandas": run_pandas}[kind](
            Path(job), Path(out)
        )
        return
    from report_synthetic import synthetic_dataset

    from xlreport.fx import RateBook
    from xlreport.report import prepare_report
    from xlreport.store import Store

    print(f"SYNTHETIC portfolio: {args.targets} targets x {args.per_target} observations")
    with tempfile.TemporaryDirectory() as tmp:
        job = Path(tmp)
        # the store holds the embedded dataset (init) and the synthetic portfolio; the
        # other contestants get the cells of the report made from that same store
        with Store.open(f"sqlite:///{job / 'store.sqlite'}") as store:
            store.init()
            store.import_dataset(
                synthetic_dataset(args.targets, args.per_target, plans=20, start_year=2016)
            )
            ds = store.load_dataset(AS_OF)
        data = prepare_report(
            ds,
            month=MONTH,
            as_of=AS_OF,
            currency="USD",
            book=RateBook.default(),
            generated_at=datetime(2026, 7, 1),
            data_vintage=None,
        )
        sheets = _cells(data)
        n_cells = sum(len(f) * len(h) for _, h, f in sheets)
        print(
            f"observations: {len(ds.observations)}, in force as of {AS_OF}: "
            f"{len(data.observations)}; cells written: {n_cells:,}"
        )
        (job / "prepared.pickle").write_bytes(pickle.dumps(data))
        (job / "sheets.pickle").write_bytes(pickle.dumps(sheets))
        del ds, data, sheets
        kinds = ("report", "render", "bare") + (() if args.skip_pandas else ("pandas",))
        results = {kind: _child(kind, job, job) for kind in kinds}
    bare = results["bare"]["total_s"]
    print(f"{'contestant':<34}{'total s':>9}{'render s':>10}{'x bare':>8}{'peak MB':>9}")
    labels = {
        "report": "xlreport report (prepare+render)",
        "render": "xlreport render only",
        "bare": "bare xlsxwriter dump",
        "pandas": "pandas.to_excel+openpyxl",
    }
    for kind in kinds:
        r = results[kind]
        print(
            f"{labels[kind]:<34}{r['total_s']:>9.2f}{r.get('render_s', math.nan):>10.2f}"
            f"{r['total_s'] / bare:>8.2f}{r['peak_mb']:>9.0f}"
        )
    rep, ren = results["report"], results["render"]
    print(
        f"report/bare: {rep['total_s'] / bare:.2f}x, render only/bare: "
        f"{ren['total_s'] / bare:.2f}x (goal <= 1.3x)"
    )
    if "pandas" in results:
        pds = results["pandas"]
        print(
            f"pandas+openpyxl vs report: {pds['total_s'] / rep['total_s']:.2f}x, "
            f"vs render only: {pds['total_s'] / ren['total_s']:.2f}x (goal >= 3x)"
        )
    print(
        f"peak memory: report {rep['peak_mb']:.0f} MB, render only {ren['peak_mb']:.0f} MB, "
        f"bare {results['bare']['peak_mb']:.0f} MB (goal <= 400 MB)"
    )


if __name__ == "__main__":
    main()
