"""Which observations are in force as of a date (statistical vintages).

Rule, used by the store, the progress engine and the reports alike:

1. Only observations published on or before the as-of date are visible.
2. For each (indicator, period), one observation is in force: a stated figure is
   preferred to a derived one; among those, the latest publication wins (a revision
   supersedes the older vintage, which stays stored); ties break on the id.
3. Observations of the same (indicator, period) from different sources that disagree are
   not lost: :func:`disagreements` lists them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from xlreport.model import Observation

__all__ = ["current_observations", "disagreements", "visible_observations"]


def visible_observations(obs: Iterable[Observation], as_of: date | None) -> list[Observation]:
    return [o for o in obs if as_of is None or o.published <= as_of]


def _rank(o: Observation) -> tuple[bool, date, str]:
    return (not o.derived, o.published, o.id)


def current_observations(obs: Iterable[Observation], as_of: date | None) -> list[Observation]:
    """The observation in force for each (indicator, period), in input order."""
    best: dict[tuple[str, str], Observation] = {}
    for o in visible_observations(obs, as_of):
        key = (o.indicator, o.period)
        if key not in best or _rank(o) > _rank(best[key]):
            best[key] = o
    keep = {id(o) for o in best.values()}
    return [o for o in visible_observations(obs, as_of) if id(o) in keep]


def disagreements(obs: Iterable[Observation], as_of: date | None) -> list[list[Observation]]:
    """Groups of stated observations of one (indicator, period) from different sources
    whose values differ."""
    groups: dict[tuple[str, str], list[Observation]] = {}
    for o in visible_observations(obs, as_of):
        if not o.derived and o.value is not None:
            groups.setdefault((o.indicator, o.period), []).append(o)
    out = []
    for members in groups.values():
        if len({m.source_id for m in members}) > 1 and len({m.value for m in members}) > 1:
            out.append(sorted(members, key=lambda m: (m.published, m.id)))
    return out
