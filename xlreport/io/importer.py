"""Import and export through the store: validate a file completely, then write it at once.

:func:`import_file` reads and validates the whole file first (references may point to
records already stored), and only a clean file reaches
:meth:`xlreport.store.Store.import_dataset`, which upserts it by id in one transaction.
On any problem nothing is written and :class:`~xlreport.errors.ValidationFailed` lists
every problem with its location.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from xlreport.io.guard import DEFAULT_LIMITS, ReadLimits
from xlreport.io.reader import read_dataset
from xlreport.io.writer import write_dataset
from xlreport.model import ENTITY_MODELS, Dataset

if TYPE_CHECKING:
    from xlreport.store import ImportSummary, Store

__all__ = ["ImportReport", "export_store", "import_file", "known_records", "validate_file"]


@dataclass(frozen=True, slots=True)
class ImportReport:
    path: Path
    read: dict[str, int]  # records read per collection
    summary: ImportSummary


def known_records(store: Store) -> Dataset:
    """What a file's references may point to in the store: everything but observations.

    ``as_of=date.min`` makes the store skip every observation (none is published before
    year 1), so the check stays cheap however many observations are stored.
    """
    return store.load_dataset(as_of=date.min)


def count_records(ds: Dataset) -> dict[str, int]:
    return {kind: len(getattr(ds, kind)) for kind in ENTITY_MODELS}


def validate_file(
    path: Path, *, store: Store | None = None, limits: ReadLimits = DEFAULT_LIMITS
) -> Dataset:
    """Read and validate ``path`` without writing anything; raise ValidationFailed if bad."""
    known = known_records(store) if store is not None else None
    return read_dataset(Path(path), known=known, limits=limits)


def import_file(path: Path, store: Store, *, limits: ReadLimits = DEFAULT_LIMITS) -> ImportReport:
    """Validate ``path`` completely, then upsert it into ``store`` in one transaction."""
    ds = validate_file(path, store=store, limits=limits)
    summary = store.import_dataset(ds)
    return ImportReport(Path(path), count_records(ds), summary)


def export_store(store: Store, path: Path, *, as_of: date | None = None) -> Path:
    """Write the stored data (observations published by ``as_of``) as .xlsx or CSV folder."""
    return write_dataset(store.load_dataset(as_of), Path(path))
