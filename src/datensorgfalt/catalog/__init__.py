"""The catalog: the one store every service writes to and the report reads from.

Names load on first use (PEP 562): ``init`` creates a new SQLite catalog without SQLAlchemy
(:mod:`datensorgfalt.catalog.fresh`), and importing SQLAlchemy is most of its time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from datensorgfalt.lazy import lazy_names

if TYPE_CHECKING:
    from datensorgfalt.catalog.models import Column, Dataset, Finding, Link, Result, Rights, Run
    from datensorgfalt.catalog.results import json_safe, save_result
    from datensorgfalt.catalog.store import Catalog, dataset_id_for

_HOMES = {
    "Column": "models", "Dataset": "models", "Finding": "models", "Link": "models",
    "Result": "models", "Rights": "models", "Run": "models",
    "json_safe": "results", "save_result": "results",
    "Catalog": "store", "dataset_id_for": "store",
}

__all__ = [
    "Catalog",
    "Column",
    "Dataset",
    "Finding",
    "Link",
    "Result",
    "Rights",
    "Run",
    "dataset_id_for",
    "json_safe",
    "save_result",
]


__getattr__ = lazy_names(__name__, {name: f"{__name__}.{home}" for name, home in _HOMES.items()})
