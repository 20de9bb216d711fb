"""SQLite database files: every table, opened read-only (``immutable=1``: never written)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pyarrow as pa

from datensorgfalt.sources.base import BATCH_ROWS, Issue, ReadError, rows_to_batch
from datensorgfalt.sources.locations import display_name, file_location

MAGIC = b"SQLite format 3\x00"


def is_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(16) == MAGIC
    except OSError:
        return False


def connect_readonly(path: Path) -> sqlite3.Connection:
    uri = f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1"
    try:
        return sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise ReadError("scan.read.sqlite_broken", reason=str(exc)) from exc


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class SqliteTable:
    format = "sqlite"

    def __init__(self, path: Path, table: str, columns: list[tuple[str, str]], rows: int):
        self.path = path
        self.table = table
        self.location = file_location(path, table=table)
        self.name = f"{display_name(path)} ({table})"
        self.header = [name for name, _ in columns]
        self.dialect = {"table": table, "types": {name: kind for name, kind in columns}}
        self.row_count = rows
        self.issues: list[Issue] = []

    def batches(self, rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
        connection = connect_readonly(self.path)
        try:
            cursor = connection.execute(f"SELECT * FROM {_quote(self.table)}")
            while chunk := cursor.fetchmany(rows):
                yield rows_to_batch(chunk, self.header)
        finally:
            connection.close()



def open_sqlite(path: Path, table: str | None = None) -> list[SqliteTable]:
    connection = connect_readonly(path)
    try:
        names = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name")]
        tables = []
        for name in names:
            if table is not None and name != table:
                continue
            columns = [(r[1], r[2] or "") for r in
                       connection.execute(f"PRAGMA table_info({_quote(name)})")]
            rows = connection.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()[0]
            tables.append(SqliteTable(path, name, columns, rows))
        return tables
    except sqlite3.DatabaseError as exc:
        raise ReadError("scan.read.sqlite_broken", reason=str(exc)) from exc
    finally:
        connection.close()
