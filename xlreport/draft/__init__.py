"""Drafting plan data from announcements: press releases and news items to proposed rows.

::

    draft_file(path, *, published=None) -> Draft     # read (text or HTML) and extract
    draft_text(text, *, name="text", published=None) -> Draft
    item_json(item) -> dict                           # the JSON object of one item
    draft_dataset(drafts, *, published, source_ids)   # -> (Dataset, review cells)
    write_draft_workbook(path, drafts, ...)           # the data-entry workbook, marked draft

Modules: :mod:`~xlreport.draft.document` (reading, bounds, HTML text),
:mod:`~xlreport.draft.numbers` (the grammar of quantities),
:mod:`~xlreport.draft.extraction` (sentences, times, comparators, kinds, links) and
:mod:`~xlreport.draft.output` (JSON and workbook). The layer sits beside :mod:`xlreport.io`:
it uses the model and io's writer, and nothing above it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from xlreport.draft.document import MAX_BYTES, Document, read_document
from xlreport.draft.extraction import DraftItem, extract_items
from xlreport.draft.output import JSON_KEYS, Draft, draft_dataset, item_json, write_draft_workbook
from xlreport.errors import DraftInputError

__all__ = [
    "JSON_KEYS",
    "MAX_BYTES",
    "Document",
    "Draft",
    "DraftItem",
    "draft_dataset",
    "draft_file",
    "draft_text",
    "item_json",
    "write_draft_workbook",
]


def draft_text(text: str, *, name: str = "text", published: date | None = None) -> Draft:
    """The items proposed for an announcement's text."""
    return Draft(name, text, tuple(extract_items(text, published=published)))


def draft_file(path: Path, *, published: date | None = None) -> Draft:
    """Read ``path`` (plain text or saved HTML) and draft it; offsets are into ``Draft.text``."""
    doc: Document = read_document(Path(path))
    try:
        return draft_text(doc.text, name=doc.name, published=published)
    except DraftInputError as exc:
        raise DraftInputError(f"{doc.name}: {exc}") from None
