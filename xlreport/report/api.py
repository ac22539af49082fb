"""The one function that writes a monthly report; the CLI, the Excel button and the
scheduler all reach it through :meth:`xlreport.app.App.write_report`, which supplies the
store, the rate book, the month and the clock. Nothing here reads settings or the clock.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from xlreport.errors import OutputError
from xlreport.frames import observations_frame_from_columns
from xlreport.fsio import remove_stale_temporaries, write_atomically
from xlreport.fx import RateBook
from xlreport.period import Month
from xlreport.report.prepare import (
    ReportData,
    check_month,
    collect_inputs,
    prepare_inputs,
)
from xlreport.report.render import render_report
from xlreport.report.template import Template, load_template
from xlreport.store import Store

__all__ = ["ReportResult", "last_complete_month", "write_monthly_report", "write_report_file"]


@dataclass(frozen=True)
class ReportResult:
    path: Path
    pdf_path: Path | None
    month: str
    as_of: date
    #: why the rates are provisional ("provisional: rate of 2026-10-30 (31 days before
    #: the month's end)"), or None when every rate the report used is final
    provisional: str | None = None


def last_complete_month(today: date) -> str:
    """The month before ``today``'s month: ``2024-06-03`` -> ``"2024-05"``."""
    return str(Month.last_complete(today))


def _prepare_folder(out_dir: Path) -> Path:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create the output folder {out_dir}: {exc.strerror or exc}; "
            "choose another folder with --out"
        ) from None
    if not out_dir.is_dir():
        raise OutputError(f"cannot write to {out_dir}: it is not a folder; choose another")
    return out_dir


def write_monthly_report(
    *,
    month: Month | str,
    store: Store,
    book: RateBook,
    out_dir: Path,
    generated_at: datetime,
    as_of: date | None = None,
    template: str | Path | None = None,
    template_folders: Sequence[Path] = (),
    currency: str = "USD",
    pdf: bool = False,
    plans: list[str] | None = None,
    tolerance: float = 0.05,
    office_profile: Path | None = None,
) -> ReportResult:
    """Write ``<out_dir>/<template name>-<month>.xlsx`` (and the PDF when ``pdf``).

    ``as_of`` defaults to the month's last day. The store must be initialised
    (``xlreport init``). Files are replaced atomically. Rates the book has not published
    yet are replaced by the last published ones and the report says so (provisional).
    A ``template`` given by name is looked up in ``template_folders``, then among the
    built-in templates.
    """
    m = Month.parse(month)
    as_of = as_of or m.last_day
    check_month(str(m), as_of)
    tpl = load_template(template, folders=template_folders)
    folder = _prepare_folder(Path(out_dir))
    remove_stale_temporaries(folder)
    # observations come as columns, not model objects: for a large portfolio those
    # objects alone would take more memory than the whole report
    ds, columns = store.load_for_frames(as_of)
    obs = observations_frame_from_columns(columns)
    del columns
    inputs = collect_inputs(ds, as_of=as_of, book=book, observations=obs)
    del ds, obs
    vintage = store.data_vintage(as_of)
    data = prepare_inputs(
        inputs,
        month=str(m),
        currency=currency.strip().upper(),
        book=book,
        generated_at=generated_at,
        data_vintage=vintage,
        tolerance=tolerance,
        plans=plans,
        max_series=tpl.charts.max_line_charts,
    )
    del inputs  # the full observations frame: the report keeps only what it shows
    dest = write_report_file(data, tpl, folder)
    pdf_path = _write_pdf(dest, office_profile) if pdf else None
    return ReportResult(
        path=dest,
        pdf_path=pdf_path,
        month=str(m),
        as_of=as_of,
        provisional=data.report_rate.get("provisional"),
    )


def write_report_file(data: ReportData, tpl: Template, folder: Path) -> Path:
    """Render ``data`` to ``<folder>/<name>-<month>.xlsx``, replacing it atomically."""
    dest = Path(folder) / f"{tpl.report.name}-{data.month}.xlsx"
    return write_atomically(dest, lambda tmp: render_report(data, tpl, tmp))


def _write_pdf(xlsx: Path, profile: Path | None) -> Path:
    from xlreport.report.libreoffice import LibreOffice

    dest = xlsx.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix=".xlreport-pdf-", dir=xlsx.parent) as tmp:
        office = LibreOffice(profile or Path(tmp) / "profile")
        made = office.convert(xlsx, "pdf", Path(tmp))

        def copy_pdf(out: Path) -> None:
            shutil.copyfile(made, out)

        write_atomically(dest, copy_pdf)
    return dest
