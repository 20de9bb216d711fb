"""Rows of a table as plain values, for the steps that look at single cells rather than at
aggregates: the personal-data detectors (``text_columns``) and ``predict`` on a file that is
not in the catalog (``typed_file_frame``)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas costs a second to import; only ``predict`` needs it here
    import pandas as pd

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


def text_columns(location: str, max_rows: int | None = MAX_ROWS) -> tuple[dict[str, list], int]:
    """Columns (name -> values as strings) of the table at ``location`` and the row count read."""
    from datensorgfalt.sources.registry import open_location  # readers load when needed

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


def typed_file_frame(path: Path) -> pd.DataFrame | None:
    """The first table of a file, typed as the scan would type it (German numbers and dates);
    None when the file holds no table."""
    import pandas as pd
    import pyarrow as pa

    from datensorgfalt.sources.registry import open_tables
    from datensorgfalt.sources.types import infer_column, parse_column

    sources = open_tables(path)
    if not sources:
        return None
    table = pa.Table.from_batches(list(sources[0].batches()))
    columns = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            values = column.to_pylist()
            columns[name] = parse_column(values, infer_column(values)).to_pandas()
        else:
            columns[name] = column.to_pandas()
    return pd.DataFrame(columns)
