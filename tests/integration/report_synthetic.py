"""A SYNTHETIC portfolio for report tests and the benchmark: invented plans, targets and
observations (not facts from any document), reproducible from a seed."""

from __future__ import annotations

import random
from datetime import date

from xlreport.model import Dataset, Observation, Plan, Source, Target

__all__ = ["synthetic_dataset"]


def synthetic_dataset(
    n_targets: int,
    obs_per_target: int,
    *,
    plans: int = 10,
    seed: int = 7,
    names: list[str] | None = None,
    start_year: int = 2021,
) -> Dataset:
    """``n_targets`` level targets in CNY with baselines, each with ``obs_per_target``
    monthly observations (year-to-date values published a month after each month) plus
    year values; ``names`` overrides the first targets' names (for injection tests)."""
    rng = random.Random(seed)
    source = Source(
        id="synthetic-source",
        title="Synthetic data (invented for tests)",
        publisher="xlreport tests",
        published=date(2020, 1, 1),
    )
    plan_objs = [
        Plan(
            id=f"synthetic-plan-{p:02d}",
            name=f"Synthetic plan {p}",
            issuer="Nobody",
            start_year=2021,
            end_year=2030,
            source_id=source.id,
        )
        for p in range(plans)
    ]
    targets, observations = [], []
    for i in range(n_targets):
        plan = plan_objs[i % plans]
        base = rng.uniform(50, 500) * 1e9
        name = names[i] if names and i < len(names) else f"Synthetic target {i}"
        targets.append(
            Target(
                id=f"t{i:05d}",
                plan_id=plan.id,
                name=name,
                indicator=f"ind-{i:05d}",
                kind="level",
                comparator="at_least",
                value=base * rng.uniform(1.2, 2.5),
                unit="CNY",
                deadline="2030",
                baseline_value=base,
                baseline_period=str(start_year - 1),
                source_id=source.id,
                note=name,
            )
        )
        growth = rng.uniform(-0.02, 0.15)
        for k in range(obs_per_target):
            year = start_year + k // 12
            month = k % 12 + 1
            level = base * (1 + growth) ** (year - start_year + 1 + month / 12)
            if month == 12:
                period, pub = f"{year}", date(year + 1, 1, 20)
            else:
                period, pub = f"{year}-YTD{month:02d}", date(year, month + 1, 15)
            observations.append(
                Observation(
                    id=f"o{i:05d}-{k:04d}",
                    indicator=f"ind-{i:05d}",
                    target_id=f"t{i:05d}",
                    period=period,
                    value=level * month / 12 if month < 12 else level,
                    unit="CNY",
                    source_id=source.id,
                    published=pub,
                )
            )
    return Dataset(
        sources=(source,),
        plans=tuple(plan_objs),
        targets=tuple(targets),
        observations=tuple(observations),
    )
