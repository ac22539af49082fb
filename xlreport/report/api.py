"""The one function that writes a monthly report; the CLI, the Excel button and the
scheduler all call :func:`write_monthly_report`."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from xlreport.errors import OutputError
from xlreport.frames import observations_frame_from_columns
from xlreport.fsio import remove_stale_temporaries, write_atomically
from xlreport.fx import RateBook
from xlreport.report.prepare import (
    ReportData,
    check_month,
    collect_inputs,
    month_bounds,
    prepare_inputs,
)
from xlreport.report.render import render_report
from xlreport.report.template import Template, load_template
from xlreport.settings import get_settings
from xlreport.store import Store

__all__ = ["ReportResult", "last_complete_month", "write_monthly_report", "write_report_file"]


@dataclass(frozen=True)
class ReportResult:
    path: Path
    pdf_path: Path | None
    month: str
    as_of: date


def last_complete_month(today: date) -> str:
    """The month before ``today``'s month: ``2024-06-03`` -> ``"2024-05"``."""
    last = today.replace(day=1) - timedelta(days=1)
    return f"{last:%Y-%m}"


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
    month: str | None = None,
    as_of: date | None = None,
    template: str | Path | None = None,
    currency: str = "USD",
    out_dir: Path | None = None,
    pdf: bool = False,
    store: Store | None = None,
    plans: list[str] | None = None,
    book: RateBook | None = None,
    generated_at: datetime | None = None,
) -> ReportResult:
    """Write ``<out_dir>/<template name>-<month>.xlsx`` (and the PDF when ``pdf``).

    ``month`` defaults to the month of ``as_of``, or without either to the last complete
    month of today; ``as_of`` defaults to the month's last day. ``template`` is a name or a
    path (default: settings); ``out_dir`` defaults to ``settings.output_dir``. The store
    must be initialised (``xlreport init``). Files are replaced atomically.
    """
    settings = get_settings()
    if month is None:
        month = f"{as_of:%Y-%m}" if as_of is not None else last_complete_month(date.today())
    _start, end = month_bounds(month)
    as_of = as_of or end
    check_month(month, as_of)
    tpl = load_template(template)
    folder = _prepare_folder(Path(out_dir) if out_dir is not None else settings.output_dir)
    remove_stale_temporaries(folder)
    book = book or RateBook.default()
    own_store = store is None
    db = Store.open() if store is None else store
    try:
        # observations come as columns, not model objects: for a large portfolio those
        # objects alone would take more memory than the whole report
        ds, columns = db.load_for_frames(as_of)
        obs = observations_frame_from_columns(columns)
        del columns
        inputs = collect_inputs(ds, as_of=as_of, book=book, observations=obs)
        del ds, obs
        vintage = db.data_vintage(as_of)
    finally:
        if own_store:
            db.close()
    data = prepare_inputs(
        inputs,
        month=month,
        currency=currency.strip().upper(),
        book=book,
        generated_at=generated_at or datetime.now(UTC),
        data_vintage=vintage,
        tolerance=settings.about_tolerance,
        plans=plans,
        max_series=tpl.charts.max_line_charts,
    )
    del inputs  # the full observations frame: the report keeps only what it shows
    dest = write_report_file(data, tpl, folder)
    pdf_path = _write_pdf(dest) if pdf else None
    return ReportResult(path=dest, pdf_path=pdf_path, month=month, as_of=as_of)


def write_report_file(data: ReportData, tpl: Template, folder: Path) -> Path:
    """Render ``data`` to ``<folder>/<name>-<month>.xlsx``, replacing it atomically."""
    dest = Path(folder) / f"{tpl.report.name}-{data.month}.xlsx"
    return write_atomically(dest, lambda tmp: render_report(data, tpl, tmp))


def _write_pdf(xlsx: Path) -> Path:
    from xlreport.report.libreoffice import LibreOffice

    office = LibreOffice(get_settings().data_dir / "libreoffice-profile")
    dest = xlsx.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix=".xlreport-pdf-", dir=xlsx.parent) as tmp:
        made = office.convert(xlsx, "pdf", Path(tmp))

        def copy_pdf(out: Path) -> None:
            shutil.copyfile(made, out)

        write_atomically(dest, copy_pdf)
    return dest
