"""Conversion between model records and table rows (columns are named as model fields)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

from pydantic import BaseModel

from xlreport.model import ENTITY_MODELS

__all__ = ["FIELDS", "record_from_row", "row_from_record"]

#: Model field names per collection, in model order: the data columns of each table.
FIELDS: dict[str, tuple[str, ...]] = {
    name: tuple(model.model_fields) for name, model in ENTITY_MODELS.items()
}


#: Fields holding an enum, per collection: stored as the enum's text value.
_ENUM_FIELDS: dict[str, tuple[str, ...]] = {
    name: tuple(
        f
        for f, info in model.model_fields.items()
        if any(
            isinstance(t, type) and issubclass(t, Enum)
            for t in (info.annotation, *getattr(info.annotation, "__args__", ()))
        )
    )
    for name, model in ENTITY_MODELS.items()
}
_ENUM_INDEX = {
    kind: tuple(FIELDS[kind].index(f) for f in fields) for kind, fields in _ENUM_FIELDS.items()
}


def row_from_record(kind: str, record: BaseModel) -> tuple[Any, ...]:
    """Column values of one record in ``FIELDS[kind]`` order; enums as their text value."""
    values = record.__dict__
    row = [values[name] for name in FIELDS[kind]]
    for i in _ENUM_INDEX[kind]:
        if isinstance(row[i], Enum):
            row[i] = row[i].value
    return tuple(row)


def record_from_row(kind: str, row: Mapping[str, Any]) -> BaseModel:
    """Validate one stored row back into its model (the row may carry extra columns)."""
    model = ENTITY_MODELS[kind]
    return model.model_validate({name: row[name] for name in FIELDS[kind]})
