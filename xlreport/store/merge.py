"""Importing a dataset into the store: check references, then upsert by id per kind.

Everything runs inside the caller's transaction. References are checked against what the
store holds plus what arrives, before anything is written; a problem raises
:class:`~xlreport.errors.ValidationFailed` listing every one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.engine import Connection

from xlreport.errors import Problem, StoreError
from xlreport.model import ENTITY_MODELS, Dataset
from xlreport.store.records import FIELDS, row_from_record
from xlreport.store.schema import DATA_TABLES, observations, targets

__all__ = ["ImportSummary", "KindCounts", "check_incoming", "merge_dataset"]

#: Ids per IN (...) query: below SQLite's historical limit of 999 parameters.
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class KindCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import did, per collection (``sources``, ``plans``...)."""

    counts: dict[str, KindCounts] = field(default_factory=dict)
    revision: int = 0  # the store's revision after the import

    @property
    def inserted(self) -> int:
        return sum(c.inserted for c in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.counts.values())

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.counts.values())

    @property
    def changed(self) -> bool:
        return self.inserted + self.updated > 0

    def describe(self) -> str:
        """One line: ``12 inserted, 1 updated, 40 unchanged``."""
        return f"{self.inserted} inserted, {self.updated} updated, {self.unchanged} unchanged"


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _stored_ids(conn: Connection, kind: str) -> set[str]:
    table = DATA_TABLES[kind]
    return set(conn.execute(sa.select(table.c.id)).scalars())


def check_incoming(conn: Connection, ds: Dataset) -> list[Problem]:
    """Every duplicate id and dangling reference of ``ds`` against store + ``ds``."""
    problems: list[Problem] = []
    ids: dict[str, set[str]] = {}
    for kind in ENTITY_MODELS:
        seen: set[str] = set()
        for i, item in enumerate(getattr(ds, kind)):
            if item.id in seen:
                problems.append(Problem(f"{kind}[{i}]", f"duplicate id {item.id!r}"))
            seen.add(item.id)
        ids[kind] = seen
    known = {kind: ids[kind] | _stored_ids(conn, kind) for kind in ("sources", "plans")}
    indicator_of: dict[str, str] = dict(
        (r.id, r.indicator) for r in conn.execute(sa.select(targets.c.id, targets.c.indicator))
    )
    changed_indicator = {
        t.id for t in ds.targets if t.id in indicator_of and indicator_of[t.id] != t.indicator
    }
    indicator_of.update((t.id, t.indicator) for t in ds.targets)

    def need(ref: str | None, pool: set[str] | dict[str, str], where: str, what: str) -> None:
        if ref is not None and ref not in pool:
            problems.append(
                Problem(where, f"{what} {ref!r} is neither in the store nor in this import")
            )

    for p in ds.plans:
        need(p.source_id, known["sources"], f"plan {p.id}", "source_id")
    for t in ds.targets:
        need(t.plan_id, known["plans"], f"target {t.id}", "plan_id")
        need(t.source_id, known["sources"], f"target {t.id}", "source_id")
    for o in ds.observations:
        need(o.source_id, known["sources"], f"observation {o.id}", "source_id")
        need(o.target_id, indicator_of, f"observation {o.id}", "target_id")
        if o.target_id in indicator_of and indicator_of[o.target_id] != o.indicator:
            problems.append(
                Problem(
                    f"observation {o.id}",
                    f"indicator {o.indicator!r} differs from target {o.target_id!r}'s "
                    f"{indicator_of[o.target_id]!r}",
                )
            )
    if changed_indicator:
        incoming_obs = ids["observations"]
        for chunk in _chunks(sorted(changed_indicator)):
            stored = conn.execute(
                sa.select(observations.c.id, observations.c.target_id, observations.c.indicator)
                .where(observations.c.target_id.in_(chunk))
                .order_by(observations.c.seq)
            )
            for obs_id, target_id, indicator in stored:
                if obs_id not in incoming_obs and indicator != indicator_of[target_id]:
                    problems.append(
                        Problem(
                            f"target {target_id}",
                            f"changing its indicator to {indicator_of[target_id]!r} would "
                            f"orphan stored observation {obs_id!r} (indicator {indicator!r}); "
                            "import that observation with the new indicator too",
                        )
                    )
    problems += _unit_problems(conn, ds)
    return problems


def _unit_problems(conn: Connection, ds: Dataset) -> list[Problem]:
    """Observations whose unit differs from a target they count towards, and back.

    Progress pairs an observation with the target it names and with every target of its
    indicator; a numeric target must get numbers in its own unit (a USD figure for a CNY
    target would stop the progress of every plan). Checked for the incoming
    observations against stored and incoming targets, and for incoming targets against
    the stored observations of their indicator.
    """
    info: dict[str, tuple[str, str | None]] = {}  # target id -> (indicator, unit if numeric)
    for tid, indicator, kind, unit in conn.execute(
        sa.select(targets.c.id, targets.c.indicator, targets.c.kind, targets.c.unit)
    ):
        info[tid] = (indicator, unit if kind != "milestone" else None)
    for t in ds.targets:
        info[t.id] = (t.indicator, t.unit if t.kind.value != "milestone" else None)
    by_indicator: dict[str, dict[str, str]] = {}  # indicator -> {target id: unit}
    for tid, (indicator, unit) in info.items():
        if unit is not None:
            by_indicator.setdefault(indicator, {})[tid] = unit
    problems: list[Problem] = []
    for o in ds.observations:
        if o.value is None:
            continue
        pool = dict(by_indicator.get(o.indicator, {}))
        if o.target_id in info and info[o.target_id][1] is not None:
            pool[o.target_id] = info[o.target_id][1] or ""
        for tid, unit in sorted(pool.items()):
            if unit != o.unit:
                problems.append(
                    Problem(
                        f"observation {o.id}",
                        f"unit {o.unit!r} differs from the unit {unit!r} of target {tid!r}: record "
                        "it in the target's unit (convert currencies first)",
                    )
                )
                break
    incoming = {o.id for o in ds.observations}
    numeric = [t for t in ds.targets if info[t.id][1] is not None]
    for chunk in _chunks(sorted({t.indicator for t in numeric})):
        stored = conn.execute(
            sa.select(observations.c.id, observations.c.indicator, observations.c.unit)
            .where(observations.c.indicator.in_(chunk), observations.c.value.is_not(None))
            .order_by(observations.c.seq)
        )
        for obs_id, indicator, unit in stored:
            if obs_id in incoming:
                continue
            for t in numeric:
                if t.indicator == indicator and t.unit != unit:
                    problems.append(
                        Problem(
                            f"target {t.id}",
                            f"its unit {t.unit!r} differs from stored observation {obs_id!r} "
                            f"(unit {unit!r}) of its indicator: import that observation in "
                            f"{t.unit!r} too",
                        )
                    )
    return problems


def _stored_rows(conn: Connection, kind: str, ids: Sequence[str]) -> dict[str, tuple[Any, ...]]:
    """Stored rows (as ``FIELDS[kind]`` tuples) of the given ids, by id."""
    table = DATA_TABLES[kind]
    cols = [table.c[name] for name in FIELDS[kind]]
    key = FIELDS[kind].index("id")
    stored = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
    if stored == 0:
        return {}
    if stored <= 4 * len(ids):  # reading everything beats many IN (...) queries
        wanted = set(ids)
        rows = conn.execute(sa.select(*cols))
        return {row[key]: tuple(row) for row in rows if row[key] in wanted}
    found: dict[str, tuple[Any, ...]] = {}
    for chunk in _chunks(ids):
        for row in conn.execute(sa.select(*cols).where(table.c.id.in_(chunk))):
            found[row[key]] = tuple(row)
    return found


def _merge_kind(conn: Connection, kind: str, records: Sequence[BaseModel]) -> KindCounts:
    if not records:
        return KindCounts()
    table = DATA_TABLES[kind]
    names = FIELDS[kind]
    key = names.index("id")
    incoming = [row_from_record(kind, r) for r in records]
    stored = _stored_rows(conn, kind, [r[key] for r in incoming])
    new = [r for r in incoming if r[key] not in stored]
    changed = [r for r in incoming if r[key] in stored and stored[r[key]] != r]
    if new:
        start = conn.execute(sa.select(sa.func.coalesce(sa.func.max(table.c.seq), 0))).scalar_one()
        _execute_many(
            conn,
            table,
            "INSERT INTO {table} ({columns}) VALUES ({marks})",
            ("seq", *names),
            [(start + 1 + i, *r) for i, r in enumerate(new)],
        )
    if changed:
        others = [i for i, n in enumerate(names) if n != "id"]
        _execute_many(
            conn,
            table,
            "UPDATE {table} SET {assignments} WHERE {key} = {mark}",
            (*(names[i] for i in others), "id"),
            [(*(r[i] for i in others), r[key]) for r in changed],
        )
    return KindCounts(len(new), len(changed), len(incoming) - len(new) - len(changed))


def _execute_many(
    conn: Connection,
    table: sa.Table,
    template: str,
    names: Sequence[str],
    rows: list[tuple[Any, ...]],
) -> None:
    """Run one statement for many rows through the driver's executemany.

    SQLAlchemy's per-row parameter handling costs several times the database's own work
    for bulk writes; values get the same conversions SQLAlchemy would apply (its bind
    processors, e.g. dates as ISO text on SQLite). ``template`` uses ``{table}``,
    ``{columns}``, ``{marks}``, ``{assignments}`` (all names but the last, which is the
    key), ``{key}`` and ``{mark}``.
    """
    dialect = conn.dialect
    mark = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(dialect.paramstyle)
    if mark is None:
        raise StoreError(
            f"database driver {dialect.driver!r} is not supported: xlreport stores data in "
            "SQLite or in PostgreSQL through psycopg (postgresql+psycopg://...)"
        )
    quote = dialect.identifier_preparer.quote
    sql = template.format(
        table=dialect.identifier_preparer.format_table(table),
        columns=", ".join(quote(n) for n in names),
        marks=", ".join([mark] * len(names)),
        assignments=", ".join(f"{quote(n)} = {mark}" for n in names[:-1]),
        key=quote(names[-1]),
        mark=mark,
    )
    processors = [
        (i, proc)
        for i, n in enumerate(names)
        if (proc := table.c[n].type.dialect_impl(dialect).bind_processor(dialect)) is not None
    ]
    if processors:
        converted = []
        for row in rows:
            values = list(row)
            for i, proc in processors:
                values[i] = proc(values[i])
            converted.append(tuple(values))
        rows = converted
    conn.exec_driver_sql(sql, rows)


def merge_dataset(conn: Connection, ds: Dataset) -> dict[str, KindCounts]:
    """Upsert every record of ``ds`` by id, kinds in dependency order; counts per kind."""
    return {kind: _merge_kind(conn, kind, getattr(ds, kind)) for kind in ENTITY_MODELS}
