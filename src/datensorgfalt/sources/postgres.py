"""PostgreSQL databases given as a URL: schemas, tables, row counts, column types.

Strictly read-only: every session runs ``SET default_transaction_read_only = on`` and the
reader only issues SELECTs. Locations carry no user or password:
``postgresql://host:port/db/schema.table``; credentials come from the URL the user gave,
``PGUSER``/``PGPASSWORD`` or ``~/.pgpass``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from datensorgfalt.sources.base import BATCH_ROWS, Issue, ReadError, rows_to_batch

if TYPE_CHECKING:  # the driver is imported when a database is read, not by every command
    import psycopg
    import pyarrow as pa

SCHEMES = ("postgresql://", "postgres://")
EXACT_COUNT_LIMIT = 5_000_000  # above the planner's estimate we trust the estimate

TABLES_SQL = """
SELECT n.nspname, c.relname, c.reltuples::bigint
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%'
  AND has_table_privilege(c.oid, 'SELECT')
ORDER BY 1, 2
"""

COLUMNS_SQL = """
SELECT column_name, data_type FROM information_schema.columns
WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position
"""


def is_database_url(target: str) -> bool:
    return str(target).startswith(SCHEMES)


def split_url(url: str) -> tuple[str, str | None]:
    """``(connection URL, "schema.table" or None)`` from a database or table location."""
    parts = urlsplit(url)
    segments = parts.path.strip("/").split("/")
    table = segments[1] if len(segments) > 1 else None
    conn = urlunsplit((parts.scheme, parts.netloc, "/" + segments[0], parts.query, ""))
    return conn, table


def public_location(url: str, schema: str, table: str) -> str:
    """The table's location without user and password."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    netloc = f"{host}:{parts.port}" if parts.port else host
    database = parts.path.strip("/").split("/")[0]
    return f"postgresql://{netloc}/{database}/{schema}.{table}"


def masked(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def connect(url: str) -> psycopg.Connection:
    import psycopg

    conn_url, _ = split_url(url)
    try:
        connection = psycopg.connect(conn_url, connect_timeout=10, autocommit=True)
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise ReadError("scan.read.db_refused", url=masked(url), reason=reason) from exc
    connection.execute("SET default_transaction_read_only = on")
    return connection


class PostgresTable:
    format = "postgresql"

    def __init__(self, url: str, schema: str, table: str, columns: list[tuple[str, str]],
                 rows: int, estimated: bool) -> None:
        self.url = url
        self.schema = schema
        self.table = table
        self.location = public_location(url, schema, table)
        self.name = f"{schema}.{table}"
        self.header = [name for name, _ in columns]
        self.dialect: dict[str, Any] = {
            "schema": schema, "table": table, "types": dict(columns),
            "row_count_estimated": estimated,
        }
        self.row_count = rows
        self.issues: list[Issue] = []

    def batches(self, rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
        from psycopg import sql

        query = sql.SQL("SELECT * FROM {}.{}").format(
            sql.Identifier(self.schema), sql.Identifier(self.table))
        with connect(self.url) as connection, connection.transaction(), \
                connection.cursor(name="datensorgfalt_read") as cursor:
            cursor.execute(query)
            while chunk := cursor.fetchmany(rows):
                yield rows_to_batch(chunk, self.header)



def open_database(url: str) -> list[PostgresTable]:
    """Every table the user may read, or only the one named in the URL path."""
    _, only = split_url(url)
    with connect(url) as connection:
        tables = []
        for schema, table, estimate in connection.execute(TABLES_SQL).fetchall():
            if only and only != f"{schema}.{table}":
                continue
            columns = connection.execute(COLUMNS_SQL, (schema, table)).fetchall()
            rows, estimated = _row_count(connection, schema, table, estimate)
            tables.append(PostgresTable(url, schema, table, columns, rows, estimated))
    if only and not tables:
        raise ReadError("scan.read.db_table_missing", url=masked(url))
    return tables


def _row_count(connection: psycopg.Connection, schema: str, table: str,
               estimate: int) -> tuple[int, bool]:
    from psycopg import sql

    if estimate > EXACT_COUNT_LIMIT:
        return estimate, True
    query = sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema),
                                                         sql.Identifier(table))
    return connection.execute(query).fetchone()[0], False


def database_location(url: str) -> str:
    """``postgresql://host:port/db`` without user, password or table."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return f"postgresql://{netloc}/{parts.path.strip('/').split('/')[0]}"


def quote_ident(name: str) -> str:
    """A column or table name as a PostgreSQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def table_ident(location: str) -> str:
    """``"schema"."table"`` of a table location ``postgresql://host/db/schema.table``."""
    _, qualified = split_url(location)
    if not qualified or "." not in qualified:
        raise ReadError("scan.read.db_table_missing", url=masked(location))
    schema, table = qualified.split(".", 1)
    return f"{quote_ident(schema)}.{quote_ident(table)}"


def select_rows(location: str, query: str, params: tuple[Any, ...] = ()) -> list[tuple]:
    """Run one read-only SELECT inside the database of ``location`` (``{table}`` in the query
    names the location's table) and return its rows: for aggregates computed where the data
    lives, so no row of a large table has to travel to this machine."""
    import psycopg

    statement = query.replace("{table}", table_ident(location))
    with connect(location) as connection:
        try:
            return connection.execute(statement.encode(), params or None).fetchall()
        except psycopg.Error as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ReadError("readers.error.db_query", url=masked(location),
                            reason=reason) from exc
