"""Monthly report workbooks: prepare the engines' results, render them with a template.

Public surface::

    write_monthly_report(*, month=None, as_of=None, template=None, currency="USD",
                         out_dir=None, pdf=False, store=None, plans=None) -> ReportResult
    load_template(name_or_path) -> Template      # TemplateError lists every problem
    prepare_report(ds, month=..., as_of=..., ...) -> ReportData
    render_report(data, template, path)
"""

from __future__ import annotations

from xlreport.report.api import ReportResult, last_complete_month, write_monthly_report
from xlreport.report.prepare import ReportData, prepare_report
from xlreport.report.render import render_report
from xlreport.report.template import Template, load_template

__all__ = [
    "ReportData",
    "ReportResult",
    "Template",
    "last_complete_month",
    "load_template",
    "prepare_report",
    "render_report",
    "write_monthly_report",
]
