"""What the scan learns about one table: row count (streamed), a sample, and per column the
inferred storage type (readers' ``infer_column``) and the semantic type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from datensorgfalt.services.scan.semantic import semantic_type
from datensorgfalt.sources.base import TableSource
from datensorgfalt.sources.types import INFER_ROWS, infer_column

SAMPLE_ROWS = INFER_ROWS  # the reader inferred types from the same rows: answers are reused
BATCH_ROWS = 10_000


@dataclass
class ColumnProfile:
    position: int
    name: str
    inferred_type: str
    semantic_type: str | None
    details: dict[str, Any]


@dataclass
class TableProfile:
    row_count: int
    columns: list[ColumnProfile] = field(default_factory=list)


def profile(source: TableSource,
            sink: Callable[[pa.RecordBatch], None] | None = None) -> TableProfile:
    """Stream the table once: count its rows, keep the first rows as a sample. ``sink`` gets
    every batch (the scan stages a large file's table while it reads it anyway); with a sink
    the whole table is read even when the reader knows its row count."""
    known_rows = getattr(source, "row_count", None)
    samples: dict[int, list[Any]] = {}
    types: dict[int, pa.DataType] = {}
    names = list(source.header)
    rows = 0
    for batch in source.batches(BATCH_ROWS):
        if sink is not None:
            sink(batch)
        if rows < SAMPLE_ROWS:
            take = batch.slice(0, SAMPLE_ROWS - rows)
            for index in range(batch.num_columns):
                samples.setdefault(index, []).extend(take.column(index).to_pylist())
                types.setdefault(index, batch.schema.field(index).type)
            if not names:
                names = list(batch.schema.names)
        rows += batch.num_rows
        if known_rows is not None and rows >= SAMPLE_ROWS and sink is None:
            break  # the reader knows the row count: no need to read the rest
    count = known_rows if known_rows is not None else rows
    columns = [
        _column(index, str(name), types.get(index, pa.string()), samples.get(index, []))
        for index, name in enumerate(names)
    ]
    declared = (source.dialect or {}).get("types") or {}
    for column in columns:  # what a database says the column is (SQLite, PostgreSQL)
        if declared.get(column.name):
            column.details["declared_type"] = declared[column.name]
    return TableProfile(count, columns)


def _column(index: int, name: str, arrow_type: pa.DataType, values: list[Any]) -> ColumnProfile:
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type) \
            or pa.types.is_null(arrow_type):
        info = infer_text([None if v is None else str(v) for v in values])
    else:
        info = {"type": arrow_kind(arrow_type), "semantic": None, "arrow_type": str(arrow_type)}
    kind = info.get("type", "text")
    texts = [v if isinstance(v, str) else str(v) for v in values if v is not None]
    meaning = info.get("semantic") or semantic_type(name, kind, texts)
    return ColumnProfile(index, name, kind, meaning, dict(info))  # made JSON-safe when stored


def infer_text(values: list[str | None]) -> dict[str, Any]:
    """The readers' type inference for raw strings."""
    return dict(infer_column(values))


def arrow_kind(arrow_type: pa.DataType) -> str:
    checks = (
        (pa.types.is_boolean, "boolean"),
        (pa.types.is_integer, "integer"),
        (pa.types.is_floating, "decimal"),
        (pa.types.is_decimal, "decimal"),
        (pa.types.is_date, "date"),
        (pa.types.is_timestamp, "datetime"),
        (pa.types.is_time, "time"),
        (pa.types.is_binary, "binary"),
        (pa.types.is_large_binary, "binary"),
    )
    for check, kind in checks:
        if check(arrow_type):
            return kind
    return "text"
