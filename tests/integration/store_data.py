"""Records the store, CLI and Excel tests import on top of the embedded dataset."""

from __future__ import annotations

from datetime import date

from xlreport.model import Dataset, Observation


def partial_dataset(**collections: object) -> Dataset:
    """A dataset whose references point into the store (not checked by the model)."""
    full = {"sources": (), "plans": (), "targets": (), "observations": (), "rates": ()}
    return Dataset.model_construct(**{**full, **collections})


def revised_output(**over: object) -> Observation:
    """Lin-gang's 2023 industrial output revised from the embedded 433.3 bn to 440 bn CNY,
    published 2025-01-20, unless ``over`` says otherwise."""
    base: dict[str, object] = {
        "id": "lingang.industrial-output.2023.rev1",
        "indicator": "lingang.industrial-output",
        "target_id": "lingang-2025.industrial-output",
        "period": "2023",
        "value": "440 billion",
        "unit": "CNY",
        "source_id": "chinadaily-2024-05-25-lingang",
        "published": date(2025, 1, 20),
        "note": "a revised figure (test data)",
    }
    base.update(over)
    return Observation.model_validate(base)
