"""Read a cataloged table as columns of strings (what the detectors look at)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from datensorgfalt.sources.registry import open_location

MAX_ROWS = 50_000  # the detectors sample; more rows add no evidence


def as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_columns(location: str, max_rows: int | None = MAX_ROWS) -> tuple[dict[str, list], int]:
    """Columns (name -> values as strings) of the table at ``location`` and the row count read."""
    source = open_location(location)
    names = unique_names([str(name) for name in source.header])
    columns: dict[str, list[str | None]] = {name: [] for name in names}
    rows = 0
    for batch in source.batches():
        for index, name in enumerate(names[:batch.num_columns]):
            columns[name].extend(as_text(x) for x in batch.column(index).to_pylist())
        rows += batch.num_rows
        if max_rows is not None and rows >= max_rows:
            break
    return columns, rows


def unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        result.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return result
