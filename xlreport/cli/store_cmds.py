"""CLI commands of the store: ``init`` and the listings ``targets``, ``observations``,
``sources``.

The listings read the store (``XLREPORT_DATABASE_URL`` or the default SQLite file) and
print a table, CSV or JSON. JSON is a contract scripts rely on: the keys below are kept,
values are in full units, fractions as fractions, ``null`` where absent.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from xlreport.cli.options import parse_date_option
from xlreport.cli.output import OutputFormat, emit_rows
from xlreport.errors import DataError

if TYPE_CHECKING:
    from xlreport.model import Dataset, Observation, Source, Target
    from xlreport.store import InitResult

# The model, the store and rich load inside the commands (a fast `xlreport --help`).

__all__ = ["observation_rows", "register", "source_rows", "target_rows"]

TARGET_TABLE = ("id", "kind", "comparator", "value", "low", "high", "unit", "deadline")
OBSERVATION_TABLE = ("id", "period", "value", "growth_yoy", "unit", "published", "derived")
SOURCE_TABLE = ("id", "published", "publisher", "file")

FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="table, csv or json (a stable contract).")
]


# ------------------------------------------------------------------------------- rows


def target_rows(targets: Sequence[Target]) -> list[dict[str, Any]]:
    return [
        {
            "id": t.id,
            "plan_id": t.plan_id,
            "name": t.name,
            "indicator": t.indicator,
            "kind": t.kind,
            "comparator": t.comparator,
            "value": t.value,
            "low": t.low,
            "high": t.high,
            "tolerance": t.tolerance,
            "multiple": t.multiple,
            "unit": t.unit,
            "deadline": t.deadline,
            "baseline_value": t.baseline_value,
            "baseline_period": t.baseline_period,
            "baseline_qualifier": t.baseline_qualifier,
            "published_usd": t.published_usd,
            "source_id": t.source_id,
            "note": t.note,
        }
        for t in targets
    ]


def observation_rows(
    shown: Sequence[Observation], in_force: Sequence[Observation]
) -> list[dict[str, Any]]:
    """Rows of ``shown``; ``superseded_by`` names the observation in force instead."""
    current = {(o.indicator, o.period): o.id for o in in_force}
    rows = []
    for o in shown:
        winner = current.get((o.indicator, o.period))
        rows.append(
            {
                "id": o.id,
                "target_id": o.target_id,
                "indicator": o.indicator,
                "period": o.period,
                "value": o.value,
                "growth_yoy": o.growth_yoy,
                "unit": o.unit,
                "qualifier": o.qualifier,
                "cumulative": o.cumulative,
                "published": o.published,
                "source_id": o.source_id,
                "derived": o.derived,
                "derivation": o.derivation or None,
                "superseded_by": winner if winner != o.id else None,
                "note": o.note,
            }
        )
    return rows


def describe_published(s: Source) -> str:
    """The publication date as a reader should take it: ``2021 (inferred)``, ``unknown``."""
    from xlreport.model import Precision

    if s.published is None:
        return "unknown"
    shown = {
        Precision.YEAR: f"{s.published:%Y}",
        Precision.MONTH: f"{s.published:%Y-%m}",
    }.get(s.published_precision, s.published.isoformat())
    return shown if s.published_certainty == "stated" else f"{shown} ({s.published_certainty})"


def source_rows(sources: Sequence[Source]) -> list[dict[str, Any]]:
    return [
        {
            "id": s.id,
            "title": s.title,
            "publisher": s.publisher,
            "published": s.published,
            "published_precision": s.published_precision,
            "published_certainty": s.published_certainty,
            "published_basis": s.published_basis or None,
            "published_display": describe_published(s),
            "vintage": s.vintage,
            "attributed_to": s.attributed_to or None,
            "file": s.file or None,
            "url": s.url or None,
            "note": s.note,
        }
        for s in sources
    ]


# ---------------------------------------------------------------------------- helpers


def _unknown_id(kind: str, given: str, valid: Sequence[str], option: str) -> DataError:
    near = difflib.get_close_matches(given, valid, n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(near)}? " if near else ""
    return DataError(
        f"{option} {given!r} is not a known {kind} id: {hint}valid ids are {', '.join(valid)}"
    )


def _load(as_of: date | None = None) -> Dataset:
    from xlreport.store import Store

    with Store.open() as store:
        return store.load_dataset(as_of)


def _describe_init(result: InitResult) -> None:
    from rich.console import Console

    console = Console(soft_wrap=True)
    if result.created:
        head = f"Created an xlreport database (schema version {result.schema_version})"
    elif result.upgraded_from is not None:
        head = (
            f"Upgraded the database schema from version {result.upgraded_from} to "
            f"{result.schema_version}"
        )
    else:
        head = f"The database is up to date (schema version {result.schema_version})"
    console.print(f"[bold]{head}[/bold]")
    console.print(f"  where: {result.location}", highlight=False)
    if result.embedded is None:
        console.print("  embedded dataset: already loaded, nothing to change")
    else:
        console.print(f"  embedded dataset: {result.embedded.describe()}")
        for kind, c in result.embedded.counts.items():
            total = c.inserted + c.updated + c.unchanged
            if total:
                console.print(
                    f"    {kind}: {c.inserted} inserted, {c.updated} updated, "
                    f"{c.unchanged} unchanged"
                )
    console.print(f"  data revision: {result.revision}")
    if not result.changed:
        console.print("Nothing changed.")


# --------------------------------------------------------------------------- commands


def init_cmd() -> None:
    """Create the database (or upgrade it) and load the embedded plan dataset.

    Safe to run again: a second run changes nothing and says so.
    """
    from xlreport.store import Store

    with Store.open() as store:
        result = store.init()
    _describe_init(result)


def targets_cmd(
    plan: Annotated[str | None, typer.Option("--plan", help="Only this plan's targets.")] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """List plan targets (values in full units; shares as fractions)."""
    ds = _load()
    targets = list(ds.targets)
    if plan is not None:
        valid = [p.id for p in ds.plans]
        if plan not in valid:
            raise _unknown_id("plan", plan, valid, "--plan")
        targets = [t for t in targets if t.plan_id == plan]
    emit_rows(target_rows(targets), fmt, columns=TARGET_TABLE, title="Targets")


def observations_cmd(
    target: Annotated[
        str | None,
        typer.Option(
            "--target",
            help="Only observations of this target (and of its indicator, when they name "
            "no target).",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Only what was published by this date (YYYY-MM-DD)."),
    ] = None,
    all_vintages: Annotated[
        bool,
        typer.Option(
            "--all-vintages",
            help="Also show superseded observations (see the superseded_by column).",
        ),
    ] = False,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """List observations in force (as of a date), or every visible vintage."""
    from xlreport.vintage import current_observations, visible_observations

    when = parse_date_option(as_of)
    ds = _load(when)
    in_force = current_observations(ds.observations, when)
    shown = visible_observations(ds.observations, when) if all_vintages else in_force
    if target is not None:
        by_id = {t.id: t for t in ds.targets}
        if target not in by_id:
            raise _unknown_id("target", target, list(by_id), "--target")
        indicator = by_id[target].indicator
        shown = [
            o
            for o in shown
            if o.target_id == target or (o.target_id is None and o.indicator == indicator)
        ]
    columns = OBSERVATION_TABLE + (("superseded_by",) if all_vintages else ())
    emit_rows(observation_rows(shown, in_force), fmt, columns=columns, title="Observations")


def sources_cmd(fmt: FormatOption = OutputFormat.TABLE) -> None:
    """List the source documents facts are cited from."""
    rows = source_rows(_load().sources)
    if fmt is OutputFormat.TABLE:  # a reader sees "2021 (inferred)", not 2021-01-01
        rows = [{**r, "published": r["published_display"]} for r in rows]
    emit_rows(rows, fmt, columns=SOURCE_TABLE, title="Sources")


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app."""
    app.command("init")(init_cmd)
    app.command("targets")(targets_cmd)
    app.command("observations")(observations_cmd)
    app.command("sources")(sources_cmd)
