"""Checks the per-document dataset tests share: where the seed documents are, and how a
source, its plan and its goals are looked up and compared with the text. The expected
values stay written by hand in each document's own test file."""

from __future__ import annotations

from pathlib import Path

from xlreport.model import Comparator, Dataset, Plan, Source, Target, TargetKind

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

#: key: (kind, comparator, value, unit, words quoted from the document)
Goals = dict[str, tuple[TargetKind, Comparator, float, str, str]]


def read_seed(file: str) -> str:
    """The text of one seed document."""
    return (SEEDS / file).read_text(encoding="utf-8")


def cited_source(ds: Dataset, source_id: str, file: str) -> Source:
    """The source ``source_id``, after checking it cites ``file`` and the file exists."""
    (src,) = [s for s in ds.sources if s.id == source_id]
    assert src.file == file and (SEEDS / file).is_file()
    return src


def plan_of(ds: Dataset, source_id: str) -> Plan:
    """The one plan the source sets out."""
    (plan,) = [p for p in ds.plans if p.source_id == source_id]
    return plan


def check_goals(targets: dict[str, Target], expected: Goals, text: str) -> None:
    """Each expected goal has its kind, comparator, value and unit, and its words stand in
    the document."""
    for key, (kind, comparator, value, unit, words) in expected.items():
        t = targets[key]
        assert (t.kind, t.comparator, t.value, t.unit) == (kind, comparator, value, unit), key
        assert words in text, key
