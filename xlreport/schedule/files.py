"""Output names at the destination, which of them are present, and retention.

A schedule writes ``<name>_<YYYY-MM>.xlsx`` (``<name>_<YYYY-MM>_<template>.xlsx`` when it
has several templates) and the same names with ``.pdf`` when ``pdf = true``. Schedule
names cannot contain ``_``, so the part before the first ``_`` identifies the schedule:
retention only ever deletes files of this exact pattern, never the Excel button's files,
another schedule's, or anything a person put there.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from xlreport.schedule.config import ScheduleSpec, slug_of_template

__all__ = [
    "RetentionResult",
    "apply_retention",
    "expected_outputs",
    "months_present",
    "output_name",
]


def output_name(spec: ScheduleSpec, month: str, template: str, suffix: str = ".xlsx") -> str:
    if len(spec.templates) == 1:
        return f"{spec.name}_{month}{suffix}"
    return f"{spec.name}_{month}_{slug_of_template(template)}{suffix}"


def expected_outputs(spec: ScheduleSpec, month: str) -> list[Path]:
    """Every file a successful run of ``month`` leaves at the destination."""
    suffixes = [".xlsx", ".pdf"] if spec.pdf else [".xlsx"]
    return [
        spec.destination / output_name(spec, month, t, s) for t in spec.templates for s in suffixes
    ]


def _pattern(spec: ScheduleSpec) -> re.Pattern[str]:
    return re.compile(
        rf"^{re.escape(spec.name)}_(\d{{4}}-(?:0[1-9]|1[0-2]))(?:_[A-Za-z0-9-]+)?\.(?:xlsx|pdf)$"
    )


def _own_files(spec: ScheduleSpec) -> dict[str, list[Path]]:
    by_month: dict[str, list[Path]] = defaultdict(list)
    if not spec.destination.is_dir():
        return by_month
    pattern = _pattern(spec)
    for p in spec.destination.iterdir():
        m = pattern.match(p.name)
        if m and p.is_file():
            by_month[m.group(1)].append(p)
    return by_month


def months_present(spec: ScheduleSpec, months: list[str]) -> list[str]:
    """Those of ``months`` whose every expected file is at the destination."""
    return [m for m in months if all(p.is_file() for p in expected_outputs(spec, m))]


@dataclass(frozen=True, slots=True)
class RetentionResult:
    kept: list[str]
    deleted: list[Path]


def apply_retention(spec: ScheduleSpec) -> RetentionResult:
    """Keep the files of the ``keep`` newest months of this schedule; delete older ones."""
    by_month = _own_files(spec)
    months = sorted(by_month)
    kept, dropped = months[-spec.keep :], months[: -spec.keep]
    deleted: list[Path] = []
    for month in dropped:
        for p in sorted(by_month[month]):
            p.unlink(missing_ok=True)
            deleted.append(p)
    return RetentionResult(kept, deleted)
