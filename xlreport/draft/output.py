"""Drafts as JSON items, or as plan data (a Dataset) for the data-entry workbook.

JSON: one object per item with exactly the keys ``kind, indicator, value, low, high,
unit, comparator, deadline, period, growth_yoy, published_usd, quote, start, end,
confidence`` (values in full units, fractions as fractions, null where absent).

Workbook: the layout of the data-entry workbook (:mod:`xlreport.io.writer`), with one
source and one plan per document (named as drafts, to be completed), the targets and
observations, and on those two sheets a ``draft`` and a ``quote`` column and a yellow
fill on every drafted cell. ``xlreport data import`` refuses a row until its draft cell
is cleared, so only reviewed rows are imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from xlreport.draft.extraction import DraftItem
from xlreport.errors import DraftInputError
from xlreport.io.writer import RowReview, write_workbook
from xlreport.model import Dataset, Observation, Plan, Source, Target

__all__ = ["JSON_KEYS", "Draft", "draft_dataset", "item_json", "write_draft_workbook"]

JSON_KEYS = (
    "kind",
    "indicator",
    "value",
    "low",
    "high",
    "unit",
    "comparator",
    "deadline",
    "period",
    "growth_yoy",
    "published_usd",
    "quote",
    "start",
    "end",
    "confidence",
)


@dataclass(frozen=True, slots=True)
class Draft:
    """The items drafted from one document, with the text their offsets point into."""

    name: str
    text: str
    items: tuple[DraftItem, ...]


def item_json(item: DraftItem) -> dict[str, Any]:
    """The JSON object of one item: exactly :data:`JSON_KEYS`."""
    return {key: getattr(item, key) for key in JSON_KEYS}


def _slug(text: str, limit: int = 40) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    slug = slug[:limit].rstrip("-")
    return slug or "item"


def _unique(base: str, taken: set[str]) -> str:
    ident, n = base, 2
    while ident in taken:
        ident = f"{base}-{n}"
        n += 1
    taken.add(ident)
    return ident


def _qualifier(comparator: str | None) -> str:
    return {
        "more_than": "lower_bound",
        "at_least": "lower_bound",
        "at_most": "upper_bound",
        "about": "approx",
    }.get(comparator or "", "exact")


def _provenance(item: DraftItem, name: str) -> str:
    """The note kept after import: where the row was read, in the document's words."""
    return f"Drafted from {name} [{item.start}:{item.end}]: \u201c{item.quote}\u201d"


def _review(item: DraftItem, name: str) -> RowReview:
    notes = "; ".join(item.notes)
    draft = f"draft, confidence {item.confidence:.2f}" + (f" ({notes})" if notes else "")
    return RowReview(draft, f"{name} [{item.start}:{item.end}]: {item.quote}")


def draft_dataset(
    drafts: list[Draft],
    *,
    published: date | None = None,
    source_ids: list[str] | None = None,
) -> tuple[Dataset, dict[str, list[RowReview]]]:
    """Plan data of the drafts (validated by the model) and the review cells of its rows."""
    sources: list[Source] = []
    plans: list[Plan] = []
    targets: list[Target] = []
    observations: list[Observation] = []
    review: dict[str, list[RowReview]] = {"targets": [], "observations": []}
    taken: set[str] = set()
    for number, draft in enumerate(drafts):
        sid = source_ids[number] if source_ids else _slug(f"draft-{Path(draft.name).stem}", 60)
        title = next((ln.strip() for ln in draft.text.splitlines() if ln.strip()), draft.name)
        sources.append(
            Source(
                id=sid,
                title=title[:300],
                publisher="(draft: name the publisher)",
                published=published,
                published_precision="day" if published else "unknown",
                published_certainty="stated" if published else "unknown",
                file=draft.name,
                note=f"Drafted by xlreport data draft from {draft.name}; check every field.",
            )
        )
        years = [int(i.deadline[:4]) for i in draft.items if i.kind == "target" and i.deadline]
        plan_id = f"{sid[:70]}-plan"
        if years:
            plans.append(
                Plan(
                    id=plan_id,
                    name=f"(draft) plan announced in {draft.name}",
                    issuer="(draft: name the issuer)",
                    end_year=max(years),
                    source_id=sid,
                    note="Drafted: check the name, issuer and plan period.",
                )
            )
        target_ids: dict[int, str] = {}
        indicator_ids: dict[int, str] = {}
        for pos, item in enumerate(draft.items):
            if item.kind == "target":
                indicator_ids[pos] = "draft." + _slug(item.indicator or f"item-{pos}", 60)
                target_ids[pos] = _unique(
                    f"{plan_id[:50]}.{_slug(item.indicator or 'target', 28)}", taken
                )
        for pos, item in enumerate(draft.items):
            if (
                item.kind != "observation"
                or item.target is None
                or item.target not in indicator_ids
            ):
                continue
            indicator_ids[pos] = indicator_ids[item.target]
        for pos, item in enumerate(draft.items):
            if item.kind != "target":
                continue
            base = draft.items[item.baseline] if item.baseline is not None else None
            kind = item.target_kind
            fields: dict[str, Any] = {
                "id": target_ids[pos],
                "plan_id": plan_id,
                "name": (item.indicator or "target")[:200],
                "indicator": indicator_ids[pos],
                "kind": kind,
                "deadline": item.deadline,
                "source_id": sid,
                "note": _provenance(item, draft.name),
            }
            if kind != "milestone":
                fields.update(comparator=item.comparator, unit=item.unit)
                if item.comparator == "range":
                    fields.update(low=item.low, high=item.high)
                else:
                    fields["value"] = item.value
            if kind == "share" and item.unit != "percent":
                fields["kind"] = "level"
            if kind == "multiple":
                fields["multiple"] = item.multiple
            if (
                base is not None
                and base.value is not None
                and base.period
                and "/" not in base.period
            ):
                fields.update(
                    baseline_value=base.value,
                    baseline_period=base.period,
                    baseline_qualifier=_qualifier(base.comparator),
                )
            elif kind == "multiple":
                continue
            if item.published_usd is not None and item.unit == "CNY":
                fields["published_usd"] = item.published_usd
            targets.append(Target.model_validate(fields))
            review["targets"].append(_review(item, draft.name))
        for pos, item in enumerate(draft.items):
            if item.kind != "observation":
                continue
            if published is None:
                raise DraftInputError(
                    f"{draft.name}: reported figures need the publication date as their "
                    "vintage: give --published YYYY-MM-DD (or use --format json)"
                )
            ind = indicator_ids.get(pos) or "draft." + _slug(item.indicator or f"item-{pos}", 60)
            target_id = target_ids.get(item.target) if item.target is not None else None
            fields = {
                "id": _unique(f"{ind[:60]}.{_slug(item.period or 'period', 12)}", taken),
                "indicator": ind,
                "target_id": target_id,
                "period": item.period,
                "value": item.value,
                "growth_yoy": item.growth_yoy,
                "unit": item.unit,
                "qualifier": _qualifier(item.comparator),
                "source_id": sid,
                "published": published,
                "note": _provenance(item, draft.name),
            }
            observations.append(Observation.model_validate(fields))
            review["observations"].append(_review(item, draft.name))
    ds = Dataset.build(
        sources=tuple(sources),
        plans=tuple(plans),
        targets=tuple(targets),
        observations=tuple(observations),
    )
    return ds, review


def write_draft_workbook(
    path: Path,
    drafts: list[Draft],
    *,
    published: date | None = None,
    source_ids: list[str] | None = None,
) -> Path:
    """The drafts as a data-entry workbook with draft and quote columns."""
    ds, review = draft_dataset(drafts, published=published, source_ids=source_ids)
    banner = (
        "DRAFT: proposed by xlreport data draft. Check every yellow row against its quote, "
        "correct it, clear its draft cell, then import."
    )
    return write_workbook(Path(path), ds, banner=banner, review=review)
