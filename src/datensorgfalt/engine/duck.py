"""The DuckDB connection every profile and query runs on, and SQL quoting."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # DuckDB loads with the first connection: quoting SQL needs no engine
    import duckdb

MEMORY_LIMIT = os.environ.get("DATENSORGFALT_MEMORY_LIMIT", "768MB")
THREADS = int(os.environ.get("DATENSORGFALT_THREADS", "0")) or (os.cpu_count() or 2)


def connect(memory_limit: str = MEMORY_LIMIT, threads: int = THREADS,
            temp_directory: Path | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with a memory cap; larger work spills to ``temp_directory``."""
    import duckdb

    con = duckdb.connect(":memory:")
    con.execute(f"SET memory_limit='{memory_limit}'")
    con.execute(f"SET threads={int(threads)}")
    con.execute("SET preserve_insertion_order=false")
    if temp_directory is not None:
        temp_directory.mkdir(parents=True, exist_ok=True)
        con.execute(f"SET temp_directory='{sql_string(str(temp_directory))}'")
    return con


def sql_string(value: str) -> str:
    return value.replace("'", "''")


def quote(name: str) -> str:
    """A column name as a DuckDB identifier."""
    return '"' + name.replace('"', '""') + '"'


def text_literal(value: str) -> str:
    """``value`` as an SQL string literal (a NUL, which may not stand between quotes, joined
    in as ``chr(0)``)."""
    return " || chr(0) || ".join(f"'{sql_string(part)}'" for part in value.split("\x00"))


def insert_texts(con: duckdb.DuckDBPyConnection, table: str, rows: list[list[str]]) -> None:
    """Rows of text into ``table``, written as literals: binding parameters makes DuckDB
    import pandas, which costs a command almost half a second."""
    if rows:
        values = ", ".join("(" + ", ".join(map(text_literal, row)) + ")" for row in rows)
        con.execute(f"INSERT INTO {table} VALUES {values}")
