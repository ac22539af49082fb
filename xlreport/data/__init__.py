"""The embedded plan dataset: facts from the five source documents, with citations.

The facts live in ``dataset.toml`` beside this module; :func:`load_embedded_dataset`
validates them into a :class:`~xlreport.model.Dataset` once per process.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources

from xlreport.model import Dataset

__all__ = ["DATASET_FILE", "load_embedded_dataset"]

DATASET_FILE = "dataset.toml"


@lru_cache(maxsize=1)
def load_embedded_dataset() -> Dataset:
    """The embedded dataset, validated (raises ValidationFailed if the file is broken)."""
    text = resources.files(__package__).joinpath(DATASET_FILE).read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    return Dataset.build(**{k: tuple(v) for k, v in raw.items()})
