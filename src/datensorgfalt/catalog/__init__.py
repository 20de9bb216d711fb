"""The catalog: the one store every service writes to and the report reads from."""

from datensorgfalt.catalog.models import Column, Dataset, Finding, Link, Result, Rights, Run
from datensorgfalt.catalog.results import json_safe, save_result
from datensorgfalt.catalog.store import Catalog, dataset_id_for

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
